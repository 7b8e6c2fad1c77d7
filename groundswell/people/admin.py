from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from groundswell.people.models import User


@admin.register(User)
class GroundswellUserAdmin(UserAdmin):
    list_display = ("username", "email", "display_name", "role", "sector", "is_staff")
    list_filter = ("role", "sector", "region", "is_staff", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "role", "sector", "region", "pseudonym")}),
    )
