"""Entries stay true: yearly reminders with the link, and pages that say when they are old."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clusters.models import Cluster
from tests.clusters.test_admin import run_action
from tests.pages import get_page

pytestmark = pytest.mark.usefixtures("seed")


@pytest.fixture
def contacts():
    """Three published clusters with an address on file, one archived one."""
    for slug in ("torino-social-impact", "impact-noord", "figeacteurs", "circularium"):
        Cluster.objects.filter(slug=slug).update(submitter_email=f"{slug}@example.org")
    Cluster.objects.filter(slug="circularium").update(status=Cluster.Status.ARCHIVED)


def test_the_reminder_command_sends_one_email_per_published_cluster_with_an_address(contacts):
    out = io.StringIO()
    call_command("send_verification_reminders", stdout=out)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "figeacteurs@example.org", "impact-noord@example.org", "torino-social-impact@example.org",
    ]  # fmt: skip
    assert "Sent 3 verification links." in out.getvalue()
    message = next(m for m in mail.outbox if m.to == ["impact-noord@example.org"])
    assert message.subject == "Is the entry of Impact Noord still right?"
    assert re.search(r"/clusters/impact-noord/manage/\S+/", message.body)


def test_the_admin_action_sends_the_links_of_the_selected_clusters(editor, contacts):
    run_action(
        editor,
        Cluster,
        "send_verification_links",
        list(Cluster.objects.filter(slug__in=["impact-noord", "base-202"])),
    )

    assert [message.to for message in mail.outbox] == [["impact-noord@example.org"]]


def test_an_entry_not_verified_for_eighteen_months_says_so(client):
    Cluster.objects.filter(slug="impact-noord").update(
        last_verified_at=timezone.now() - timedelta(days=600)
    )
    Cluster.objects.filter(slug="torino-social-impact").update(
        last_verified_at=timezone.now() - timedelta(days=30)
    )

    stale = get_page(client, "/clusters/impact-noord/").soup.find(class_="stale-note")
    fresh = get_page(client, "/clusters/torino-social-impact/").soup.find(class_="stale-note")

    assert stale.get_text() == "More than eighteen months ago: some facts may have changed."
    assert fresh is None


def test_the_map_fades_the_entries_nobody_verified_for_eighteen_months(client):
    Cluster.objects.filter(slug="impact-noord").update(
        last_verified_at=timezone.now() - timedelta(days=600)
    )
    Cluster.objects.filter(slug="torino-social-impact").update(
        last_verified_at=timezone.now() - timedelta(days=30)
    )

    features = {
        feature["properties"]["name"]: feature["properties"]
        for feature in client.get("/api/clusters.geojson").json()["features"]
    }

    assert features["Impact Noord"]["stale"] is True
    assert "stale" not in features["Torino Social Impact"]
    # From the 2021 mapping and never verified since: as old.
    assert features["Figeacteurs"]["stale"] is True
