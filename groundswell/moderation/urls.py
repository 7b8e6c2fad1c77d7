from django.urls import path

from groundswell.moderation import views

app_name = "moderation"
urlpatterns = [
    path("moderation/", views.site_queue, name="site_queue"),
    path("moderation/notices/", views.notices, name="notices"),
    path("moderation/notices/<id:pk>/appeal/", views.appeal, name="appeal"),
    path("projects/<slug:slug>/moderation/", views.queue, name="queue"),
    path("projects/<slug:slug>/moderation/settings/", views.settings_edit, name="settings"),
    path("projects/<slug:slug>/moderation/log/", views.log, name="log"),
    path("projects/<slug:slug>/moderation/flag/<str:kind>/<id:pk>/", views.flag, name="flag"),
    path(
        "projects/<slug:slug>/moderation/items/<str:kind>/<id:pk>/",
        views.decide,
        name="decide",
    ),
    # The statements page's one-click accept and reject.
    path(
        "projects/<slug:slug>/statements/<id:pk>/moderate/",
        views.statement_moderate,
        name="statement_moderate",
    ),
    path(
        "projects/<slug:slug>/moderation/appeals/<id:pk>/",
        views.appeal_decide,
        name="appeal_decide",
    ),
]
