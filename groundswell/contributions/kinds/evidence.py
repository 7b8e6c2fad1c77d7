from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat

from groundswell.contributions.kinds.base import ContributionKind, choice, register, text
from groundswell.contributions.uploads import ALLOWED_EXTENSIONS, UploadRefused, clean_upload

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
        """The file checked for its real type, stripped of metadata and given a random name.

        The service validates through this form too, so a file reaching the database has always
        been through here, whichever door it came in by.
        """
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > settings.GROUNDSWELL_MAX_UPLOAD_BYTES:
            limit = filesizeformat(settings.GROUNDSWELL_MAX_UPLOAD_BYTES)
            raise forms.ValidationError(f"The file is larger than {limit}.")
        upload.seek(0)  # the view's form may have read it already
        try:
            name, data = clean_upload(name=upload.name, data=upload.read())
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return ContentFile(data, name=name)


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
