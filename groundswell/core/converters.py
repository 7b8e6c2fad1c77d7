"""URL converters, registered when the core app is ready (apps.CoreConfig.ready)."""

from django.urls import register_converter


class IdConverter:
    """A row id: at most 18 digits, so that it fits the 64-bit id columns. A longer number in
    the address is a 404 here; as Django's `int` it reached the database and failed with 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
