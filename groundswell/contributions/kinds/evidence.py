from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat

from groundswell.contributions.kinds.base import ContributionKind, choice, register, text

SOURCE_TYPES = [
    ("study", "Study or evaluation"),
    ("dataset", "Dataset or statistics"),
    ("testimony", "Testimony"),
    ("document", "Official document"),
    ("other", "Other"),
]
# GRADE-style certainty, in words people use.
QUALITY = [
    ("high", "High: strong, independent, replicated"),
    ("moderate", "Moderate"),
    ("low", "Low"),
    ("very_low", "Very low: a single account or unclear origin"),
]
ALLOWED_EXTENSIONS = ["pdf", "csv", "txt", "png", "jpg", "jpeg", "docx", "xlsx", "odt", "ods"]


class EvidenceForm(forms.Form):
    source_type = choice("Type of source", SOURCE_TYPES, required=True)
    source = text("Source (author, title, date)", required=True, max_length=400, rows=1)
    provenance = text(
        "Provenance: who produced it, how, and how you came by it", required=True, rows=2
    )
    url = forms.URLField(label="Link", required=False, max_length=500)
    file = forms.FileField(
        label="Or attach a file",
        required=False,
        help_text="PDF, CSV, text, image or office document.",
        validators=[FileExtensionValidator(ALLOWED_EXTENSIONS)],
    )
    quality = choice("Quality of the evidence", QUALITY, required=True)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.GROUNDSWELL_MAX_UPLOAD_BYTES:
            limit = filesizeformat(settings.GROUNDSWELL_MAX_UPLOAD_BYTES)
            raise forms.ValidationError(f"The file is larger than {limit}.")
        return upload


register(
    ContributionKind(
        slug="evidence",
        label="Evidence",
        summary="A study, dataset, testimony or document, with where it came from.",
        title_label="What the evidence shows, in one line",
        body_label="Summary of the evidence",
        details_form=EvidenceForm,
        accepts_file=True,
    )
)
