from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "groundswell.organisations"
    label = "organisations"
