from django.urls import path

from groundswell.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("invites/<str:token>/", views.organisation_accept_invite, name="accept_invite"),
    path("verified-roles/", views.verified_roles, name="verified_roles"),
    path(
        "verified-roles/requests/",
        views.verified_role_requests_staff,
        name="verified_role_requests_staff",
    ),
    path("verified-roles/<id:pk>/decide/", views.verified_role_decide, name="verified_role_decide"),
    path("verified-roles/<id:pk>/revoke/", views.verified_role_revoke, name="verified_role_revoke"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/verify/", views.organisation_verify, name="verify"),
    path(
        "<slug:slug>/verified-roles/",
        views.verified_role_requests,
        name="verified_role_requests",
    ),
    path("<slug:slug>/members/", views.organisation_members_manage, name="members"),
    path(
        "<slug:slug>/members/<id:user_id>/admin/",
        views.organisation_set_admin,
        name="set_admin",
    ),
]
