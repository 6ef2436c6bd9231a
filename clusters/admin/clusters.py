"""The cluster's own admin: the list staff curate from, the change form with its
moderation buttons, and the bulk actions. Merging and the history are their own modules."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from clusters.admin.history import HistoryMixin
from clusters.admin.merge import MergeMixin
from clusters.eccp import meeting_criteria
from clusters.imports import ClusterImportMixin
from clusters.models import REVIEW_REASONS, Cluster, ClusterDescription, Membership
from clusters.resources import ClusterResource
from clusters.services import curation, merging, moderation, self_service
from clusters.spreadsheets import FORMATS
from core.admin import URL_FIELDS_ASSUME_HTTPS, PrivateFieldsMixin

# Each reason of REVIEW_REASONS in a word or two, for the list's column.
SHORT_REASONS = {
    "country": _("country"),
    "place": _("place"),
    "model": _("model"),
    "coordinates": _("coordinates"),
    "activity": _("activity"),
    "unverified": _("not verified"),
    "label": _("label expiring"),
}


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organisation", "role", "since"]
    autocomplete_fields = ["organisation"]
    extra = 1


class DescriptionInline(admin.StackedInline):
    """The cluster's own texts in more languages, as it wrote them through its link."""

    model = ClusterDescription
    extra = 0


class ReviewFilter(admin.SimpleListFilter):
    """Why an entry needs a person's look: each reason on its own."""

    title = _("needs review because")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return list(REVIEW_REASONS.items())

    def queryset(self, request, queryset):
        if self.value() in REVIEW_REASONS:
            return queryset.needing_review(self.value())
        return queryset


class DuplicateFilter(admin.SimpleListFilter):
    title = _("possible duplicates")
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("yes", _("Flagged as a possible duplicate"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Exists(
                    Cluster.possible_duplicates.through.objects.filter(from_cluster=OuterRef("pk"))
                )
            )
        return queryset


class EccpInvitationFilter(admin.SimpleListFilter):
    """The clusters to invite onto the European Cluster Collaboration Platform."""

    title = _("ECCP criteria")
    parameter_name = "eccp_criteria"

    def lookups(self, request, model_admin):
        return [("ready", _("Meets the criteria but not registered"))]

    def queryset(self, request, queryset):
        if self.value() == "ready":
            return meeting_criteria(queryset).exclude(eccp_registered=Cluster.EccpRegistration.YES)
        return queryset


class ClusterAdminForm(forms.ModelForm):
    """The change form, which also carries the moderation buttons."""

    def clean(self):
        cleaned_data = super().clean()
        if "_reject" in self.data and not cleaned_data.get("rejection_reason", "").strip():
            self.add_error(
                "rejection_reason",
                _("Give the reason for rejecting it: it is e-mailed to the submitter."),
            )
        return cleaned_data


@admin.register(Cluster)
class ClusterAdmin(
    PrivateFieldsMixin,
    MergeMixin,
    HistoryMixin,
    ClusterImportMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    form = ClusterAdminForm
    resource_classes = [ClusterResource]
    # Spreadsheets, as staff use them, with formulas kept as text.
    formats = FORMATS
    change_form_template = "admin/clusters/cluster/change_form.html"
    list_display = [
        "name", "place", "status", "to_review", "member_count_listed", "last_verified_at",
        "updated_at",
    ]  # fmt: skip
    # Publication status first: "Pending review" there is the moderation queue, one click away.
    list_filter = [
        "status", ReviewFilter, DuplicateFilter, ("country", CountryFilter), "model",
        "legal_structure", "eccp_registered", EccpInvitationFilter, "activity_status", "source",
        "label", "fields_of_activity",
    ]  # fmt: skip
    list_per_page = 50
    date_hierarchy = "updated_at"
    search_fields = ["name", "also_known_as", "city", "region", "legal_entity_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The publication status changes only through moderation: the buttons below the form.
    # "Last verified" is set by the cluster's contact, or by the "mark as verified" action.
    readonly_fields = [
        "status", "created_at", "updated_at", "published_at", "last_verified_at", "review",
        "duplicate_links",
    ]  # fmt: skip
    autocomplete_fields = ["thematic_areas"]
    inlines = [MembershipInline, DescriptionInline]
    formfield_overrides = {
        **URL_FIELDS_ASSUME_HTTPS,
        # Ticked boxes: the short taxonomies fit on the form, and read well with a screen
        # reader, unlike the two-box selector.
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    actions = [
        "publish", "archive", "mark_verified", "set_active", "set_inactive",
        "set_activity_unknown", "send_verification_links", "not_duplicates", "merge",
    ]  # fmt: skip
    fieldsets = [
        (_("Publication"), {"fields": [
            "status", "rejection_reason", "review", "duplicate_links", "source",
            "last_verified_at", "published_at", "created_at", "updated_at",
        ]}),
        (_("Identity"), {"fields": [
            "name", "also_known_as", "slug", "short_description", "description",
            "description_language", "website", "contact_email",
        ]}),
        (_("Location"), {
            "description": _("Drag the pin on the map, or type the coordinates."),
            "fields": [
                "country", "region", "city", ("latitude", "longitude"), "location_precision",
            ],
        }),
        (_("Organisation"), {"fields": [
            "model", "legal_structure", "legal_entity_name", "initiated_by", "year_founded",
            "member_count", "activity_status",
        ]}),
        (_("Classification"), {
            "fields": ["fields_of_activity", "services", "innovation_types", "thematic_areas"],
        }),
        (_("ECCP and label"), {
            "fields": ["eccp_registered", "eccp_profile_url", "label", "label_expires_on"],
        }),
        (_("Where the facts come from"), {
            "classes": ["collapse"],
            "fields": ["name_in_source", "country_from", "place_from", "model_from"],
        }),
        (_("Private: submitter and staff notes"), {
            "description": _("Never shown to the public."),
            "fields": ["submitter_name", "submitter_email", "contact_language", "staff_notes"],
        }),
    ]  # fmt: skip
    private_fields = ("submitter_name", "submitter_email")

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["sort_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts().with_review_reasons()

    def changelist_view(self, request, extra_context=None):
        # The list needs the width: at 1280 pixels, between the navigation and the filters,
        # its last columns would be cut off. The breadcrumbs lead back to the rest.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    @admin.display(description=_("members listed"), ordering="registered_member_count")
    def member_count_listed(self, cluster):
        return cluster.registered_member_count

    @admin.display(description=_("needs review because"))
    def review(self, cluster):
        if not hasattr(cluster, "review_country"):
            cluster = Cluster.objects.with_review_reasons().get(pk=cluster.pk)
        return "; ".join(map(str, cluster.review_reasons)) or "—"

    @admin.display(description=_("place"), ordering="country")
    def place(self, cluster):
        return ", ".join(part for part in (cluster.city, cluster.country.name) if part) or "—"

    @admin.display(description=_("to review"))
    def to_review(self, cluster):
        """The reasons in a word each, for the list: the filter and the form say them whole."""
        flagged = [
            SHORT_REASONS[name] for name in REVIEW_REASONS if getattr(cluster, f"review_{name}")
        ]
        return ", ".join(map(str, flagged)) or "—"

    @admin.display(description=_("possible duplicates"))
    def duplicate_links(self, cluster):
        duplicates = cluster.possible_duplicates.all()
        if not duplicates:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:clusters_cluster_change", args=[other.pk]),
                    other.name,
                    other.get_status_display(),
                )
                for other in duplicates
            ),
        )

    def save_model(self, request, obj, form, change):
        curation.save(obj, by=request.user)

    def response_change(self, request, obj):
        """The moderation buttons of the change form: the entry is saved, then moved."""
        for button, method, said in [
            ("_publish", "publish", _("Published, and the submitter told.")),
            ("_reject", "reject", _("Rejected, and the reason e-mailed to the submitter.")),
            ("_archive", "archive", _("Archived: it is no longer public.")),
        ]:
            if button in request.POST:
                if not request.user.has_perm("clusters.moderate_cluster"):
                    raise PermissionDenied
                if method == "reject":
                    moderation.reject(obj, obj.rejection_reason, by=request.user)
                else:
                    getattr(moderation, method)(obj, by=request.user)
                self.message_user(request, said, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_moderate"] = request.user.has_perm("clusters.moderate_cluster")
        # The address as saved: a form sent back with errors may hold a slug half typed.
        saved_slug = kwargs.get("obj") and context["adminform"].form.initial.get("slug")
        context["preview_url"] = saved_slug and reverse("clusters:detail", args=[saved_slug])
        return super().render_change_form(request, context, *args, **kwargs)

    # Actions: each calls the service entry by entry, so that every one is in its history
    # with who made it.

    def moderate(self, request, queryset, method, said):
        clusters = list(queryset)
        for cluster in clusters:
            getattr(moderation, method)(cluster, by=request.user)
        self.message_user(request, ngettext(*said, len(clusters)) % len(clusters), messages.SUCCESS)

    @admin.action(description=_("Publish selected clusters"), permissions=["moderate"])
    def publish(self, request, queryset):
        self.moderate(
            request, queryset, "publish", ("%d cluster published.", "%d clusters published.")
        )

    @admin.action(description=_("Archive selected clusters"), permissions=["moderate"])
    def archive(self, request, queryset):
        self.moderate(
            request, queryset, "archive", ("%d cluster archived.", "%d clusters archived.")
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm("clusters.moderate_cluster")

    def change_each(self, request, queryset, said, **values):
        changed = curation.change_each(queryset, request.user, **values)
        self.message_user(request, ngettext(*said, changed) % changed, messages.SUCCESS)

    @admin.action(description=_("Mark selected clusters as verified now"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self.change_each(
            request,
            queryset,
            ("%d cluster marked as verified.", "%d clusters marked as verified."),
            last_verified_at=timezone.now(),
        )

    @admin.action(description=_("Set the activity to “active”"), permissions=["change"])
    def set_active(self, request, queryset):
        self.change_each(
            request,
            queryset,
            ("%d cluster set to active.", "%d clusters set to active."),
            activity_status=Cluster.ActivityStatus.ACTIVE,
        )

    @admin.action(description=_("Set the activity to “inactive”"), permissions=["change"])
    def set_inactive(self, request, queryset):
        self.change_each(
            request,
            queryset,
            ("%d cluster set to inactive.", "%d clusters set to inactive."),
            activity_status=Cluster.ActivityStatus.INACTIVE,
        )

    @admin.action(description=_("Set the activity to “unknown”"), permissions=["change"])
    def set_activity_unknown(self, request, queryset):
        self.change_each(
            request,
            queryset,
            ("%d cluster set to activity unknown.", "%d clusters set to activity unknown."),
            activity_status=Cluster.ActivityStatus.UNKNOWN,
        )

    @admin.action(
        description=_("E-mail their contacts the link to verify the entry"), permissions=["change"]
    )
    def send_verification_links(self, request, queryset):
        sent = self_service.send_verification_links(queryset.published())
        self.message_user(
            request,
            ngettext("%d link sent.", "%d links sent.", sent) % sent
            + " "
            + _("Clusters without an address on file were left out."),
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected clusters as not duplicates"), permissions=["change"])
    def not_duplicates(self, request, queryset):
        merging.mark_distinct(queryset)
        self.message_user(
            request,
            _("These clusters will not be flagged as duplicates of each other again."),
            messages.SUCCESS,
        )
