from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from clusters.models import (
    Cluster,
    CorrectionSuggestion,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)

# Staff paste addresses without a scheme; https fits nearly all, and is the Django 6 default.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


def log_bulk_change(request, objects, message):
    """Record an action in each object's admin history, as a change made in its form is."""
    LogEntry.objects.log_actions(
        user_id=request.user.pk, queryset=list(objects), action_flag=CHANGE, change_message=message
    )


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "cluster_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cluster_count=Count("clusters"))

    @admin.display(description=_("clusters"), ordering="cluster_count")
    def cluster_count(self, term):
        return term.cluster_count


admin.site.register(FieldOfActivity, TermAdmin)
admin.site.register(MemberService, TermAdmin)
admin.site.register(InnovationType, TermAdmin)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organisation", "role", "since"]
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "country",
        "city",
        "status",
        "needs_review",
        "member_count_listed",
        "last_verified_at",
        "updated_at",
    ]
    # Publication status first: "Pending review" there is the moderation queue, one click away.
    list_filter = [
        "status",
        "needs_review",
        ("country", CountryFilter),
        "model",
        "legal_structure",
        "eccp_registered",
        "activity_status",
        "source",
        "label",
        "fields_of_activity",
    ]
    # Counts beside each filter choice show how many entries wait without opening them; one
    # aggregate query per filter, affordable at the size of this directory.
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["name", "city", "region", "legal_entity_name", "slug", "submitter_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "published_at"]
    filter_horizontal = ["fields_of_activity", "services", "innovation_types", "thematic_areas"]
    inlines = [MembershipInline]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    actions = ["publish", "mark_verified", "archive"]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "slug",
                    "short_description",
                    "description",
                    "website",
                    "contact_email",
                ]
            },
        ),
        (
            _("Location"),
            {
                "fields": [
                    "country",
                    "region",
                    "city",
                    ("latitude", "longitude"),
                    "location_precision",
                ]
            },
        ),
        (
            _("Organisation"),
            {
                "fields": [
                    "model",
                    "legal_structure",
                    "legal_entity_name",
                    "initiated_by",
                    "year_founded",
                    "member_count",
                    "activity_status",
                ]
            },
        ),
        (
            _("Classification"),
            {"fields": ["fields_of_activity", "services", "innovation_types", "thematic_areas"]},
        ),
        (
            _("ECCP and label"),
            {"fields": ["eccp_registered", "eccp_profile_url", "label", "label_expires_on"]},
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "needs_review",
                    "source",
                    "last_verified_at",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Private: submitter and staff notes"),
            {
                "description": _("Never shown to the public."),
                "fields": ["submitter_name", "submitter_email", "staff_notes"],
            },
        ),
    ]

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts()

    @admin.display(description=_("members listed"), ordering="registered_member_count")
    def member_count_listed(self, cluster):
        return cluster.registered_member_count

    # update() skips Cluster.save(), so these actions set the timestamps save() would set.

    def change_selected(self, request, queryset, log_message, said, **changes):
        """Apply `changes` to the selected clusters, log it in their history and say so.

        `said` is the (singular, plural) message to the user, with %d for the count.
        """
        clusters = list(queryset)
        queryset.update(**changes)
        log_bulk_change(request, clusters, log_message)
        count = len(clusters)
        self.message_user(request, ngettext(*said, count) % count, messages.SUCCESS)

    @admin.action(description=_("Publish selected clusters"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        queryset.filter(published_at__isnull=True).update(published_at=now)
        self.change_selected(
            request,
            queryset,
            "Published.",
            ("%d cluster published.", "%d clusters published."),
            status=Cluster.Status.PUBLISHED,
            updated_at=now,
        )

    @admin.action(description=_("Mark selected clusters as verified now"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self.change_selected(
            request,
            queryset,
            "Marked as verified.",
            ("%d cluster marked as verified.", "%d clusters marked as verified."),
            last_verified_at=timezone.now(),
        )

    @admin.action(description=_("Archive selected clusters"), permissions=["change"])
    def archive(self, request, queryset):
        self.change_selected(
            request,
            queryset,
            "Archived.",
            ("%d cluster archived.", "%d clusters archived."),
            status=Cluster.Status.ARCHIVED,
            updated_at=timezone.now(),
        )


@transaction.atomic
def merge_organisations(kept, duplicates):
    """Move the duplicates' memberships to `kept`, then delete the duplicates.

    Where a cluster lists both, the membership of `kept` stays and the duplicate's goes with
    it: a cluster lists an organisation once.
    """
    cluster_ids = set(kept.memberships.values_list("cluster_id", flat=True))
    for membership in Membership.objects.filter(organisation__in=duplicates).order_by("pk"):
        if membership.cluster_id not in cluster_ids:
            membership.organisation = kept
            membership.save(update_fields=["organisation"])
            cluster_ids.add(membership.cluster_id)
    Organisation.objects.filter(pk__in=[duplicate.pk for duplicate in duplicates]).delete()


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["cluster", "role", "since"]
    autocomplete_fields = ["cluster"]
    extra = 0
    verbose_name_plural = _("member of")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "country", "cluster_count", "created_at"]
    list_filter = ["type", ("country", CountryFilter)]
    search_fields = ["name", "website"]
    readonly_fields = ["created_at"]
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

    @admin.action(
        description=_("Merge selected organisations into the oldest one"),
        permissions=["change", "delete"],
    )
    def merge(self, request, queryset):
        kept, *duplicates = queryset.order_by("created_at", "pk")
        if not duplicates:
            self.message_user(
                request, _("Select at least two organisations to merge."), messages.WARNING
            )
            return
        with transaction.atomic():
            self.log_deletions(request, duplicates)
            merge_organisations(kept, duplicates)
            log_bulk_change(request, [kept], "Merged " + ", ".join(map(str, duplicates)) + ".")
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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "cluster", "role", "since"]
    list_filter = ["role"]
    list_select_related = ["organisation", "cluster"]
    search_fields = ["organisation__name", "cluster__name"]
    autocomplete_fields = ["cluster", "organisation"]


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    list_display = ["cluster", "kind", "field", "name", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cluster"]
    search_fields = ["cluster__name", "proposed_value", "message", "name", "email"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at", "current_value"]
    actions = ["mark_handled"]

    @admin.action(description=_("Mark selected suggestions as handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        suggestions = list(queryset)
        queryset.update(status=CorrectionSuggestion.Status.DONE)
        log_bulk_change(request, suggestions, "Marked as handled.")
        self.message_user(
            request,
            ngettext(
                "%d suggestion marked as handled.",
                "%d suggestions marked as handled.",
                len(suggestions),
            )
            % len(suggestions),
            messages.SUCCESS,
        )
