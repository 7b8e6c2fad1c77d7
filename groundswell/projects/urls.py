from django.urls import path

from groundswell.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("join/<str:token>/", views.project_join, name="join"),
    path("join-code/", views.project_join_code, name="join_code"),
    path("<slug:slug>/edit/", views.project_edit, name="edit"),
    path("<slug:slug>/invites/", views.project_invites, name="invites"),
    path("<slug:slug>/codes/", views.project_invite_codes, name="invite_codes"),
    path(
        "<slug:slug>/codes/<id:invite_id>/revoke/",
        views.project_invite_code_revoke,
        name="invite_code_revoke",
    ),
    path(
        "<slug:slug>/invites/<id:invite_id>/revoke/",
        views.project_invite_revoke,
        name="invite_revoke",
    ),
]
