"""A cluster's contact keeps its entry true through a signed link sent to the address on
file: the link itself, confirming the entry, correcting it, and the yearly reminder."""

import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from clusters.services.members import set_members
from core.emails import notify_staff, send_email
from core.page_cache import directory_changed
from themes.models import ThematicArea

# Who made a change, as the edit history says it when no staff member is signed in.
CLUSTER_CONTACT = "The cluster's contact, through its link"

# The link that lets a cluster's contact update its entry works this long.
MANAGE_LINK_MAX_AGE = timedelta(days=7)
MANAGE_LINK_SALT = "clusters.manage"


def manage_token(cluster):
    """The signed token of the link that lets the contact on file update the entry.

    It names the cluster and the address it was sent to, so it opens no other entry and
    stops working when staff change the address; signing.loads() enforces its age.
    """
    return signing.dumps(
        {"cluster": cluster.pk, "contact": _contact_digest(cluster)}, salt=MANAGE_LINK_SALT
    )


def manage_url(cluster):
    """The link, to the page in the contact's language."""
    with translation.override(cluster.contact_language):
        path = reverse("clusters:manage", args=[cluster.slug, manage_token(cluster)])
    return settings.SITE_URL + path


def check_manage_token(cluster, token):
    """Raise signing.SignatureExpired for an old link, BadSignature for any other bad one,
    a link dated in the future included (signed with this site's key, it can only come from
    a server whose clock is wrong)."""
    content = signing.loads(token, salt=MANAGE_LINK_SALT, max_age=MANAGE_LINK_MAX_AGE)
    signed_at = signing.b62_decode(token.rsplit(signing.Signer().sep, 2)[1])
    if signed_at > time.time() + CLOCK_SKEW_SECONDS:
        raise signing.BadSignature("The link is dated in the future.")
    if content != {"cluster": cluster.pk, "contact": _contact_digest(cluster)}:
        raise signing.BadSignature("The link is for another cluster or address.")


# How far ahead of this server's clock another server of the site may sign a link.
CLOCK_SKEW_SECONDS = 60


def _contact_digest(cluster):
    """The address on file, as the token names it: keyed with the site's secret, so that
    whoever holds a link cannot test guesses of the address against it."""
    address = cluster.submitter_email.strip().lower()
    return salted_hmac(MANAGE_LINK_SALT, address, algorithm="sha256").hexdigest()[:16]


def send_manage_link(cluster, email):
    """E-mail the link to `email` if it is the address on file, and to nobody otherwise.
    Returns whether it was sent; the page that asked never says."""
    if not cluster.has_contact or email.strip().lower() != cluster.submitter_email.strip().lower():
        return False
    send_email(
        [cluster.submitter_email],
        "manage_link",
        {"cluster": cluster, "manage_url": manage_url(cluster)},
        language=cluster.contact_language,
    )
    return True


def send_verification_links(clusters):
    """E-mail the contact of each of these clusters the link to verify its entry: one
    e-mail a cluster with an address on file. Returns how many were sent."""
    sent = 0
    for cluster in clusters.exclude(submitter_email=""):
        send_email(
            [cluster.submitter_email],
            "verification_reminder",
            {"cluster": cluster, "manage_url": manage_url(cluster)},
            language=cluster.contact_language,
        )
        sent += 1
    return sent


@transaction.atomic
def confirm(cluster):
    """The contact says the entry is true: it is verified now, its facts are no longer
    guesses, and a cluster that answers is active."""
    cluster.last_verified_at = timezone.now()
    confirmed = cluster.Provenance.CONFIRMED
    cluster.country_from = cluster.place_from = cluster.model_from = confirmed
    if cluster.activity_status in (cluster.ActivityStatus.LISTED, cluster.ActivityStatus.UNKNOWN):
        cluster.activity_status = cluster.ActivityStatus.ACTIVE
    cluster._change_reason = CLUSTER_CONTACT
    cluster.save()
    directory_changed()


@transaction.atomic
def update(form, members, other_languages):
    """The contact's changes go live at once; the entry counts as verified; staff are told."""
    changed = [str(form.fields[name].label) for name in form.changed_data]
    if members.has_changed():
        changed.append(_("Members"))
    if other_languages.has_changed():
        changed.append(_("Description in other languages"))
    # Areas the public does not see are not on the form; joining them is staff's business.
    unlisted_areas = list(
        form.instance.thematic_areas.exclude(pk__in=ThematicArea.objects.public())
    )
    cluster = form.save(commit=False)
    confirm(cluster)
    form.save_m2m()
    cluster.thematic_areas.add(*unlisted_areas)
    set_members(cluster, members.rows(cluster.country.code), reason=CLUSTER_CONTACT)
    write_other_languages(cluster, other_languages.texts())
    context = {"cluster": cluster, "changed": changed, "admin_url": staff_url(cluster)}
    transaction.on_commit(lambda: notify_staff("cluster_updated_for_staff", context))
    return cluster


def write_other_languages(cluster, texts):
    """Keep the cluster's texts in other languages as sent: an emptied language is gone, and
    so is one that has become the language of the original."""
    for language, (short_description, description) in texts.items():
        if short_description or description:
            cluster.descriptions.update_or_create(
                language=language,
                defaults={"short_description": short_description, "description": description},
            )
        else:
            cluster.descriptions.filter(language=language).delete()
    cluster.descriptions.filter(language=cluster.description_language).delete()


def staff_url(cluster):
    """The entry's page in the admin, for e-mails to staff."""
    return settings.SITE_URL + reverse("admin:clusters_cluster_change", args=[cluster.pk])
