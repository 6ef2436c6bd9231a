"""Merging two entries that are one cluster: the action, the page that compares them, and
its form."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from clusters.services import merging


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


class MergeMixin:
    """The cluster admin's "Merge two selected clusters…" action and the page it leads to."""

    def get_urls(self):
        return [
            path(
                "merge/", self.admin_site.admin_view(self.merge_view), name="clusters_cluster_merge"
            ),
            *super().get_urls(),
        ]

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
            merging.merge(kept, other, take=take, by=request.user)
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
