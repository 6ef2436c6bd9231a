from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from clusters.duplicates import flag_possible_duplicates
from clusters.models import (
    REVIEW_REASONS,
    Cluster,
    CorrectionSuggestion,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
    SlugRedirect,
    history_ids,
)
from clusters.resources import ClusterResource

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


class ClusterMergeForm(forms.Form):
    """Which of two clusters is kept and, for each fact where they differ, whose value."""

    FIELDS = [
        "name", "also_known_as", "short_description", "description", "website",
        "contact_email", "country", "region", "city", "latitude", "longitude",
        "location_precision", "model", "legal_structure", "legal_entity_name", "initiated_by",
        "year_founded", "member_count", "eccp_registered", "eccp_profile_url",
        "activity_status", "label", "label_expires_on", "last_verified_at", "submitter_name",
        "submitter_email", "staff_notes",
    ]  # fmt: skip

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["kept"] = forms.ChoiceField(
            label=_("Keep the entry (its address and history stay)"),
            choices=[
                (str(cluster.pk), f"{cluster} (/clusters/{cluster.slug}/)") for cluster in pair
            ],
            initial=str(pair[0].pk),
            widget=forms.RadioSelect,
        )
        self.differences = []
        for name in self.FIELDS:
            values = [getattr(cluster, name) for cluster in pair]
            if values[0] == values[1]:
                continue
            field = Cluster._meta.get_field(name)
            shown = [self.shown(cluster, field) for cluster in pair]
            self.fields[name] = forms.ChoiceField(
                label=field.verbose_name,
                choices=[
                    (str(cluster.pk), text) for cluster, text in zip(pair, shown, strict=True)
                ],
                initial=str(pair[0].pk if values[0] not in (None, "") else pair[1].pk),
                widget=forms.RadioSelect,
            )
            self.differences.append(self[name])

    @staticmethod
    def shown(cluster, field):
        value = getattr(cluster, f"get_{field.name}_display", lambda: None)() or getattr(
            cluster, field.name
        )
        return str(value) if value not in (None, "") else "(empty)"

    def merge_plan(self):
        """(the cluster kept, the other, the fields whose value comes from the other)."""
        kept_pk = self.cleaned_data["kept"]
        kept, other = sorted(self.pair, key=lambda cluster: str(cluster.pk) != kept_pk)
        take = [
            field.name
            for field in self.differences
            if self.cleaned_data[field.name] == str(other.pk)
        ]
        return kept, other, take


@admin.register(Cluster)
class ClusterAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    form = ClusterAdminForm
    resource_classes = [ClusterResource]
    # Spreadsheets, as staff use them.
    formats = [base_formats.CSV, base_formats.XLSX]
    change_form_template = "admin/clusters/cluster/change_form.html"
    list_display = [
        "name",
        "country",
        "city",
        "status",
        "review",
        "member_count_listed",
        "last_verified_at",
        "updated_at",
    ]
    # Publication status first: "Pending review" there is the moderation queue, one click away.
    list_filter = [
        "status",
        ReviewFilter,
        DuplicateFilter,
        ("country", CountryFilter),
        "model",
        "legal_structure",
        "eccp_registered",
        "activity_status",
        "source",
        "label",
        "fields_of_activity",
    ]
    list_per_page = 50
    date_hierarchy = "updated_at"
    search_fields = ["name", "also_known_as", "city", "region", "legal_entity_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # "Last verified" is set by the cluster's contact, or by the "mark as verified" action.
    readonly_fields = [
        "created_at",
        "updated_at",
        "published_at",
        "last_verified_at",
        "review",
        "duplicate_links",
    ]
    autocomplete_fields = ["thematic_areas"]
    inlines = [MembershipInline]
    formfield_overrides = {
        **URL_FIELDS_ASSUME_HTTPS,
        # Ticked boxes: the short taxonomies fit on the form, and read well with a screen
        # reader, unlike the two-box selector.
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    actions = [
        "publish",
        "archive",
        "mark_verified",
        "set_active",
        "set_inactive",
        "set_activity_unknown",
        "send_verification_links",
        "not_duplicates",
        "merge",
    ]
    fieldsets = [
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "rejection_reason",
                    "review",
                    "duplicate_links",
                    "source",
                    "last_verified_at",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "also_known_as",
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
                "description": _("Drag the pin on the map, or type the coordinates."),
                "fields": [
                    "country",
                    "region",
                    "city",
                    ("latitude", "longitude"),
                    "location_precision",
                ],
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
            _("Where the facts come from"),
            {
                "classes": ["collapse"],
                "fields": ["name_in_source", "country_from", "place_from", "model_from"],
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
    PRIVATE_FIELDS = ("submitter_name", "submitter_email")

    # The count groups rows, and Django leaves Meta.ordering out of grouped queries.
    ordering = ["sort_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts().with_review_reasons()

    def get_fieldsets(self, request, obj=None):
        """Submitters' details are only for staff who may change the entry."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in self.PRIVATE_FIELDS],
                },
            )
            for name, options in fieldsets
        ]

    def get_search_fields(self, request):
        if self.has_change_permission(request):
            return [*self.search_fields, "submitter_email"]
        return self.search_fields

    @admin.display(description=_("members listed"), ordering="registered_member_count")
    def member_count_listed(self, cluster):
        return cluster.registered_member_count

    @admin.display(description=_("needs review because"))
    def review(self, cluster):
        if not hasattr(cluster, "review_country"):
            cluster = Cluster.objects.with_review_reasons().get(pk=cluster.pk)
        return "; ".join(map(str, cluster.review_reasons)) or "—"

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
        super().save_model(request, obj, form, change)
        if not change:
            flag_possible_duplicates(obj)

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
                    obj.reject(obj.rejection_reason, by=request.user)
                else:
                    getattr(obj, method)(by=request.user)
                self.message_user(request, said, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_moderate"] = request.user.has_perm("clusters.moderate_cluster")
        context["map_tile_url"] = settings.MAP_TILE_URL
        context["map_tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        context["preview_url"] = kwargs.get("obj") and kwargs["obj"].get_absolute_url()
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        return [
            path(
                "<int:cluster_id>/history/<int:history_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="clusters_cluster_simple_history",
            ),
            path(
                "merge/", self.admin_site.admin_view(self.merge_view), name="clusters_cluster_merge"
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, cluster_id, history_id):
        """An earlier version beside the current one, and the button that brings it back."""
        cluster = get_object_or_404(Cluster, pk=cluster_id)
        record = get_object_or_404(Cluster.history, id=cluster_id, history_id=history_id)
        if not self.has_change_permission(request, cluster):
            raise PermissionDenied
        if request.method == "POST":
            cluster.restore(record, by=request.user)
            self.message_user(
                request, _("The version of %s is back.") % f"{record.history_date:%d %B %Y, %H:%M}"
            )
            return redirect("admin:clusters_cluster_change", cluster.pk)
        return render(
            request,
            "admin/clusters/cluster/restore.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Restore an earlier version of %s") % cluster,
                "opts": self.opts,
                "original": cluster,
                "record": record,
                "changes": [
                    (field.verbose_name, self.shown(field, now), self.shown(field, then))
                    for field, now, then in cluster.differences_from(record)
                ],
            },
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """The entry's own history, and that of the entries merged into it."""
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return (
            history_manager.filter(id__in=history_ids(object_id)).select_related("history_user")
            if records is not None
            else records
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version compared with the one before it of the same entry, not with the
        version of a merged entry that happens to come before it in time."""
        records = list(historical_records)
        for index, record in enumerate(records):
            earlier = next((r for r in records[index + 1 :] if r.id == record.id), None)
            if earlier is None:
                continue
            delta = record.diff_against(earlier, foreign_keys_are_objs=foreign_keys_are_objs)
            helper = self.get_historical_record_context_helper(request, record)
            record.history_delta_changes = helper.context_for_delta_changes(delta)

    @staticmethod
    def shown(field, value):
        """A value as staff read it: a choice's label rather than its code."""
        return dict(field.flatchoices).get(value, value) if field.choices else value

    # Actions: each calls the model's own state change, entry by entry, so that every
    # one is in its history with who made it.

    def moderate(self, request, queryset, method, said):
        clusters = list(queryset)
        for cluster in clusters:
            getattr(cluster, method)(by=request.user)
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
        clusters = list(queryset)
        for cluster in clusters:
            for name, value in values.items():
                setattr(cluster, name, value)
            cluster._history_user = request.user
            cluster.save()
        self.message_user(request, ngettext(*said, len(clusters)) % len(clusters), messages.SUCCESS)

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
        sent = queryset.published().send_verification_links()
        self.message_user(
            request,
            ngettext("%d link sent.", "%d links sent.", sent) % sent
            + " "
            + _("Clusters without an address on file were left out."),
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected clusters as not duplicates"), permissions=["change"])
    def not_duplicates(self, request, queryset):
        clusters = list(queryset)
        Cluster.objects.filter(pk__in=[c.pk for c in clusters]).mark_distinct()
        self.message_user(
            request,
            _("These clusters will not be flagged as duplicates of each other again."),
            messages.SUCCESS,
        )

    # Merging curates the directory: editors may, though they may not delete an entry.
    @admin.action(description=_("Merge two selected clusters…"), permissions=["moderate"])
    def merge(self, request, queryset):
        if queryset.count() != 2:
            self.message_user(request, _("Select exactly two clusters to merge."), messages.WARNING)
            return None
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(reverse("admin:clusters_cluster_merge") + f"?ids={ids}")

    def merge_view(self, request):
        """Two clusters side by side: staff choose which is kept and, field by field, whose
        value stays."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        ids = [pk for pk in request.GET.get("ids", "").split(",") if pk.isdigit()][:2]
        pair = list(Cluster.objects.filter(pk__in=ids).order_by("created_at", "pk"))
        if len(pair) != 2:
            self.message_user(request, _("Select exactly two clusters to merge."), messages.WARNING)
            return redirect("admin:clusters_cluster_changelist")
        form = ClusterMergeForm(request.POST or None, pair=pair)
        if request.method == "POST" and form.is_valid():
            kept, other, take = form.merge_plan()
            kept.merge(other, take=take, by=request.user)
            self.message_user(
                request,
                _("Merged into %s. Its old address leads here now.") % kept,
                messages.SUCCESS,
            )
            return redirect("admin:clusters_cluster_change", kept.pk)
        return render(
            request,
            "admin/clusters/cluster/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge two clusters"),
                "opts": self.opts,
                "form": form,
                "pair": pair,
            },
        )


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
        permissions=["change"],
    )
    def merge(self, request, queryset):
        kept, *duplicates = queryset.order_by("created_at", "pk")
        if not duplicates:
            self.message_user(
                request, _("Select at least two organisations to merge."), messages.WARNING
            )
            return
        kept.merge(duplicates)
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


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    list_display = ["cluster", "kind", "field", "name", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cluster"]
    search_fields = ["cluster__name", "proposed_value", "message", "name", "email"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at", "current_value"]
    actions = ["mark_handled"]

    def get_fields(self, request, obj=None):
        """Who sent it is only for staff who may change it."""
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [field for field in fields if field not in ("name", "email")]

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


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "cluster", "created_at"]
    list_select_related = ["cluster"]
    search_fields = ["old_slug", "cluster__name"]
    autocomplete_fields = ["cluster"]
    readonly_fields = ["created_at"]
