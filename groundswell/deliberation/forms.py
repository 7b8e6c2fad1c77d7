from django import forms

from groundswell.contributions.forms import attribution_field
from groundswell.deliberation.models import DeliberationSettings, Outcome, VoteValue


class StatementForm(forms.Form):
    text = forms.CharField(
        max_length=280,
        label="Your statement",
        help_text="One short point others can agree or disagree with (up to 280 characters).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attribution = attribution_field()


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)


class IdeaForm(forms.Form):
    text = forms.CharField(max_length=200, label="Your idea", help_text="Up to 200 characters.")
    attribution = attribution_field()


class ComparisonForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=Outcome.choices)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DeliberationSettings
        fields = [
            "moderation",
            "participants_may_add_statements",
            "participants_may_add_ideas",
            "pairwise_prompt",
        ]
        widgets = {"moderation": forms.RadioSelect}
