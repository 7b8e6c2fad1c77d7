from django.contrib import admin
from django.urls import include, path

from groundswell.api.api import api
from groundswell.core import views as core_views
from groundswell.projects import views as project_views

urlpatterns = [
    path("", project_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("code-of-conduct/", core_views.code_of_conduct, name="conduct"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("groundswell.people.urls")),
    path("", include("groundswell.accounts_data.urls")),
    path("organisations/", include("groundswell.organisations.urls")),
    path("projects/", include("groundswell.projects.urls")),
    path("projects/", include("groundswell.deliberation.urls")),
    path("", include("groundswell.moderation.urls")),
    path("", include("groundswell.contributions.urls")),
]
