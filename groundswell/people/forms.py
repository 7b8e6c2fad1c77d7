from django import forms

from groundswell.people.models import User, pseudonym_problem
from groundswell.people.perspectives import LivedExperience


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
        problem = pseudonym_problem(pseudonym, user_id=self.instance.pk)
        if problem:
            raise forms.ValidationError(problem)
        return pseudonym


class LivedExperienceForm(forms.Form):
    lived_experience = forms.ChoiceField(
        label="Do you have lived experience of disability or a long-term health condition?",
        help_text="This includes physical and mental health conditions.",
        choices=LivedExperience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of the answers."},
    )
    consent = forms.BooleanField(
        label=(
            "I agree that Groundswell keeps this answer about my health or disability. "
            "I can withdraw my agreement at any time, and the answer is then deleted."
        ),
        required=True,
        error_messages={"required": "Tick the box to agree, or leave this page without saving."},
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the suspension",
        help_text=(
            "Recorded with your name and the time. It is not shown on the site, but the member "
            "finds it in the copy of their data they can download."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for the suspension."},
    )
