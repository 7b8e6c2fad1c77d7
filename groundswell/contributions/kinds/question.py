from django import forms

from groundswell.contributions.kinds.base import ContributionKind, register, text


class QuestionForm(forms.Form):
    why_it_matters = text("Why this question matters", required=True)


register(
    ContributionKind(
        slug="question",
        label="Question",
        summary="A way of framing the problem the project should answer.",
        title_label="The question",
        body_label="More about the question",
        details_form=QuestionForm,
    )
)
