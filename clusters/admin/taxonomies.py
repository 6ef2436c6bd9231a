from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from clusters.models import FieldOfActivity, InnovationType, MemberService
from core.vocabulary import in_every_language


class TermAdmin(TranslationAdmin):
    """One name field per language, English required."""

    list_display = ["name", "slug", "position", "cluster_count"]
    list_editable = ["position"]
    search_fields = in_every_language("name")
    prepopulated_fields = {"slug": ["name"]}
    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["position", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cluster_count=Count("clusters"))

    @admin.display(description=_("clusters"), ordering="cluster_count")
    def cluster_count(self, term):
        return term.cluster_count


admin.site.register(FieldOfActivity, TermAdmin)
admin.site.register(MemberService, TermAdmin)
admin.site.register(InnovationType, TermAdmin)
