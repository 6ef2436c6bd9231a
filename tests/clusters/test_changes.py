"""The changes API: a mirror that polls /api/changes.json stays exactly in step with the
published clusters, whatever writes them.

Its tests commit what they write, as the site does: on PostgreSQL the API hands out only
the changes of transactions that have ended (clusters.models.changes), and a test's own
transaction would never end. They run after the others (tests/conftest.py), since the
database is emptied after each.
"""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, transaction
from openapi_schema_validator import OAS31Validator

from clusters.models import Cluster, ClusterChange, Organisation
from clusters.services import curation, join_requests, members, merging, moderation
from clusters.services.self_service import manage_url
from tests.clusters.test_admin import change_form
from tests.clusters.test_manage import edit_form
from tests.pages import get_page, submit
from themes.models import JoinRequest, ThematicArea

pytestmark = pytest.mark.django_db(transaction=True)

CHANGES = "/api/changes.json"
# How long a test waits for transactions of other sessions to end (other test databases on
# the same PostgreSQL hold the horizon back while they write).
PATIENCE_SECONDS = 60


class Mirror:
    """What a site that copies the directory keeps: each published cluster's record by its
    id, read from the changes API a page at a time, from where it stopped."""

    def __init__(self, client, page_size=None):
        self.client = client
        self.page_size = page_size
        self.clusters = {}
        self.cursor = None
        self.pages = 0

    def sync(self):
        """Apply every change there is now; return the changes read, in order."""
        read = []
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            query = {"since": self.cursor} if self.cursor else {}
            if self.page_size:
                query["page_size"] = self.page_size
            response = self.client.get(CHANGES, query)
            assert response.status_code == 200
            page = response.json()
            self.pages += 1
            for change in page["changes"]:
                if change["change"] == "published":
                    self.clusters[change["id"]] = change["cluster"]
                else:
                    self.clusters.pop(change["id"], None)
            read += page["changes"]
            self.cursor = page["cursor"]
            if page["more"]:
                continue
            if not page["waiting"]:
                return read
            assert time.monotonic() < deadline, "changes held back for a minute"
            time.sleep(0.1)


def json_api_records(client):
    """{url: record} of every published cluster, as the JSON API gives it."""
    found, address = {}, "/api/clusters.json?page_size=1000"
    while address:
        page = client.get(address).json()
        found |= {record["url"]: record for record in page["clusters"]}
        address = page["next"]
    return found


def in_step(client, mirror):
    assert {record["url"]: record for record in mirror.clusters.values()} == json_api_records(
        client
    )
    assert set(mirror.clusters) == set(Cluster.objects.published().values_list("pk", flat=True))


@pytest.fixture
def mirror(client):
    mirror = Mirror(client)
    mirror.sync()
    return mirror


def as_described(client, page):
    """The page is what /api/openapi.json says the changes API answers."""
    document = client.get("/api/openapi.json").json()
    media = "application~1json"
    schema = {
        **document,
        "$ref": f"#/paths/~1api~1changes.json/get/responses/200/content/{media}/schema",
    }
    OAS31Validator(schema).validate(page)


def kinds(changes):
    return [(change["id"], change["change"]) for change in changes]


def test_a_mirror_from_the_beginning_holds_exactly_the_published_clusters(client, make_cluster):
    make_cluster(name="Published")
    make_cluster(name="Pending", status=Cluster.Status.PENDING)
    archived = make_cluster(name="Archived later")
    moderation.archive(archived)

    mirror = Mirror(client, page_size=1)
    mirror.sync()

    in_step(client, mirror)
    assert "Archived later" not in {record["name"] for record in mirror.clusters.values()}
    assert mirror.pages >= 2


def test_publish_edit_archive_reject_and_merge_each_appear_once_in_order(
    client, make_cluster, mirror
):
    waiting = make_cluster(name="Waiting", status=Cluster.Status.PENDING)
    edited = make_cluster(name="Edited")
    archived = make_cluster(name="Archived")
    rejected = make_cluster(name="Rejected")
    merged = make_cluster(name="Merged")
    merged_id = merged.pk
    kept = make_cluster(name="Kept")
    mirror.sync()
    before = mirror.cursor

    moderation.publish(waiting)
    edited.city = "Lyon"
    curation.save(edited, by=None)
    moderation.archive(archived)
    moderation.reject(rejected, "Not a cluster after all.")
    merging.merge(kept, merged)
    changes = mirror.sync()

    assert kinds(changes) == [
        (waiting.pk, "published"),
        (edited.pk, "published"),
        (archived.pk, "withdrawn"),
        (rejected.pk, "withdrawn"),
        (merged_id, "withdrawn"),
        (kept.pk, "published"),
    ]
    assert changes[1]["cluster"]["city"] == "Lyon"
    assert changes[2]["url"] == "http://testserver/clusters/archived/"
    assert changes[2]["merged_into"] is None
    assert changes[4]["url"] == "http://testserver/clusters/merged/"
    assert changes[4]["merged_into"] == "http://testserver/clusters/kept/"
    in_step(client, mirror)
    page = client.get(CHANGES, {"since": before}).json()
    assert page["changes"] == changes
    as_described(client, page)
    # Read again from there, nothing is new.
    assert mirror.sync() == []


def test_a_cluster_changed_twice_is_listed_once_at_its_latest_change(client, make_cluster, mirror):
    first = make_cluster(name="First")
    second = make_cluster(name="Second")
    first.city = "Lyon"
    first.save()

    assert kinds(mirror.sync()) == [(second.pk, "published"), (first.pk, "published")]
    in_step(client, mirror)


def test_a_rename_keeps_its_id_and_a_deleted_cluster_is_withdrawn(client, make_cluster, mirror):
    renamed = make_cluster(name="Old name")
    deleted = make_cluster(name="Deleted")
    deleted_id = deleted.pk
    mirror.sync()

    renamed.slug = "new-name"
    renamed.save()
    deleted.delete()

    assert kinds(mirror.sync()) == [(renamed.pk, "published"), (deleted_id, "withdrawn")]
    assert mirror.clusters[renamed.pk]["url"] == "http://testserver/clusters/new-name/"
    in_step(client, mirror)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
def test_a_change_committed_after_a_later_one_is_not_skipped(client, make_cluster, mirror):
    slow = make_cluster(name="Slow")
    mirror.sync()
    written, commit = threading.Event(), threading.Event()

    def slow_edit():
        with transaction.atomic():
            slow.city = "Lyon"
            slow.save()
            written.set()
            commit.wait(timeout=PATIENCE_SECONDS)
        connection.close()

    thread = threading.Thread(target=slow_edit)
    thread.start()
    written.wait(timeout=PATIENCE_SECONDS)
    fast = make_cluster(name="Fast")

    # The fast change is committed, but a mirror that read it now would never be given the
    # slow one, which comes before it: it waits.
    page = client.get(CHANGES, {"since": mirror.cursor}).json()
    assert page["changes"] == []
    assert page["waiting"]
    commit.set()
    thread.join()

    assert kinds(mirror.sync()) == [(slow.pk, "published"), (fast.pk, "published")]
    assert mirror.clusters[slow.pk]["city"] == "Lyon"


def test_with_the_page_cache_on_a_mirror_still_sees_each_change(
    client, settings, make_cluster, mirror
):
    settings.PAGE_CACHE_SECONDS = 3600
    cluster = make_cluster(name="Cached")
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    cursor = mirror.cursor
    assert client.get(CHANGES, {"since": cursor}).json()["changes"] == []

    moderation.archive(cluster)

    assert kinds(mirror.sync()) == [(cluster.pk, "withdrawn")]
    in_step(client, mirror)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
def test_a_page_that_waits_is_not_kept_in_the_page_cache(client, settings, make_cluster, mirror):
    settings.PAGE_CACHE_SECONDS = 3600
    written, commit = threading.Event(), threading.Event()

    def slow_write():
        with transaction.atomic():
            make_cluster(name="Slow")
            written.set()
            commit.wait(timeout=PATIENCE_SECONDS)
        connection.close()

    thread = threading.Thread(target=slow_write)
    thread.start()
    written.wait(timeout=PATIENCE_SECONDS)
    fast = make_cluster(name="Fast")
    waiting = client.get(CHANGES, {"since": mirror.cursor})
    commit.set()
    thread.join()

    assert waiting.json()["waiting"]
    assert "private" in waiting["Cache-Control"]
    assert [change["cluster"]["name"] for change in mirror.sync()] == ["Slow", "Fast"]
    assert fast.pk in mirror.clusters


def test_a_cluster_never_published_is_not_listed(client, make_cluster, mirror):
    draft = make_cluster(name="Draft", status=Cluster.Status.DRAFT)
    draft.city = "Lyon"
    draft.save()
    moderation.reject(draft, "A test.")

    assert mirror.sync() == []


def test_member_changes_and_organisation_edits_reach_the_mirror(client, make_cluster, mirror):
    cluster = make_cluster(name="With members", country="IT")
    other = make_cluster(name="Other", country="IT")
    mirror.sync()

    members.set_members(
        cluster,
        [{"name": "Cooperativa Alfa", "type": "social_economy_enterprise", "country": "IT"}],
    )
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert [member["name"] for member in mirror.clusters[cluster.pk]["members"]] == [
        "Cooperativa Alfa"
    ]

    organisation = Organisation.objects.get(name="Cooperativa Alfa")
    organisation.website = "https://alfa.example"
    organisation.save()
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    in_step(client, mirror)

    organisation.delete()
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert mirror.clusters[cluster.pk]["members"] == []
    assert other.pk not in [change for change, _ in kinds(mirror.sync())]


def test_thematic_areas_joined_shown_or_hidden_reach_the_mirror(client, make_cluster, mirror):
    area = ThematicArea.objects.create(name="Local food", status=ThematicArea.Status.ACTIVE)
    cluster = make_cluster(name="Joining")
    mirror.sync()

    join_requests.accept(
        JoinRequest.objects.filter(
            pk=JoinRequest.objects.create(
                thematic_area=area, cluster=cluster, email="a@example.org"
            ).pk
        )
    )
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert mirror.clusters[cluster.pk]["thematic_areas"] == [area.slug]

    area.status = ThematicArea.Status.PROPOSED
    area.save()
    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert mirror.clusters[cluster.pk]["thematic_areas"] == []
    in_step(client, mirror)


def test_staff_edits_in_the_admin_reach_the_mirror(client, settings, make_cluster, mirror):
    settings.SECURE_SSL_REDIRECT = False
    cluster = make_cluster(name="Edited by staff")
    mirror.sync()
    # A superuser: the staff roles' groups, which a migration makes, go when the database
    # is emptied after a test that commits.
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "password"))
    url, data = change_form(client, cluster)

    client.post(url, {**data, "city": "Marseille", "_save": "Save"})
    client.logout()

    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert mirror.clusters[cluster.pk]["city"] == "Marseille"


def test_the_contacts_edits_through_the_manage_link_reach_the_mirror(client, make_cluster, mirror):
    cluster = make_cluster(name="Kept true", submitter_email="contact@example.org")
    mirror.sync()
    page = get_page(client, manage_url(cluster))
    members = {
        "members-0-name": "Cooperativa Alfa",
        "members-0-type": "social_economy_enterprise",
        "members-1-name": "Comune di Grenoble",
        "members-1-type": "local_authority",
    }
    done = submit(client, page, edit_form(page), {"city": "Grenoble", **members})
    assert done.response.status_code == 302
    mail.outbox.clear()
    client.cookies.clear()

    assert kinds(mirror.sync()) == [(cluster.pk, "published")]
    assert mirror.clusters[cluster.pk]["city"] == "Grenoble"
    assert len(mirror.clusters[cluster.pk]["members"]) == 2


def test_page_after_page_costs_the_same_queries(client, make_cluster, django_assert_num_queries):
    for number in range(6):
        make_cluster(name=f"Cluster {number}")
    mirror = Mirror(client, page_size=2)
    # Once every change is handed out (other sessions' writes may hold them back a moment).
    first = mirror.sync()[:2]
    last_but_one = ClusterChange.objects.order_by("transaction", "id")
    before_last = last_but_one[len(last_but_one) - 3]
    far = f"{before_last.transaction}-{before_last.id}"

    # The changes; the records; their fields of activity; their thematic areas; their members.
    with django_assert_num_queries(5):
        page_one = client.get(CHANGES, {"page_size": 2})
    with django_assert_num_queries(5):
        page_far = client.get(CHANGES, {"page_size": 2, "since": far})
    assert len(page_one.json()["changes"]) == len(page_far.json()["changes"]) == 2
    assert page_one.json()["changes"] == first


@pytest.mark.parametrize(
    "cursor", ["abc", "1-", "-1-2", "1-2-3", "99999999999999999999-1", "1.5-2", " 1-2"]
)
def test_a_bad_cursor_is_refused_with_a_json_error(client, cursor):
    response = client.get(CHANGES, {"since": cursor})

    assert response.status_code == 400
    assert "cursor" in response.json()["error"]


def test_the_changes_state_their_licence(client, settings):
    response = client.get(CHANGES)

    assert response["Link"] == f'<{settings.DATA_LICENSE}>; rel="license"'
    assert response.json()["license"] == settings.DATA_LICENSE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_a_page_is_read_from_the_index_from_its_cursor(make_cluster):
    for number in range(3):
        make_cluster(name=f"Cluster {number}")
    transaction_id, id = ClusterChange.objects.order_by("transaction", "id").values_list(
        "transaction", "id"
    )[1]
    page = ClusterChange.objects.latest_of_each_cluster().after(transaction_id, id)[:101]

    with transaction.atomic(), connection.cursor() as cursor:
        # As on a large table: on three rows any plan would do.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = page.explain()

    assert "Index Cond: (ROW(transaction, id) > ROW(" in plan
    assert "cluster_change_position_idx" in plan
