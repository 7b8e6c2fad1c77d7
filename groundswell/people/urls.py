from django.urls import path

from groundswell.people import views

app_name = "people"
urlpatterns = [
    path("me/profile/", views.profile_edit, name="edit"),
    path("me/health-and-disability/", views.lived_experience, name="lived_experience"),
    path("me/blocked/", views.blocked_list, name="blocked"),
    path("people/<str:username>/", views.profile, name="profile"),
    path("people/<str:username>/block/", views.block, name="block"),
    path("people/<str:username>/unblock/", views.unblock, name="unblock"),
    path("people/<str:username>/suspension/", views.suspension, name="suspension"),
]
