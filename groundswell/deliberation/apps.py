from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "groundswell.deliberation"
    label = "deliberation"
