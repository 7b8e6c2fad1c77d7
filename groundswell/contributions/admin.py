from django.contrib import admin

from groundswell.contributions.models import Comment, Contribution

# ProtectedAuthorKey is deliberately not registered: it is only ever checked, never browsed.
# Lists show the public byline, which for a protected item names nobody.


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "byline", "project", "status", "created_at")
    list_filter = ("kind", "status", "attribution")
    search_fields = ("title",)
    fields = ("project", "kind", "title", "body", "details", "sector", "status", "byline")
    readonly_fields = ("project", "kind", "byline")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "byline", "contribution", "created_at")
    fields = ("contribution", "body", "byline")
    readonly_fields = ("contribution", "byline")
