from django import forms

from groundswell.contributions.kinds.base import ContributionKind, choice, register, text

FREQUENCIES = [
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("monthly", "Every month"),
    ("rarely", "Now and then"),
]


class BarrierForm(forms.Form):
    rule = text(
        "Which rule, target, funding or commissioning practice",
        required=True,
        max_length=300,
        rows=1,
    )
    reference = text(
        "Document and clause it comes from",
        max_length=300,
        rows=1,
        help_text="For example: Care Act 2014 statutory guidance, paragraph 10.27.",
    )
    reference_url = forms.URLField(label="Link to the document", required=False, max_length=500)
    frontline_effect = text("How it plays out at the frontline", required=True)
    workaround = text("The workaround people use")
    unintended_consequences = text("Unintended consequences")
    gaming = text(
        "Gaming: how people meet the target rather than the need",
        help_text="For example, closing cases to hit a timescale.",
    )
    frequency = choice("How often it gets in the way", FREQUENCIES)
    affected = text("Who is affected", max_length=300, rows=1)


register(
    ContributionKind(
        slug="barrier",
        label="Barrier",
        summary="A rule, target, funding or commissioning practice that gets in the way.",
        title_label="Name the barrier",
        body_label="Describe the barrier",
        details_form=BarrierForm,
    )
)
