from django.urls import path

from groundswell.accounts_data import views

app_name = "accounts_data"
urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.export_request, name="export_request"),
    path("me/data/<uuid:export_id>/", views.export_download, name="export_download"),
    path("me/delete/", views.account_delete_view, name="delete"),
]
