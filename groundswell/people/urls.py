from django.urls import path

from groundswell.people import views

app_name = "people"
urlpatterns = [
    path("me/profile/", views.profile_edit, name="edit"),
    path("people/<str:username>/", views.profile, name="profile"),
]
