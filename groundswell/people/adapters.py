from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from groundswell.people.models import User

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


@dataclass(frozen=True)
class _Site:
    """What allauth's e-mails call the site ("Hello from …", "Thank you for using …")."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth names the site after, and builds its links from, whatever host the request
        # came in on (behind a proxy, perhaps an internal one). Mail says "Groundswell" and links
        # to SITE_URL, as the site's own e-mails do.
        request = allauth_context.request
        origin = request.build_absolute_uri("/").rstrip("/") if request is not None else None
        rebased = {
            key: settings.SITE_URL + value[len(origin) :]
            if origin and isinstance(value, str) and value.startswith(origin + "/")
            else value
            for key, value in context.items()
        }
        site = _Site(name="Groundswell", domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **rebased})

    def clean_email(self, email: str) -> str:
        # Forms allow 320 characters but the column holds 254; allauth would cut the address
        # short and send the verification e-mail to an address nobody owns.
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                f"Use an e-mail address of at most {EMAIL_MAX_LENGTH} characters."
            )
        return email

    def pre_authenticate(self, request, **credentials) -> None:
        # Too many failed log-ins for an address answer 429 with the site's page, before any
        # password is checked: the same answer whether or not an account has that address.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            raise ImmediateHttpResponse(respond_429(request)) from None


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # Drawn inline, not as a data: URI image, which the Content-Security-Policy refuses.
        # qrcode writes plain paths (no style attributes), so the policy has nothing to block.
        svg = super().build_totp_svg(url)
        svg = svg[svg.index("<svg") :]
        return svg.replace(
            "<svg ",
            '<svg class="qr-code" role="img" aria-label="QR code for your authenticator app" ',
            1,
        )
