"""Following, confirming, changing and ending alerts, and sending what is due.

Sending is for cron (`manage.py send_alerts`), on one machine or several: a run claims the
alerts it sends in the database first, so that two runs never send the same alert, and
records each one as sent right after its e-mail left, so that a rerun sends it again only
if the run died in between.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from alerts.models import CONFIRMATION_MAX_AGE, SETTLING_TIME, Alert
from core.emails import send_email

CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
ADDRESS_PAGE_SALT = "alerts.address-page"
# An e-mail names at most this many clusters, then links to the list for the rest.
CLUSTERS_PER_EMAIL = 50
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def confirm_path(alert):
    return reverse("alerts:confirm", args=[signing.dumps(alert.pk, salt=CONFIRM_SALT)])


def unsubscribe_path(alert):
    """The link that ends the alert, in each e-mail and its List-Unsubscribe header. It
    does not expire: an old e-mail must still let its reader stop the next ones."""
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(alert.pk))
    return reverse("alerts:unsubscribe", args=[token])


def address_path(alert):
    """The page of every alert of the alert's address."""
    token = signing.Signer(salt=ADDRESS_PAGE_SALT).sign(alert.address_key)
    return reverse("alerts:address", args=[token])


def alert_to_confirm(token):
    """The alert a confirmation link names; signing.BadSignature (SignatureExpired after a
    week) for a link that is not one, Alert.DoesNotExist for one deleted since."""
    return Alert.objects.get(
        pk=signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)
    )


def alert_to_end(token):
    """The alert an unsubscribe link names, or None when it has ended already;
    signing.BadSignature for a link that is not one."""
    return Alert.objects.filter(pk=signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)).first()


def address_of_page(token):
    """The address key an address page's link names; signing.BadSignature otherwise."""
    return signing.Signer(salt=ADDRESS_PAGE_SALT).unsign(token)


def request_alert(email, query, frequency, language):
    """Store a request to follow, not active until its address confirms it, and send the
    link that does. Whether the address follows anything already changes nothing here."""
    alert = Alert.objects.create(email=email, query=query, frequency=frequency, language=language)
    context = {
        "alert": alert,
        "description": alert.description,
        "confirm_url": settings.SITE_URL + confirm_path(alert),
    }
    transaction.on_commit(lambda: send_email([alert.email], "alert_confirmation", context))
    return alert


@transaction.atomic
def confirm(alert, now=None):
    """Start the alert from now. When the address already follows the same clusters, the
    older alert is kept, at the frequency asked last, and this one deleted: it is returned."""
    now = now or timezone.now()
    same = (
        Alert.objects.confirmed()
        .filter(address_key=alert.address_key, query=alert.query)
        .exclude(pk=alert.pk)
        .first()
    )
    if same is not None:
        alert.delete()
        change_frequency(same, alert.frequency, now)
        return same
    if alert.confirmed_at is None:
        alert.confirmed_at = alert.covered_until = now
        alert.due_at = next_due(alert, now)
        alert.save()
    return alert


def change_frequency(alert, frequency, now=None):
    if frequency != alert.frequency:
        alert.frequency = frequency
        alert.due_at = next_due(alert, now or timezone.now())
        alert.save(update_fields=["frequency", "due_at"])


def next_due(alert, now):
    """When to look next, from the last e-mail (or the start, when none has been sent):
    weekly, a week after it; as they come, a day after it, or at once."""
    if alert.frequency == Alert.Frequency.WEEKLY:
        return max((alert.last_sent_at or alert.confirmed_at) + WEEK, now)
    return max(alert.last_sent_at + DAY, now) if alert.last_sent_at else now


def end(alert):
    """Nothing of an ended alert is kept."""
    alert.delete()


def send_due_alerts(now=None):
    """Send every alert that is due; delete requests nobody confirmed in time. Returns the
    number of e-mails sent."""
    now = now or timezone.now()
    Alert.objects.unconfirmed_expired(now).delete()
    return sum(deliver(alert, now) for alert in claim_due_alerts(now))


def claim_due_alerts(now):
    """Take the due alerts for this run, and return them.

    One conditional UPDATE: on SQLite writers take turns; on PostgreSQL a second run's
    UPDATE waits for the first's rows, then checks its condition again on what the first
    wrote, and finds them claimed. Either way each alert goes to one run only.
    """
    claim = uuid.uuid4()
    Alert.objects.due(now).update(claim=claim, claimed_at=now)
    return list(Alert.objects.filter(claim=claim).order_by("pk"))


def deliver(alert, now):
    """E-mail the clusters published since the alert last looked, if any, and record it.
    Returns whether an e-mail was sent. A failed send releases the claim without moving
    on: the next run tries again."""
    until = now - SETTLING_TIME
    # The filters' words, in the e-mail, in the language of the page of the subscription.
    with translation.override(alert.language):
        new = alert.new_clusters(until) if until > alert.covered_until else None
        clusters = list(new[: CLUSTERS_PER_EMAIL + 1]) if new is not None else []
        sent = bool(clusters) and _send(alert, clusters, new)
    if clusters and not sent:
        Alert.objects.filter(pk=alert.pk, claim=alert.claim).update(claim=None, claimed_at=None)
        return False
    # Weekly: a week after this look; as they come: a day after an e-mail, else next run.
    if alert.frequency == Alert.Frequency.WEEKLY:
        due_at = now + WEEK
    elif sent:
        due_at = now + DAY
    else:
        due_at = now
    Alert.objects.filter(pk=alert.pk, claim=alert.claim).update(
        claim=None,
        claimed_at=None,
        covered_until=max(until, alert.covered_until),
        due_at=due_at,
        last_sent_at=now if sent else alert.last_sent_at,
    )
    return sent


def _send(alert, clusters, new):
    unsubscribe = settings.SITE_URL + unsubscribe_path(alert)
    listing = alert.listing
    context = {
        "alert": alert,
        "description": alert.description,
        "clusters": clusters[:CLUSTERS_PER_EMAIL],
        # Counted only when there are more than the e-mail names.
        "total": new.count() if len(clusters) > CLUSTERS_PER_EMAIL else len(clusters),
        "list_url": settings.SITE_URL
        + reverse("clusters:list")
        + (f"?{listing.query_string}" if listing.query_string else ""),
        "unsubscribe_url": unsubscribe,
        "address_url": settings.SITE_URL + address_path(alert),
    }
    context["more"] = context["total"] - len(context["clusters"])
    return send_email(
        [alert.email],
        "alert_new_clusters",
        context,
        # RFC 8058: mail programs offer their own button, which POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
