"""The page cache: public pages and open data kept until the directory changes."""

import gzip
import time
import uuid
from contextlib import contextmanager, suppress

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster
from clusters.services import moderation
from clusters.services.members import set_members
from clusters.services.self_service import manage_url
from core.page_cache import VERSION_SECONDS
from tests.conftest import closed_port
from tests.pages import get_page, submit

LIST = "/clusters/"
MAP = "/clusters/map/"
GEOJSON = "/api/clusters.geojson"
JSON = "/api/clusters.json"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose end runs what a commit would: the callbacks its writes registered, and
    the new version of the directory, which a write before the block may have asked for
    first (the test's transaction never commits)."""

    @contextmanager
    def commit():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        for _, callback, _ in transaction.get_connection().run_on_commit:
            if getattr(callback, "pending", False):
                callback()

    return commit


@pytest.fixture
def published(make_cluster, committed):
    """A cluster published the way staff do: saved, then committed."""

    def publish(name, **fields):
        with committed():
            return make_cluster(name=name, **fields)

    return publish


def names_listed(client, query=""):
    page = get_page(client, LIST + query)
    return {link.get_text(strip=True) for link in page.soup.select(".cluster-card__name a")}


def test_a_page_seen_before_is_sent_from_the_cache_in_one_query(
    anonymous, seed, page_cache, django_assert_num_queries
):
    first = anonymous.get(LIST + "?country=FR")

    # 1. the directory's version and the page stored under the address, together.
    with django_assert_num_queries(1):
        again = anonymous.get(LIST + "?country=FR")

    assert again.content == first.content
    assert again["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize(
    "address",
    [
        "/",
        LIST,
        LIST + "?country=FR&sort=-updated",
        MAP,
        "/clusters/figeacteurs/",
        "/themes/",
        "/cases/",
        "/about/",
        "/privacy/",
        GEOJSON,
        JSON,
        "/api/clusters/grid.geojson?zoom=3",
        "/sitemap.xml",
        "/sitemap-clusters.xml",
    ],
)
def test_every_public_page_and_open_data_is_cached(
    anonymous, seed, page_cache, django_assert_num_queries, address
):
    first = anonymous.get(address)
    assert first.status_code == 200

    with django_assert_num_queries(1):
        again = anonymous.get(address)

    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_a_new_cluster_is_on_the_list_the_map_and_the_open_data_at_once(
    anonymous, empty_directory, page_cache, published
):
    published("First", latitude=45, longitude=2)
    for address in (LIST, MAP, GEOJSON, JSON, "/"):
        anonymous.get(address)

    published("Second", latitude=46, longitude=3)

    assert names_listed(anonymous) == {"First", "Second"}
    assert "Second" in anonymous.get(MAP).content.decode()
    features = anonymous.get(GEOJSON).json()["features"]
    assert {feature["properties"]["name"] for feature in features} == {"First", "Second"}
    assert anonymous.get(JSON).json()["count"] == 2
    assert "Second" in anonymous.get("/").content.decode()


def test_a_changed_member_shows_on_the_cluster_page_at_once(
    anonymous, empty_directory, page_cache, published, committed
):
    cluster = published("Figeacteurs")
    address = cluster.get_absolute_url()
    assert "Mairie de Figeac" not in anonymous.get(address).content.decode()

    with committed():
        set_members(
            cluster, [{"name": "Mairie de Figeac", "type": "public_authority", "country": "FR"}]
        )

    assert "Mairie de Figeac" in anonymous.get(address).content.decode()


def test_a_write_that_is_rolled_back_leaves_the_cached_pages(
    anonymous, empty_directory, page_cache, published, committed
):
    published("First")
    anonymous.get(LIST)
    version = caches["pages"].get("directory-version")

    with committed(), suppress(DatabaseError), transaction.atomic():
        Cluster.objects.create(name="Never saved", status=Cluster.Status.PUBLISHED)
        raise DatabaseError("the write fails")

    assert caches["pages"].get("directory-version") == version
    assert names_listed(anonymous) == {"First"}


def test_a_removed_cluster_leaves_the_cached_list_at_once(
    anonymous, empty_directory, page_cache, published, committed
):
    published("Stays")
    leaves = published("Leaves")
    assert names_listed(anonymous) == {"Stays", "Leaves"}

    with committed():
        moderation.archive(leaves)

    assert names_listed(anonymous) == {"Stays"}
    assert anonymous.get(leaves.get_absolute_url()).status_code == 404


def test_demo_data_written_in_bulk_shows_at_once(anonymous, empty_directory, page_cache, committed):
    assert anonymous.get(JSON).json()["count"] == 0

    with committed():
        call_command("generate_demo_data", clusters=3, stdout=None)

    assert anonymous.get(JSON).json()["count"] == 3


def test_a_browser_that_accepts_gzip_gets_the_page_compressed(anonymous, seed, page_cache):
    plain = anonymous.get(LIST)
    compressed = anonymous.get(LIST, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 4


def test_a_page_built_for_the_request_is_compressed_too(anonymous, seed):
    response = anonymous.get("/clusters/register/", headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(response.content)


def test_a_browser_that_has_the_page_is_told_it_has_not_changed(anonymous, seed, page_cache):
    first = anonymous.get(GEOJSON)

    again = anonymous.get(GEOJSON, headers={"If-None-Match": first["ETag"]})
    other = anonymous.get(GEOJSON + "?country=FR", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert other.status_code == 200


def test_the_same_data_gives_the_same_etag_after_a_change_elsewhere(
    anonymous, seed, page_cache, committed
):
    first = anonymous.get(GEOJSON + "?country=FR")
    with committed():
        Cluster.objects.get(name="Impact Noord").save()

    assert anonymous.get(GEOJSON + "?country=FR")["ETag"] == first["ETag"]


def test_parameters_that_change_nothing_find_the_same_page(
    anonymous, seed, page_cache, django_assert_num_queries
):
    anonymous.get(LIST + "?country=FR&model=ptce")

    with django_assert_num_queries(1):
        anonymous.get(LIST + "?model=ptce&utm_source=newsletter&country=FR")


def test_with_a_new_secret_key_a_kept_page_of_the_api_is_not_served(
    anonymous, seed, page_cache, settings
):
    anonymous.get(JSON + "?page_size=5")  # kept, its `next` signed with the key of then

    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    following = anonymous.get(JSON + "?page_size=5").json()["next"]

    assert anonymous.get(following).status_code == 200


def test_a_page_with_a_form_is_built_for_each_visitor(anonymous, seed, page_cache):
    address = "/themes/skills/"

    first = get_page(anonymous, address)
    second = get_page(Client(), address)

    token = "input[name=csrfmiddlewaretoken]"
    assert first.soup.select_one(token)["value"] != second.soup.select_one(token)["value"]


def test_signed_in_staff_get_pages_built_for_them(editor, seed, page_cache):
    anonymous = Client()
    draft = Cluster.objects.create(name="Draft in review", status=Cluster.Status.PENDING)
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    anonymous.get(LIST)

    preview = get_page(editor, draft.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        get_page(editor, LIST)

    assert "Draft in review" in preview.text
    # The session, the user, and the list built again rather than read from the cache.
    assert len(queries) > 1


def test_a_contact_who_confirms_sees_the_thanks_and_the_public_the_new_date(
    client, anonymous, seed, page_cache, committed
):
    cluster = Cluster.objects.get(slug="torino-social-impact")
    cluster.submitter_email = "coordination@torino.example"
    cluster.save()
    address = cluster.get_absolute_url()
    assert "Not yet verified" in get_page(anonymous, address).text
    page = get_page(client, manage_url(cluster))
    confirm = page.soup.find("input", attrs={"value": "confirm"}).find_parent("form")

    with committed():
        done = submit(client, page, confirm)
    shown = get_page(client, done.response["Location"])

    assert "the entry now shows that you verified it today" in shown.text
    assert "Not yet verified" not in shown.text
    public = get_page(Client(), address)
    assert "Not yet verified" not in public.text
    assert "verified it today" not in public.text


def test_pages_are_kept_in_redis_when_cache_url_names_it(
    anonymous,
    empty_directory,
    page_cache,
    published,
    settings,
    django_assert_num_queries,
    redis_url,
):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    published("First")
    anonymous.get(LIST)

    # Nothing from the database: the version and the page are in Redis.
    with django_assert_num_queries(0):
        assert names_listed(anonymous) == {"First"}
    published("Second")

    assert names_listed(anonymous) == {"First", "Second"}


def test_with_the_cache_down_pages_are_built_for_each_request(
    anonymous, seed, page_cache, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
    }

    response = anonymous.get(LIST)

    assert response.status_code == 200
    assert "Figeacteurs" in response.content.decode()


def test_with_the_page_cache_off_every_page_is_built(anonymous, seed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    anonymous.get(LIST)

    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST)

    assert "ETag" not in response
    assert len(queries) > 1


def test_a_change_made_while_redis_is_down_shows_to_every_visitor_once_it_is_back(
    anonymous, empty_directory, page_cache, published, settings, redis_url
):
    in_redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {**settings.CACHES, "pages": in_redis}
    published("First")
    assert names_listed(anonymous) == {"First"}
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**in_redis, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"},
    }

    published("Second")

    settings.CACHES = {**settings.CACHES, "pages": in_redis}
    with time_machine.travel(time.time() + VERSION_SECONDS + 1):
        assert names_listed(anonymous) == {"First", "Second"}
