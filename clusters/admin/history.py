"""An entry's edit history in the admin: its own versions and those of entries merged into
it, each compared with the one before, and restoring one."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, history_ids
from clusters.services import history


class HistoryMixin:
    def get_urls(self):
        return [
            path(
                "<int:cluster_id>/history/<int:history_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="clusters_cluster_simple_history",
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
            history.restore(cluster, record, by=request.user)
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
                    (field.verbose_name, shown(field, now), shown(field, then))
                    for field, now, then in history.differences(cluster, record)
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


def shown(field, value):
    """A value as staff read it: a choice's label rather than its code."""
    return dict(field.flatchoices).get(value, value) if field.choices else value
