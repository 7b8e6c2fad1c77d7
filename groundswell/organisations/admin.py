from django.contrib import admin

from groundswell.organisations.models import Membership, Organisation, VerifiedRole
from groundswell.organisations.services import organisation_set_verified


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "verified", "created_at")
    list_filter = ("kind", "verified")
    search_fields = ("name",)
    inlines = [MembershipInline]
    actions = ["mark_verified", "mark_unverified"]

    @admin.action(description="Mark as verified")
    def mark_verified(self, request, queryset):
        for organisation in queryset:
            organisation_set_verified(organisation=organisation, by=request.user, verified=True)

    @admin.action(description="Remove verification")
    def mark_unverified(self, request, queryset):
        for organisation in queryset:
            organisation_set_verified(organisation=organisation, by=request.user, verified=False)


@admin.register(VerifiedRole)
class VerifiedRoleAdmin(admin.ModelAdmin):
    list_display = ("label", "employer_kind", "status", "confirmed_by_staff", "revoked")
    list_filter = ("status", "revoked", "employer_kind")
    raw_id_fields = ("member", "organisation")
