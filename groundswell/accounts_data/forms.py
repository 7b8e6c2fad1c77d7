from django import forms


class AccountDeleteForm(forms.Form):
    KEEP = "keep"
    DELETE = "delete"

    contributions = forms.ChoiceField(
        label="What happens to what you wrote",
        choices=[
            (
                KEEP,
                "Keep my contributions and comments, without my name (“Former member”); "
                "what I wrote under my pseudonym keeps showing the pseudonym",
            ),
            (DELETE, "Delete my contributions and comments"),
        ],
        widget=forms.RadioSelect,
        help_text=(
            "Statements and ideas others have voted on are always kept without your name. "
            "Your votes still count but can no longer be linked to you."
        ),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm it is you.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    @property
    def keep_contributions(self) -> bool:
        return self.cleaned_data["contributions"] == self.KEEP
