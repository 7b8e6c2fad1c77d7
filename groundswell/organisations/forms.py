from django import forms

from groundswell.organisations.models import Organisation, OrganisationKind


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class InviteForm(forms.Form):
    # The invite table holds 254 characters, fewer than the 320 a form field allows by default.
    email = forms.EmailField(label="Their e-mail address", max_length=254)
    as_admin = forms.BooleanField(label="Make them an admin", required=False)


class VerifiedRoleRequestForm(forms.Form):
    label = forms.CharField(
        max_length=80,
        label="Your role",
        help_text="For example: registered social worker, or lived experience of temporary "
        "accommodation. It is shown next to your name and pseudonym once confirmed.",
    )
    employer_kind = forms.ChoiceField(
        label="Type of employer or organisation",
        choices=[("", "Choose one"), *OrganisationKind.choices],
        help_text="Only the type is shown, never the organisation's name.",
    )
    confirmer = forms.ChoiceField(
        label="Who should confirm it",
        help_text="A verified organisation you belong to, or Groundswell staff.",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["confirmer"].choices = [
            ("staff", "Groundswell staff"),
            *((pk, o.name) for pk, o in self.organisations.items()),
        ]

    def clean_confirmer(self):
        value = self.cleaned_data["confirmer"]
        return None if value == "staff" else self.organisations[value]
