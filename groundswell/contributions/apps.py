from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "groundswell.contributions"
    label = "contributions"
