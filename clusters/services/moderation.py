"""Publishing, rejecting and archiving: the only way an entry's publication status changes,
so that every publication and rejection reaches the person who registered the cluster."""

from django.db import transaction

from clusters.models import Cluster
from clusters.services.self_service import manage_url
from core.emails import send_email
from core.page_cache import directory_changed


@transaction.atomic
def publish(cluster, by=None, reason="Published"):
    """Make the entry public and send its submitter the address and the link to keep it true."""
    _move(cluster, Cluster.Status.PUBLISHED, by, reason)
    if cluster.has_contact:
        context = {"cluster": cluster, "manage_url": manage_url(cluster)}
        transaction.on_commit(
            lambda: send_email(
                [cluster.submitter_email],
                "cluster_published",
                context,
                language=cluster.contact_language,
            )
        )


@transaction.atomic
def reject(cluster, rejection_reason, by=None, reason="Rejected"):
    """Refuse the entry, and send its submitter the reason as staff wrote it."""
    cluster.rejection_reason = rejection_reason
    _move(cluster, Cluster.Status.REJECTED, by, reason)
    if cluster.has_contact:
        context = {"cluster": cluster, "reason": rejection_reason}
        transaction.on_commit(
            lambda: send_email(
                [cluster.submitter_email],
                "registration_rejected",
                context,
                language=cluster.contact_language,
            )
        )


@transaction.atomic
def archive(cluster, by=None, reason="Archived"):
    """Take the entry off the public site, keeping it for staff."""
    _move(cluster, Cluster.Status.ARCHIVED, by, reason)


def change_status(cluster, status, by=None, reason=""):
    """Move the entry to `status` as the buttons of its form would: what the spreadsheet
    import's status column asks. Nothing happens, and nobody is e-mailed, when it is there
    already; a rejection uses the reason the entry holds."""
    if status == cluster.status:
        return
    if status == Cluster.Status.PUBLISHED:
        publish(cluster, by, reason)
    elif status == Cluster.Status.REJECTED:
        reject(cluster, cluster.rejection_reason, by, reason)
    elif status == Cluster.Status.ARCHIVED:
        archive(cluster, by, reason)
    else:
        _move(cluster, status, by, reason)


def _move(cluster, status, by, reason):
    cluster.status = status
    cluster._history_user = by
    cluster._change_reason = reason
    cluster.save()
    directory_changed()
