from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from groundswell.contributions.forms import attribution_field
from groundswell.deliberation.models import LICENCE_MAX, DeliberationSettings, Outcome, VoteValue
from groundswell.deliberation.polis import PolisImportError, polis_upload_files
from groundswell.deliberation.services import SEED_NOT_PROTECTED, UNREADABLE, readable


def _visible(text: str) -> str:
    # The services refuse it too; checked here as well so the form shows it with its other errors.
    if not readable(text):
        raise ValidationError(UNREADABLE)
    return text


class StatementTextField(forms.CharField):
    """Counted as it is saved: statement_create turns each run of spaces and line breaks into one
    space. A browser counts a line break as one character towards `maxlength` but sends it as
    two (CR LF), so counting what was sent refuses a statement the page let the member type."""

    def to_python(self, value) -> str:
        return " ".join(super().to_python(value).split())


class StatementForm(forms.Form):
    text = StatementTextField(
        max_length=280,
        label="Your statement",
        help_text="One short point others can agree or disagree with (up to 280 characters).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attribution = attribution_field()

    def clean_text(self) -> str:
        return _visible(self.cleaned_data["text"])


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)


class IdeaForm(forms.Form):
    text = forms.CharField(max_length=200, label="Your idea", help_text="Up to 200 characters.")
    attribution = attribution_field()

    def clean_text(self) -> str:
        return _visible(self.cleaned_data["text"])


# The largest id a BigAutoField holds: a bigger number in a crafted form is an error, not a
# query the database driver cannot even send.
MAX_ID = 2**63 - 1


class ComparisonForm(forms.Form):
    first = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    second = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=Outcome.choices)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DeliberationSettings
        fields = [
            "moderation",
            "participants_may_add_statements",
            "participants_may_add_ideas",
            "pairwise_prompt",
            "statement_language",
        ]
        widgets = {"moderation": forms.RadioSelect}
        help_texts = {
            # The choices name statements only; hosts must know that ideas wait too, and what
            # becomes of what is waiting when they switch.
            "moderation": "Pre-moderation holds participants' pairwise ideas as well as their "
            "statements. Switching to post-moderation does not publish what is already waiting: "
            "it stays in the moderation queue until a host decides.",
        }


class StatementsSeedForm(forms.Form):
    """For hosts: several statements at once, one per line (statements_seed checks each)."""

    statements = forms.CharField(
        # Room for a full list of long statements; statements_seed counts them.
        max_length=40000,
        label="Statements, one per line",
        help_text="Paste or type up to 100 statements, each on its own line and up to 280 "
        "characters. They are added all together, or not at all if a line needs changing.",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        error_messages={"required": "Write at least one statement, one per line."},
    )
    attribution = attribution_field(protection_refused=SEED_NOT_PROTECTED)

    def clean_statements(self) -> list[str]:
        # Lines as the host numbers them: blank ones count, so "line 4" is the fourth line.
        return self.cleaned_data["statements"].splitlines()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PolisUploadField(forms.FileField):
    """Several files from one file input; each checked as a FileField checks one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.txt,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        # With none chosen, the one check of an empty field says what is required.
        return [single(f, initial) for f in files] or [single(None, initial)]


class PolisImportForm(forms.Form):
    files = PolisUploadField(
        label="The conversation's export files",
        help_text="From the conversation's Pol.is report or export page: comments.csv with "
        "votes.csv or participants-votes.csv (summary.csv too, for the credit), chosen "
        "together, or one zip file holding them.",
        error_messages={"required": "Choose the files of a Pol.is export, or a zip holding them."},
    )
    language = forms.CharField(
        required=False,
        max_length=35,
        label="Language of the statements",
        help_text=DeliberationSettings._meta.get_field("statement_language").help_text
        + " Leave it empty for English.",
        validators=DeliberationSettings._meta.get_field("statement_language").validators,
    )
    licence = forms.CharField(
        required=False,
        max_length=LICENCE_MAX,
        label="Licence and credit",
        help_text="If the conversation's publisher shares it on terms, as they ask to be credited: "
        "for example “Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) "
        "with attribution to …”. Shown with the statements and results, and kept in downloads.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.GROUNDSWELL_MAX_UPLOAD_BYTES)
        self.fields["files"].help_text += f" Up to {limit} in all, unzipped."

    def clean_files(self) -> dict[str, bytes]:
        uploads = self.cleaned_data["files"]
        limit = settings.GROUNDSWELL_MAX_UPLOAD_BYTES
        if sum(f.size for f in uploads) > limit:
            raise ValidationError(
                f"The files come to more than {filesizeformat(limit)}. For a larger "
                "conversation, ask the site's operator to run groundswell import-polis."
            )
        try:
            return polis_upload_files([(f.name, f.read()) for f in uploads])
        except PolisImportError as error:
            raise ValidationError(str(error)) from None
