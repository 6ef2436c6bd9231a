from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import CaseStudy, CaseStudyLink
from core.vocabulary import in_every_language


class CaseStudyLinkInline(admin.TabularInline):
    model = CaseStudyLink
    fields = ["title", "url"]
    extra = 1
    # Staff paste addresses without a scheme; https is right for nearly all.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CaseStudy)
class CaseStudyAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """The title, summary and body in every language, English required for the title."""

    list_display = ["title", "cluster", "event_date", "country", "status", "updated_at"]
    list_filter = ["status", ("country", CountryFilter), "thematic_areas"]
    list_select_related = ["cluster"]
    search_fields = [
        *in_every_language("title"), "summary_en", "presenter", "event", "cluster__name",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cluster", "thematic_areas"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [CaseStudyLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "cluster", "summary", "body"]}),
        (
            _("Event"),
            {"fields": ["presenter", "presenter_role", "event", "event_date", "country"]},
        ),
        (_("Classification"), {"fields": ["thematic_areas"]}),
        (_("Publication"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
    ]
