from django import forms

from groundswell.contributions.kinds.base import ContributionKind, choice, register, text

CATEGORIES = [
    ("chasing", "Chasing progress"),
    ("repeat", "Repeat contact about the same need"),
    ("rereferral", "Re-referral after a case closed too early"),
    ("correction", "Putting right something done wrong"),
    ("complaint", "Complaint"),
    ("signposting", "Sent elsewhere and sent back"),
    ("other", "Other"),
]
PERIODS = [("day", "a day"), ("week", "a week"), ("month", "a month"), ("year", "a year")]


class FailureDemandForm(forms.Form):
    category = choice("Category", CATEGORIES, required=True)
    count = forms.IntegerField(label="How many", min_value=1, max_value=10_000_000)
    period = choice("Per", PERIODS, required=True)
    root_cause = text("Root cause: what failed, or was not done right, first", required=True)
    linked_barrier = forms.IntegerField(
        label="Number of a barrier in this project that causes it",
        required=False,
        min_value=1,
        help_text="Optional. The number is shown on the barrier's page.",
    )


register(
    ContributionKind(
        slug="failure_demand",
        label="Failure demand",
        summary="Demand caused by failing to do something, or do it right, for the person.",
        title_label="Name the demand",
        body_label="What happens",
        details_form=FailureDemandForm,
    )
)
