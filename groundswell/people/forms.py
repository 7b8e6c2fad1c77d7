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

    def clean_pseudonym(self):
        # The database constraint has a condition, so Django would report a clash as a
        # form-wide error; say it next to the field instead.
        pseudonym = self.cleaned_data["pseudonym"]
        if pseudonym and (
            User.objects.filter(pseudonym=pseudonym).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError("Someone already uses that pseudonym. Choose another.")
        return pseudonym
