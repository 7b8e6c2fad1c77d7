from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

_REGISTRY: dict[str, "ContributionKind"] = {}


@dataclass(frozen=True)
class ContributionKind:
    """What makes one kind of contribution different: its own fields and their validation.

    `details_form` holds the kind's own fields; title, body and attribution are common to all.
    """

    slug: str
    label: str
    summary: str
    title_label: str
    body_label: str
    details_form: type[forms.Form]
    accepts_file: bool = False

    def clean_details(self, data: dict[str, Any], files: Any = None) -> forms.Form:
        return self.details_form(data=data, files=files)

    def serialise(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Cleaned form data as JSON-safe values, leaving out empty answers and files."""
        out: dict[str, Any] = {}
        for name, value in cleaned.items():
            if value in (None, "", [], False) or hasattr(value, "read"):
                continue
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    def display(self, details: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, value) pairs for the kind's fields, choices shown by their label."""
        rows = []
        for name, field in self.details_form.base_fields.items():
            if name not in details or isinstance(field, forms.FileField):
                continue
            value = details[name]
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            elif isinstance(field, forms.BooleanField):
                value = "Yes" if value else "No"
            rows.append((str(field.label), str(value)))
        return rows

    def search_text(self, details: dict[str, Any]) -> str:
        return " ".join(
            str(details[name])
            for name, field in self.details_form.base_fields.items()
            if name in details and isinstance(field, forms.CharField)
        )


def register(kind: ContributionKind) -> ContributionKind:
    if kind.slug in _REGISTRY:
        raise ValueError(f"contribution kind {kind.slug!r} is registered twice")
    _REGISTRY[kind.slug] = kind
    return kind


def get_kind(slug: str) -> ContributionKind | None:
    return _REGISTRY.get(slug)


def all_kinds() -> list[ContributionKind]:
    return list(_REGISTRY.values())


def text(label: str, *, required: bool = False, max_length: int = 2000, rows: int = 3, **kw):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows > 1 else forms.TextInput,
        **kw,
    )


def choice(label: str, choices: list[tuple[str, str]], *, required: bool = False, **kw):
    return forms.ChoiceField(
        label=label, choices=[("", "Choose…"), *choices], required=required, **kw
    )
