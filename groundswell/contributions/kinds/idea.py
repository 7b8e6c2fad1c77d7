from django import forms

from groundswell.contributions.kinds.base import ContributionKind, register, text


class IdeaForm(forms.Form):
    who_should_act = text("Who would need to act", max_length=300, rows=1)
    expected_benefit = text("What difference it would make", required=True)


register(
    ContributionKind(
        slug="idea",
        label="Idea",
        summary="A proposed change. Link it to the practices, barriers and evidence it rests on.",
        title_label="The change in one line",
        body_label="Describe the change",
        details_form=IdeaForm,
    )
)
