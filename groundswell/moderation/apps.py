from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "groundswell.moderation"
    label = "moderation"
    verbose_name = "Moderation: flags, decisions, appeals and the public log"
