from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Membership, Organisation, OrganisationRedirect
from clusters.services import merging
from core.admin import URL_FIELDS_ASSUME_HTTPS


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["cluster", "role", "since"]
    autocomplete_fields = ["cluster"]
    extra = 0
    verbose_name_plural = _("member of")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "country", "cluster_count", "created_at"]
    list_filter = ["type", ("country", CountryFilter)]
    search_fields = ["name", "website", "slug"]
    readonly_fields = ["slug", "published_cluster_count", "created_at"]
    inlines = [OrganisationMembershipInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    actions = ["merge"]

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cluster_count=Count("memberships"))

    @admin.display(description=_("clusters"), ordering="cluster_count")
    def cluster_count(self, organisation):
        return organisation.cluster_count

    def view_on_site(self, organisation):
        # Only a member of a published cluster has a public page.
        return organisation.get_absolute_url() if organisation.is_public else None

    @admin.action(
        description=_("Merge selected organisations into the oldest one"),
        permissions=["change"],
    )
    def merge(self, request, queryset):
        kept, *duplicates = queryset.order_by("created_at", "pk")
        if not duplicates:
            self.message_user(
                request, _("Select at least two organisations to merge."), messages.WARNING
            )
            return
        merging.merge_organisations(kept, duplicates, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation merged into %(kept)s.",
                "%(count)d organisations merged into %(kept)s.",
                len(duplicates),
            )
            % {"count": len(duplicates), "kept": kept},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "cluster", "role", "since"]
    list_filter = ["role"]
    list_select_related = ["organisation", "cluster"]
    search_fields = ["organisation__name", "cluster__name"]
    autocomplete_fields = ["cluster", "organisation"]


@admin.register(OrganisationRedirect)
class OrganisationRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "organisation", "created_at"]
    list_select_related = ["organisation"]
    search_fields = ["old_slug", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at"]
