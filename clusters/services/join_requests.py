"""A cluster asks to join a thematic area; staff accept or decline."""

from django.db import transaction
from django.utils import timezone

from core.emails import tell_sender_and_staff
from core.page_cache import directory_changed
from themes.models import JoinRequest


@transaction.atomic
def ask(form, language):
    """Keep the request for staff, with the language of the page it was sent from, and tell
    the person who sent it and staff."""
    join_request = JoinRequest.objects.create(
        thematic_area=form.thematic_area,
        cluster=form.cleaned_data["cluster"],
        email=form.cleaned_data["email"],
        language=language,
    )
    tell_sender_and_staff(
        join_request.email,
        "join_request_received",
        "join_request_for_staff",
        {"join_request": join_request},
    )
    return join_request


@transaction.atomic
def accept(join_requests):
    """Add each request's cluster to its area. Returns how many were waiting."""
    pending = list(join_requests.pending().select_related("cluster", "thematic_area"))
    for join_request in pending:
        join_request.cluster.thematic_areas.add(join_request.thematic_area)
    _decide(pending, JoinRequest.Status.ACCEPTED)
    directory_changed()
    return len(pending)


@transaction.atomic
def decline(join_requests):
    """Decline the requests still waiting. Returns how many there were."""
    pending = list(join_requests.pending())
    _decide(pending, JoinRequest.Status.DECLINED)
    return len(pending)


def _decide(join_requests, status):
    JoinRequest.objects.filter(pk__in=[r.pk for r in join_requests]).update(
        status=status, decided_at=timezone.now()
    )
