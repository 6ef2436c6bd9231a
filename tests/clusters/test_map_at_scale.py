"""The map at 10,000 clusters: its data stays small, its queries few, its page the same size.

Ten thousand clusters as generate_demo_data makes them (names, places, precisions), without
their members, which the map does not show: made once for this module in a transaction
rolled back after it.
"""

import gzip
import json
import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clusters.demo.generator import DemoData
from clusters.models import Cluster
from core.page_cache import directory_changed

GENERATED = 10_000
POINTS = "/api/clusters.geojson"


@pytest.fixture(scope="module", autouse=True)
def generated_clusters(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo = DemoData(random.Random(9))
        Cluster.objects.bulk_create(
            (demo.cluster(demo.tags()) for _ in range(GENERATED)), batch_size=1000
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def placed(db):
    """How many published clusters the map places."""
    return Cluster.objects.published().exclude(latitude__isnull=True, country="").count()


@pytest.mark.django_db
def test_the_geojson_of_every_cluster_is_small_once_compressed(client, placed, settings):
    settings.DATA_FILES = True  # as production serves it: the whole file, built once
    response = client.get(POINTS, headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) <= 300 * 1024
    assert gzip.decompress(response.content).count(b'"Feature"') == placed > GENERATED


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?country=FR&precision=city&eccp=yes&q=green"])
def test_the_geojson_runs_four_queries_whatever_it_holds(client, query):
    client.get(POINTS + query)  # builds the facet index of this version

    with CaptureQueriesContext(connection) as queries:
        response = client.get(POINTS + query)
        content = b"".join(response.streaming_content) if response.streaming else response.content

    # 1. the fields of activity and 2. the public thematic areas, which the filters offer;
    # 3. the directory's version, under which the facet index that counts them is kept;
    # 4. the clusters; a search adds 5. the ids it finds, for the count, and on PostgreSQL
    # 6. the version again, under which the index of frequent words is kept, and 7. whether
    # a cluster holds every word (else names close to them are found): these are rare. The
    # thousands of the whole map are streamed as they are read; the few of the filtered one
    # built whole (and kept: tests/core/test_page_cache.py).
    searching = 3 if connection.vendor == "postgresql" else 1
    assert len(queries) == 4 + (searching if "q=" in query else 0)
    assert response.streaming == (query == "")
    assert json.loads(content)["type"] == "FeatureCollection"


@pytest.mark.django_db
@pytest.mark.parametrize("zoom", [3, 7, 12])
def test_the_grid_runs_at_most_four_queries_and_holds_every_cluster(client, placed, zoom):
    client.get("/api/clusters/grid.geojson?zoom=0")  # builds the facet index of this version

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/clusters/grid.geojson?zoom={zoom}")

    features = response.json()["features"]
    alone = [feature for feature in features if "count" not in feature["properties"]]
    # 1. the fields of activity and 2. the public thematic areas; 3. the directory's
    # version, under which the facet index keeps each cluster's point, which the cells are
    # gathered from; 4. the clusters alone in their cell, when a cell holds one (for none,
    # Django asks nothing).
    assert len(queries) == (4 if alone else 3)
    assert sum(feature["properties"].get("count", 1) for feature in features) == placed
    assert len(features) <= 5000


@pytest.mark.django_db
def test_the_map_page_weighs_the_same_at_a_thousand_and_ten_thousand_clusters(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get("/clusters/map/")  # builds the facet index of this version
    # 1. the fields of activity and 2. the public thematic areas; 3. the directory's
    # version, under which the facet index counts the facets and the total.
    with django_assert_num_queries(3):
        at_ten_thousand = client.get("/clusters/map/")
    published = Cluster.objects.published()
    with django_capture_on_commit_callbacks(execute=True):
        published.filter(pk__in=published.order_by("-pk").values("pk")[:9_000]).update(
            status=Cluster.Status.DRAFT
        )
        directory_changed()  # as every write in bulk says
    at_a_thousand = client.get("/clusters/map/")

    assert at_a_thousand.context["listing"].total == GENERATED + 62 - 9_000
    assert at_ten_thousand.context["listing"].total == GENERATED + 62
    # The same page but for its numbers, which have a digit more.
    assert abs(len(at_ten_thousand.content) - len(at_a_thousand.content)) < 500
    assert len(at_ten_thousand.content) < 100 * 1024
