from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from groundswell.contributions.kinds.base import ContributionKind, choice, register, text

EVIDENCE_LEVELS = [
    ("anecdotal", "Anecdotal: we have seen it work"),
    ("monitored", "Monitored: we track outcomes"),
    ("evaluated", "Independently evaluated"),
    ("trial", "Tested in a controlled trial"),
]


class PracticeForm(forms.Form):
    setting = text("Where it happens (service, team, place)", required=True, max_length=300, rows=1)
    done_by = text("Who does it", max_length=300, rows=1)
    since = forms.IntegerField(
        label="Running since (year)",
        required=False,
        min_value=1900,
        validators=[MaxValueValidator(lambda: timezone.localdate().year)],
    )
    outcomes = text("What changed as a result", required=True)
    cost = text("What it costs, or saves", max_length=500, rows=2)
    evidence_level = choice("How we know it works", EVIDENCE_LEVELS, required=True)


register(
    ContributionKind(
        slug="practice",
        label="Practice that works",
        summary="Something already working somewhere that others could adopt.",
        title_label="Name the practice",
        body_label="What was done",
        details_form=PracticeForm,
    )
)
