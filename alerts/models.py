"""E-mail alerts: an address follows the clusters of a query string of the list, and is
told of those newly published, as they come (at most once a day) or weekly."""

from datetime import timedelta
from functools import cached_property

from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clusters.listing import ClusterListing, describe

# A request to follow that nobody confirmed is deleted after this: its link has expired.
CONFIRMATION_MAX_AGE = timedelta(days=7)
# A run that claimed an alert and then died (its machine stopped, say) leaves the claim;
# another run takes the alert over after this, so that nothing is lost.
CLAIM_EXPIRES = timedelta(hours=1)
# A publication is written with its time in a transaction that commits a little later (a
# spreadsheet import may take half a minute): an alert looks only at clusters published
# longer ago than this, so that one committed late is not left behind a window already sent.
SETTLING_TIME = timedelta(minutes=5)
ADDRESS_SALT = "alerts.address"


def address_key(email):
    """The key that names an address in the address page's link: keyed with the site's
    secret, so that it can be neither guessed from the address nor forged."""
    return salted_hmac(ADDRESS_SALT, normalise(email), algorithm="sha256").hexdigest()[:32]


def normalise(email):
    return email.strip().lower()


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now):
        """Confirmed alerts whose time has come and that no run is sending, or whose run
        has held them too long to be alive."""
        return self.confirmed().filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES), due_at__lte=now
        )

    def unconfirmed_expired(self, now):
        return self.filter(confirmed_at__isnull=True, created_at__lt=now - CONFIRMATION_MAX_AGE)


class Alert(models.Model):
    class Frequency(models.TextChoices):
        AS_THEY_COME = "daily", _("As they come, at most one e-mail a day")
        WEEKLY = "weekly", _("Once a week")

    email = models.EmailField(_("e-mail address"))
    address_key = models.CharField(max_length=32, db_index=True, editable=False)
    # The list's query string as the listing understood it: what the alert follows.
    query = models.CharField(max_length=2000, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.AS_THEY_COME
    )
    # The language of the page where the person subscribed: the e-mails speak it.
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Clusters published up to this moment have been looked at for this alert.
    covered_until = models.DateTimeField(null=True, blank=True)
    # When a run may next look for new clusters.
    due_at = models.DateTimeField(null=True, blank=True)
    # The run sending this alert now, and since when.
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        permissions = [("reveal_alert", _("Can see the addresses of e-mail alerts"))]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(confirmed_at__isnull=False), name="alert_due"
            )
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.email = normalise(self.email)
        self.address_key = address_key(self.email)
        super().save(*args, **kwargs)

    @cached_property
    def listing(self):
        return ClusterListing(QueryDict(self.query))

    @property
    def description(self):
        return describe(self.listing)

    def new_clusters(self, until):
        """The clusters this alert follows published since it last looked, up to `until`."""
        return self.listing.clusters.filter(
            published_at__gt=self.covered_until, published_at__lte=until
        ).order_by("published_at", "pk")
