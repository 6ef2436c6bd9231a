"""The facet index and the home page's figures are kept for a version of the directory: a
change shows at once, and nothing read while a change is being written outlives it."""

import pytest
from django.db import transaction

from clusters.models import Cluster
from clusters.services import moderation
from core.per_version import forget, per_version

pytestmark = pytest.mark.usefixtures("seed")


def french_count(client):
    return client.get("/clusters/").context["listing"].facet_counts("country")["FR"]


def test_a_cluster_published_is_counted_on_the_next_request(
    client, make_cluster, django_capture_on_commit_callbacks
):
    assert french_count(client) == 9
    with django_capture_on_commit_callbacks(execute=True):
        pending = make_cluster(name="Pôle Nouveau", status=Cluster.Status.PENDING)
    assert french_count(client) == 9

    with django_capture_on_commit_callbacks(execute=True):
        moderation.publish(pending)

    assert french_count(client) == 10
    assert "Pôle Nouveau" in client.get("/clusters/?country=FR").content.decode()


def test_the_home_page_counts_a_cluster_archived_on_the_next_request(
    client, django_capture_on_commit_callbacks
):
    assert client.get("/").context["figures"]["clusters"] == 62

    with django_capture_on_commit_callbacks(execute=True):
        moderation.archive(Cluster.objects.published().first())

    assert client.get("/").context["figures"]["clusters"] == 61


def test_a_summary_read_while_the_directory_is_written_is_not_kept(make_cluster):
    assert per_version("summary", lambda: "before") == "before"
    assert per_version("summary", lambda: "again") == "before"

    with transaction.atomic():
        make_cluster()
        assert per_version("summary", lambda: "while writing") == "while writing"
        assert per_version("summary", lambda: "still writing") == "still writing"


def test_a_summary_one_process_built_is_read_by_the_others(client):
    assert per_version("summary", lambda: "built here") == "built here"
    forget()  # as another process starts with nothing of its own

    assert per_version("summary", lambda: "built again") == "built here"
