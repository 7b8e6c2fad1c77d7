from django import forms

from groundswell.people.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio", "role", "sector", "region", "pseudonym"]
        labels = {"role": "Your role", "sector": "Your sector", "region": "Where you are"}
        help_texts = {
            "display_name": "Shown on named contributions. Leave blank to use your username.",
            "role": "Results are broken down by role, so people like you are heard.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
