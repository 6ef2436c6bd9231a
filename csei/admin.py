"""The staff site: the Django admin, opening on what needs a person's attention."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class StaffSite(admin.AdminSite):
    site_header = _("CSEI Directory: staff")
    site_title = _("CSEI Directory staff")
    index_title = _("Curate the directory")

    def admin_view(self, view, cacheable=False):
        """Staff pages allow inline styles, which the spreadsheet and history pages of the
        libraries the admin uses write; scripts stay as strict as on the public site."""
        return csp_update({"style-src": [UNSAFE_INLINE]})(super().admin_view(view, cacheable))

    def index(self, request, extra_context=None):
        return super().index(
            request, {"review_dashboard": review_dashboard(request), **(extra_context or {})}
        )


def review_dashboard(request):
    """(label, count, link) for each queue the person may see: four queries at most."""
    from clusters.models import REVIEW_REASONS, Cluster, CorrectionSuggestion, review_conditions
    from themes.models import JoinRequest, ThematicArea

    user = request.user
    lines = []
    if user.has_perm("clusters.view_cluster"):
        clusters = reverse("admin:clusters_cluster_changelist")
        published = Q(status=Cluster.Status.PUBLISHED)
        flagged = Exists(
            Cluster.possible_duplicates.through.objects.filter(from_cluster=OuterRef("pk"))
        )
        counts = Cluster.objects.aggregate(
            pending=Count("pk", filter=Q(status=Cluster.Status.PENDING)),
            duplicates=Count("pk", filter=Q(flagged)),
            **{
                name: Count("pk", filter=published & condition)
                for name, condition in review_conditions().items()
            },
        )
        lines += [
            (
                _("Registrations waiting for review"),
                counts["pending"],
                f"{clusters}?status__exact=pending",
            ),
            (_("Possible duplicates"), counts["duplicates"], f"{clusters}?duplicates=yes"),
        ]
        lines += [
            (
                _("Published entries: %(reason)s") % {"reason": label},
                counts[name],
                f"{clusters}?status__exact=published&review={name}",
            )
            for name, label in REVIEW_REASONS.items()
        ]
    if user.has_perm("clusters.view_correctionsuggestion"):
        lines.append(
            (
                _("Corrections suggested"),
                CorrectionSuggestion.objects.filter(status=CorrectionSuggestion.Status.NEW).count(),
                reverse("admin:clusters_correctionsuggestion_changelist") + "?status__exact=new",
            )
        )
    if user.has_perm("themes.view_thematicarea"):
        lines.append(
            (
                _("Thematic areas proposed"),
                ThematicArea.objects.filter(status=ThematicArea.Status.PROPOSED).count(),
                reverse("admin:themes_thematicarea_changelist") + "?status__exact=proposed",
            )
        )
    if user.has_perm("themes.view_joinrequest"):
        lines.append(
            (
                _("Requests to join a thematic area"),
                JoinRequest.objects.pending().count(),
                reverse("admin:themes_joinrequest_changelist") + "?status__exact=pending",
            )
        )
    if user.has_perm("django_tasks_database.view_dbtaskresult"):
        lines.append(
            (
                _("E-mails that could not be sent"),
                undelivered_emails().count(),
                reverse("admin:django_tasks_database_dbtaskresult_changelist")
                + f"?status__exact={TaskResultStatus.FAILED}",
            )
        )
    return lines


def undelivered_emails():
    """Messages the mail server refused on every try (core.emails.deliver_email)."""
    return DBTaskResult.objects.failed().filter(task_path="core.emails.deliver_email")
