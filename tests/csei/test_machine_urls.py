"""The addresses machines read: /healthz, /robots.txt and /sitemap.xml."""

import xml.etree.ElementTree as ElementTree

import pytest
from django.core.cache import caches
from django.db import DatabaseError, connections

from cases.models import CaseStudy
from clusters.models import Cluster
from clusters.services.members import set_members
from csei.sitemaps import ClusterSitemap
from themes.models import ThematicArea

SITEMAP_NAMESPACE = {"sitemap": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def broken_database(db):
    def cursor(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    # Mended before the test database is rolled back, which needs a cursor.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", cursor)
        yield


@pytest.fixture
def shared_cache(settings):
    settings.CACHE_URL = "redis://127.0.0.1:6379/0"


def test_healthz_answers_ok_while_the_database_answers(anonymous, db):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_a_head_request(anonymous, db):
    response = anonymous.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


def test_healthz_answers_503_when_the_database_does_not(anonymous, broken_database):
    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert b"database" in response.content


def test_healthz_checks_a_shared_cache_when_one_is_set(anonymous, db, shared_cache):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert caches["default"].get("healthz") == "ok"


def test_healthz_answers_503_when_the_shared_cache_fails(anonymous, db, shared_cache, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(type(caches["default"]), "set", fail)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert b"cache" in response.content
    assert b"database" not in response.content


def test_healthz_answers_503_when_the_shared_cache_loses_what_it_is_given(
    anonymous, db, shared_cache, monkeypatch
):
    monkeypatch.setattr(type(caches["default"]), "get", lambda *args, **kwargs: None)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert b"cache" in response.content


def test_healthz_ignores_the_local_cache_when_no_shared_one_is_set(anonymous, db, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(type(caches["default"]), "set", fail)

    assert anonymous.get("/healthz").status_code == 200


def test_healthz_names_both_when_database_and_cache_fail(
    anonymous, broken_database, shared_cache, monkeypatch
):
    def fail(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(type(caches["default"]), "set", fail)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"unavailable: database, cache\n"


def test_healthz_answers_ok_with_a_real_redis_cache(anonymous, db, settings, redis_url):
    settings.CACHE_URL = redis_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
    }

    response = anonymous.get("/healthz")

    assert response.content == b"ok\n"


def test_healthz_answers_over_plain_http_when_the_site_redirects_to_https(anonymous, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/about/").status_code == 301


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(anonymous, db):
    response = anonymous.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_answers_only_get(anonymous, db):
    assert anonymous.post("/robots.txt").status_code == 405


def xml_locations(client, address, element):
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [
        location.text
        for location in root.findall(f"sitemap:{element}/sitemap:loc", SITEMAP_NAMESPACE)
    ]


def sitemap_files(client):
    """The sitemaps the index at /sitemap.xml names, as a crawler reads it."""
    return xml_locations(client, "/sitemap.xml", "sitemap")


def sitemap_locations(client):
    """Every address of every sitemap of the index."""
    return [
        location
        for sitemap in sitemap_files(client)
        for location in xml_locations(client, sitemap, "url")
    ]


def test_the_sitemap_lists_every_public_page_once(anonymous, seed):
    locations = sitemap_locations(anonymous)
    paths = {location.removeprefix("http://testserver") for location in locations}

    assert len(locations) == len(paths)
    static_pages = {
        "/", "/clusters/", "/organisations/", "/themes/", "/cases/", "/about/", "/privacy/",
    }  # fmt: skip
    clusters = {cluster.get_absolute_url() for cluster in Cluster.objects.published()}
    organisations = {"/organisations/unimos-foundation/"}
    themes = {theme.get_absolute_url() for theme in ThematicArea.objects.public()}
    cases = {case.get_absolute_url() for case in CaseStudy.objects.published()}
    assert (len(clusters), len(themes), len(cases)) == (62, 7, 4)
    english = static_pages | clusters | organisations | themes | cases
    assert paths == english | {
        f"/{code}{path}" for path in english for code in ("fr", "de", "es", "it", "pl")
    }


def test_each_address_of_the_sitemap_names_its_other_languages(anonymous, seed):
    response = anonymous.get("/sitemap-themes.xml")
    root = ElementTree.fromstring(response.content)
    namespaces = {**SITEMAP_NAMESPACE, "xhtml": "http://www.w3.org/1999/xhtml"}
    entry = next(
        url
        for url in root.findall("sitemap:url", namespaces)
        if url.find("sitemap:loc", namespaces).text.startswith("http://testserver/pl/")
    )
    path = entry.find("sitemap:loc", namespaces).text.removeprefix("http://testserver/pl")
    alternates = {
        link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", namespaces)
    }
    assert alternates == {
        "en": f"http://testserver{path}",
        **{code: f"http://testserver/{code}{path}" for code in ("fr", "de", "es", "it", "pl")},
        "x-default": f"http://testserver{path}",
    }


def test_the_sitemap_leaves_out_what_the_public_may_not_see(anonymous, make_cluster):
    published = make_cluster(name="Published cluster")
    hidden = [
        make_cluster(name=f"Hidden {status}", status=status)
        for status in Cluster.Status
        if status != Cluster.Status.PUBLISHED
    ]
    set_members(hidden[0], [{"name": "Hidden member", "type": "other", "country": "FR"}])
    proposed = ThematicArea.objects.create(name="Proposed theme", status="proposed")
    draft = CaseStudy.objects.create(title="Draft case", status=CaseStudy.Status.DRAFT)

    paths = {
        location.removeprefix("http://testserver") for location in sitemap_locations(anonymous)
    }

    assert published.get_absolute_url() in paths
    for cluster in hidden:
        assert cluster.get_absolute_url() not in paths
    assert "/organisations/hidden-member/" not in paths
    assert proposed.get_absolute_url() not in paths
    assert draft.get_absolute_url() not in paths


def test_the_sitemap_is_an_index_of_one_file_a_section(anonymous, seed):
    assert sitemap_files(anonymous) == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "clusters", "organisations", "themes", "cases")
    ]


def test_a_section_longer_than_the_limit_is_split_in_files_of_the_limit(
    anonymous, seed, monkeypatch
):
    # 62 clusters in six languages: 372 addresses.
    monkeypatch.setattr(ClusterSitemap, "limit", 150)

    files = sitemap_files(anonymous)
    cluster_files = [address for address in files if "sitemap-clusters" in address]

    assert cluster_files == [
        "http://testserver/sitemap-clusters.xml",
        "http://testserver/sitemap-clusters.xml?p=2",
        "http://testserver/sitemap-clusters.xml?p=3",
    ]
    counts = [len(xml_locations(anonymous, address, "url")) for address in cluster_files]
    assert counts == [150, 150, 72]


def test_the_index_reads_the_same_queries_whatever_the_number_of_clusters(
    anonymous, seed, django_assert_num_queries
):
    # 1-3. the newest change of the clusters, the thematic areas and the case studies;
    # 4-7. how many of each and of the public organisations, to know how many files they
    # take.
    with django_assert_num_queries(7):
        anonymous.get("/sitemap.xml")


def test_every_address_in_the_sitemap_answers(anonymous, seed):
    for location in sitemap_locations(anonymous):
        assert anonymous.get(location).status_code == 200, location
