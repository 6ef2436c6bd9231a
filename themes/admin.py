from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PrivateFieldsMixin
from core.vocabulary import in_every_language
from themes.models import ThematicArea


class JoinedClusterInline(admin.TabularInline):
    # The relation is declared on the cluster; this shows the same rows from the area's side.
    model = ThematicArea.clusters.through
    autocomplete_fields = ["cluster"]
    extra = 0
    verbose_name = _("cluster that joined")
    verbose_name_plural = _("clusters that joined")


@admin.register(ThematicArea)
class ThematicAreaAdmin(PrivateFieldsMixin, TranslationAdmin, SimpleHistoryAdmin):
    """The name and description in every language, English required for the name."""

    list_display = ["name", "status", "cluster_count", "updated_at"]
    list_filter = ["status"]
    search_fields = [*in_every_language("name"), "description_en"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [JoinedClusterInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description", "reason"]}),
        (
            _("Private: who proposed it"),
            {
                "description": _("Never shown to the public."),
                "fields": ["proposed_by_name", "proposed_by_email", "proposal_language"],
            },
        ),
        (_("Timestamps"), {"fields": ["created_at", "updated_at"]}),
    ]
    private_fields = ("proposed_by_name", "proposed_by_email")

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cluster_count=Count("clusters"))

    @admin.display(description=_("clusters"), ordering="cluster_count")
    def cluster_count(self, thematic_area):
        return thematic_area.cluster_count
