from django.urls import path

from groundswell.contributions import views

app_name = "contributions"
urlpatterns = [
    path("contributions/", views.contribution_browse, name="browse"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("projects/<slug:slug>/contributions/", views.contribution_list, name="list"),
    path("projects/<slug:slug>/contribute/", views.contribute_choose, name="choose"),
    path("projects/<slug:slug>/contribute/<str:kind>/", views.contribute, name="create"),
    path("projects/<slug:slug>/contributions/<id:pk>/", views.contribution_detail, name="detail"),
    path(
        "projects/<slug:slug>/contributions/<id:pk>/comment/",
        views.comment_add,
        name="comment",
    ),
    path(
        "projects/<slug:slug>/contributions/<id:pk>/file/",
        views.contribution_attachment,
        name="attachment",
    ),
    path("projects/<slug:slug>/contributions/<id:pk>/link/", views.link_add, name="link"),
    path(
        "projects/<slug:slug>/contributions/<id:pk>/edit/",
        views.contribution_edit,
        name="edit",
    ),
    path(
        "projects/<slug:slug>/contributions/<id:pk>/withdraw/",
        views.contribution_withdraw,
        name="withdraw",
    ),
]
