from django.contrib import admin

from groundswell.projects.models import Phase, Project


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("question", "kind", "visibility", "host_organisation", "created_at")
    list_filter = ("kind", "visibility", "is_demo")
    search_fields = ("question",)
    raw_id_fields = ("host_user", "host_organisation", "created_by")
    inlines = [PhaseInline]
