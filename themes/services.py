"""Writes to the thematic areas made from the public site."""

from django.db import transaction

from core.emails import tell_sender_and_staff
from themes.models import ThematicArea


@transaction.atomic
def propose(form, language):
    """Keep a proposed thematic area for staff, private until they open it, with the
    language of the page it was proposed from; tell the person who proposed it and staff."""
    thematic_area = form.save(commit=False)
    thematic_area.status = ThematicArea.Status.PROPOSED
    thematic_area.proposal_language = language
    thematic_area.save()
    tell_sender_and_staff(
        thematic_area.proposed_by_email,
        "theme_proposal_received",
        "theme_proposal_for_staff",
        {"thematic_area": thematic_area},
    )
    return thematic_area
