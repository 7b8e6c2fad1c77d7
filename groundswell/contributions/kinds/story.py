from django import forms

from groundswell.contributions.kinds.base import ContributionKind, register, text


class StoryForm(forms.Form):
    setting = text("Which service or place (optional)", max_length=300, rows=1)
    may_quote = forms.BooleanField(
        label="The project may quote my words in what it publishes", required=False
    )


register(
    ContributionKind(
        slug="story",
        label="Story",
        summary="Lived experience, in your own words.",
        title_label="A title for your story",
        body_label="Your story",
        details_form=StoryForm,
    )
)
