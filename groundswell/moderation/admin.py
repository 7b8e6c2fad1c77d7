from django.contrib import admin

from groundswell.moderation.models import Appeal, Decision, Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["item_kind", "item_id", "reason", "created_at", "decision"]
    list_filter = ["item_kind", "reason"]
    raw_id_fields = ["project", "flagger", "decision"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["item_kind", "item_id", "outcome", "decided_at", "item_protected"]
    list_filter = ["outcome", "item_kind"]
    # The author is never set for a protected item; it is not edited here either.
    readonly_fields = ["author", "item_protected", "status_before"]
    raw_id_fields = ["project", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["decision", "made_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["decision", "decided_by"]
