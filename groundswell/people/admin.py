from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from groundswell.people.models import Suspension, User


@admin.register(User)
class GroundswellUserAdmin(UserAdmin):
    list_display = ("username", "email", "display_name", "role", "sector", "is_staff")
    list_filter = ("role", "sector", "region", "is_staff", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "role", "sector", "region", "pseudonym")}),
    )


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    """A record: suspend and lift on the member's suspension page, so each has a reason."""

    list_display = ("user", "suspended_at", "suspended_by", "lifted_at", "lifted_by")
    list_select_related = ("user", "suspended_by", "lifted_by")
    readonly_fields = ("user", "reason", "suspended_by", "suspended_at", "lifted_by", "lifted_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
