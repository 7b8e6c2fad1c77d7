from django.urls import path

from groundswell.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("join/<str:token>/", views.project_join, name="join"),
    path("<slug:slug>/edit/", views.project_edit, name="edit"),
    path("<slug:slug>/invites/", views.project_invites, name="invites"),
    path(
        "<slug:slug>/invites/<int:invite_id>/revoke/",
        views.project_invite_revoke,
        name="invite_revoke",
    ),
]
