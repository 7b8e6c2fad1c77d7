from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "groundswell.projects"
    label = "projects"
