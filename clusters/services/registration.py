"""A cluster registers itself through the public form, for staff to review."""

from django.db import transaction

from clusters.duplicates import flag_possible_duplicates
from clusters.models import Cluster
from clusters.services.members import set_members
from clusters.services.self_service import staff_url
from core.emails import tell_sender_and_staff
from core.page_cache import directory_changed

# Who made a change, as the edit history says it when no staff member is signed in.
REGISTRATION_FORM = "The registration form"


@transaction.atomic
def register(form, members, language):
    """Save a registration for review, with its members, and tell the submitter and staff.
    Every later e-mail to the submitter is in `language`, that of the page they used."""
    cluster = form.save(commit=False)
    cluster.contact_language = language
    cluster.status = Cluster.Status.PENDING
    cluster.source = Cluster.Source.REGISTRATION
    cluster.activity_status = Cluster.ActivityStatus.ACTIVE
    cluster._change_reason = REGISTRATION_FORM
    cluster.save()
    form.save_m2m()
    rows = members.rows(cluster.country.code)
    set_members(cluster, rows, reason=REGISTRATION_FORM)
    flag_possible_duplicates(cluster)
    directory_changed()
    tell_sender_and_staff(
        cluster.submitter_email,
        "registration_received",
        "registration_for_staff",
        {"cluster": cluster, "member_count": len(rows), "admin_url": staff_url(cluster)},
    )
    return cluster
