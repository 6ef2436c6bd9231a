"""Why a published entry needs a person's look: each reason, in words and as a condition."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models.choices import ActivityStatus, Provenance

REVIEW_REASONS = {
    "country": _("Country inferred or unknown"),
    "place": _("Place inferred"),
    "model": _("Model inferred"),
    "coordinates": _("No coordinates"),
    "activity": _("Activity unknown"),
    "unverified": _("Not verified for a year"),
    "label": _("ESCA label expiring within 60 days"),
}


def review_conditions():
    """{reason: condition} of the entries staff should look at, for each reason."""
    now = timezone.now()
    inferred = Provenance.INFERRED
    return {
        "country": Q(country_from__in=[inferred, Provenance.UNKNOWN]),
        "place": Q(place_from=inferred),
        "model": Q(model_from=inferred),
        "coordinates": Q(latitude__isnull=True),
        "activity": Q(activity_status=ActivityStatus.UNKNOWN),
        "unverified": Q(last_verified_at__isnull=True)
        | Q(last_verified_at__lt=now - timedelta(days=365)),
        "label": Q(
            label_expires_on__gte=now.date(),
            label_expires_on__lte=(now + timedelta(days=60)).date(),
        ),
    }
