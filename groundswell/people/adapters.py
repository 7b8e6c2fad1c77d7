from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from groundswell.people.models import User

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Forms allow 320 characters but the column holds 254; allauth would cut the address
        # short and send the verification e-mail to an address nobody owns.
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                f"Use an e-mail address of at most {EMAIL_MAX_LENGTH} characters."
            )
        return email
