import re

from django import forms

from groundswell.contributions.models import Attribution, LinkRelation
from groundswell.core.widgets import Select
from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD, Role, Sector


def attribution_field(*, protection_refused: str = "") -> forms.ChoiceField:
    """Named, pseudonymous or protected: asked the same way wherever people write.

    `protection_refused`, where protection is not offered: why, said as the field's help."""
    return forms.ChoiceField(
        choices=[
            c
            for c in Attribution.choices
            if not protection_refused or c[0] != Attribution.PROTECTED
        ],
        widget=forms.RadioSelect,
        initial=Attribution.NAMED,
        label="How should this be attributed?",
        help_text=protection_refused
        or (
            "Protected: nobody, not even the hosts or site staff, can see that you wrote it. "
            "Only the day is recorded, never the time, and no IP address. Your role and sector "
            f"are shown only if at least {PROTECTED_PERSPECTIVE_CROWD} people in this project "
            "share them."
        ),
    )


class ContributionForm(forms.Form):
    """The fields every kind shares; the kind's own fields come from its details form."""

    title = forms.CharField(max_length=160)
    body = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    sector = forms.ChoiceField(
        choices=[("", "Same as the project"), *Sector.choices],
        required=False,
        label="Which sector is this about?",
    )
    attribution = attribution_field()

    def __init__(self, *args, kind, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = kind.title_label
        self.fields["body"].label = kind.body_label
        if editing:
            # How a contribution is attributed is settled when it is published: making a named
            # item protected later could not take back who has already seen the name.
            del self.fields["attribution"]


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=4000, label="Your comment", widget=forms.Textarea(attrs={"rows": 4})
    )
    attribution = attribution_field()
    # Hidden, so its errors show only in the summary, under this label.
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, label="Reply")


class LinkForm(forms.Form):
    relation = forms.ChoiceField(choices=LinkRelation.choices, label="This contribution")
    target = forms.IntegerField(
        min_value=1, label="Number of the other contribution", help_text="Shown as № on its page."
    )
    note = forms.CharField(max_length=300, required=False, label="Why (optional)")


class FilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    kind = forms.ChoiceField(required=False, label="Kind", widget=Select)
    sector = forms.ChoiceField(
        required=False, choices=[("", "Any sector"), *Sector.choices], label="Sector", widget=Select
    )
    author_role = forms.ChoiceField(
        required=False, choices=[("", "Anyone"), *Role.choices], label="Written by", widget=Select
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All kinds"), *((k.slug, k.label) for k in kinds)]

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        # Punctuation alone searches for nothing (see selectors._search): not counted as a
        # filter, so the list does not claim that every contribution "matches" it.
        return q if re.search(r"\w", q) else ""

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
