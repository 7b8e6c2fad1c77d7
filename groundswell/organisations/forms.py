from django import forms

from groundswell.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class InviteForm(forms.Form):
    # The invite table holds 254 characters, fewer than the 320 a form field allows by default.
    email = forms.EmailField(label="Their e-mail address", max_length=254)
    as_admin = forms.BooleanField(label="Make them an admin", required=False)
