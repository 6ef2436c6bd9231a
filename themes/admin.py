from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Cluster
from themes.models import JoinRequest, ThematicArea


class JoinedClusterInline(admin.TabularInline):
    # The relation is declared on Cluster; this shows the same rows from the area's side.
    model = Cluster.thematic_areas.through
    autocomplete_fields = ["cluster"]
    extra = 0
    verbose_name = _("cluster that joined")
    verbose_name_plural = _("clusters that joined")


@admin.register(ThematicArea)
class ThematicAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "status", "cluster_count", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "description", "proposed_by_name", "proposed_by_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [JoinedClusterInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description", "reason"]}),
        (
            _("Private: who proposed it"),
            {
                "description": _("Never shown to the public."),
                "fields": ["proposed_by_name", "proposed_by_email"],
            },
        ),
        (_("Timestamps"), {"fields": ["created_at", "updated_at"]}),
    ]

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["name"]

    def get_fieldsets(self, request, obj=None):
        """Who proposed it is only for staff who may change it."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            fieldset for fieldset in fieldsets if "proposed_by_email" not in fieldset[1]["fields"]
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cluster_count=Count("clusters"))

    @admin.display(description=_("clusters"), ordering="cluster_count")
    def cluster_count(self, thematic_area):
        return thematic_area.cluster_count


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["cluster", "thematic_area", "email", "status", "created_at"]
    list_filter = ["status", "thematic_area"]
    list_select_related = ["cluster", "thematic_area"]
    search_fields = ["cluster__name", "thematic_area__name", "email"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at", "decided_at"]
    actions = ["accept", "decline"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [field for field in fields if field != "email"]

    @admin.action(description=_("Accept: add the clusters to their areas"), permissions=["change"])
    def accept(self, request, queryset):
        pending = list(queryset.pending().select_related("cluster", "thematic_area"))
        for join_request in pending:
            join_request.accept()
        self.message_user(
            request,
            ngettext("%d request accepted.", "%d requests accepted.", len(pending)) % len(pending),
            messages.SUCCESS,
        )

    @admin.action(description=_("Decline the selected requests"), permissions=["change"])
    def decline(self, request, queryset):
        pending = list(queryset.pending())
        for join_request in pending:
            join_request.decline()
        self.message_user(
            request,
            ngettext("%d request declined.", "%d requests declined.", len(pending)) % len(pending),
            messages.SUCCESS,
        )
