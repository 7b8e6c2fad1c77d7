from django import forms

from groundswell.moderation.models import FlagReason, Outcome
from groundswell.moderation.services import (
    APPEAL_MAX,
    DECIDED_MEANWHILE,
    NOTE_MAX,
    REASON_MAX,
    AppealOutcome,
)
from groundswell.projects.models import ContributionModeration

_REASON_HELP = (
    "The author sees this, and for hidden and removed items so does the public moderation log: "
    "say what was wrong, and do not name anyone."
)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        label="Why are you reporting this?",
        error_messages={"required": "Choose why you are reporting this."},
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        label="Anything the hosts should know (optional)",
        help_text=f"Up to {NOTE_MAX} characters. The author is not told who reported it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={
            "required": "Choose a decision.",
            "invalid_choice": "Choose one of the decisions listed.",
        },
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason",
        help_text=_REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for the decision."},
    )

    def __init__(self, *args, outcomes: list[str], status: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes_set(outcomes)
        seen = self.data.get("seen") if self.is_bound else None
        if seen and status and seen != status:
            # The page was made before a decision (another host's, or the first of a double
            # click): a decision it listed may be gone, and "choose one listed" would puzzle.
            self.fields["outcome"].error_messages["invalid_choice"] = DECIDED_MEANWHILE

    def outcomes_set(self, outcomes: list[str]) -> None:
        labels = dict(Outcome.choices)
        self.fields["outcome"].choices = [(o, labels[o]) for o in outcomes]


class StatementModerationForm(forms.Form):
    """The statements page's one click: no reason asked (the author is told a default one)."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={
            "required": "Choose accept or reject.",
            "invalid_choice": "Choose accept or reject.",
        },
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        max_length=APPEAL_MAX,
        label="Why should the decision change?",
        help_text=f"Up to {APPEAL_MAX} characters. You can appeal each decision once.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the decision should change."},
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=AppealOutcome.CHOICES,
        widget=forms.RadioSelect,
        label="Outcome of the appeal",
        error_messages={
            "required": "Choose to uphold or reverse the decision.",
            "invalid_choice": "Choose to uphold or reverse the decision.",
        },
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason",
        help_text="The author sees this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for the outcome."},
    )


class ModerationSettingsForm(forms.Form):
    mode = forms.ChoiceField(
        choices=ContributionModeration.choices,
        widget=forms.RadioSelect,
        label="New contributions from participants",
        error_messages={
            "required": "Choose pre-moderation or post-moderation.",
            "invalid_choice": "Choose pre-moderation or post-moderation.",
        },
    )
