from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "groundswell.core"
    label = "core"

    def ready(self) -> None:
        # Registers <id:…> before any URL module is read.
        from groundswell.core import converters  # noqa: F401
