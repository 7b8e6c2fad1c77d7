from django import forms

from groundswell.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their e-mail address")
    as_admin = forms.BooleanField(label="Make them an admin", required=False)
