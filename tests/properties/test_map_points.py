"""The box and the grid, worked out in memory from the points the facet index keeps, are what
the database finds: for any filters and any box, the clusters inside it are those the
database's own condition finds (clusters.filters.within), and each grid cell gathers exactly
the clusters whose point falls in it.

Property tests: `make fuzz` tries a thousand combinations (see tests/conftest.py).
"""

import math
from collections import defaultdict

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from clusters.listing import ClusterListing
from clusters.map_data import cell_size
from clusters.models import Cluster
from core.places import map_point
from tests.properties.listing_queries import choices, list_queries

pytestmark = pytest.mark.usefixtures("generated_clusters")


def boxes():
    """(west, south, east, north), with edges that fall on clusters' own coordinates too:
    a cluster on the edge is inside."""
    placed = Cluster.objects.published().exclude(latitude__isnull=True)
    latitudes = sorted({float(value) for value in placed.values_list("latitude", flat=True)})
    longitudes = sorted({float(value) for value in placed.values_list("longitude", flat=True)})

    def edges(values, low, high):
        return st.lists(
            st.one_of(st.sampled_from(values), st.floats(low, high)),
            min_size=2,
            max_size=2,
            unique=True,
        ).map(sorted)

    return st.builds(
        lambda longitude, latitude: (longitude[0], latitude[0], longitude[1], latitude[1]),
        edges(longitudes, -180, 180),
        edges(latitudes, -90, 90),
    )


def text(bbox):
    return ",".join(repr(edge) for edge in bbox)


@pytest.mark.django_db
def test_the_clusters_inside_a_box_are_those_the_database_finds():
    @given(query=list_queries(choices(), most_values=2), bbox=boxes())
    def check(query, bbox):
        query["bbox"] = text(bbox)
        listing = ClusterListing(query)

        # The page's rows are read with the filters' own condition, the box's among them.
        in_sql = set(listing.clusters.values_list("pk", flat=True))
        assert set(listing.ids) == in_sql
        assert listing.total == len(in_sql)

    check()


def gathered_in_python(query, zoom, bbox):
    """{cell: (ids, approximate, countries)} from the database's rows, one by one."""
    height, width = cell_size(zoom, bbox)
    west, south, east, north = bbox
    cells = defaultdict(lambda: ([], [], set()))
    rows = ClusterListing(query).clusters.with_map_precision()
    for pk, latitude, longitude, country, precision in rows.values_list(
        "pk", "latitude", "longitude", "country", "map_precision"
    ):
        point = map_point(latitude, longitude, country)
        if point is None or not (south <= point[0] <= north and west <= point[1] <= east):
            continue
        ids, approximate, countries = cells[
            math.floor(point[0] / height), math.floor(point[1] / width)
        ]
        ids.append(pk)
        approximate.append(precision != Cluster.MapPrecision.CITY)
        countries.add(country)
    return cells


@pytest.mark.django_db
def test_each_cell_of_the_grid_gathers_the_clusters_whose_point_falls_in_it():
    client = Client()

    @given(
        query=list_queries(choices(), most_values=2),
        zoom=st.integers(0, 12),
        bbox=boxes(),
    )
    def check(query, zoom, bbox):
        expected = gathered_in_python(query, zoom, bbox)
        query["zoom"], query["bbox"] = str(zoom), text(bbox)
        features = client.get(f"/api/clusters/grid.geojson?{query.urlencode()}").json()["features"]

        cells = [feature["properties"] for feature in features if "count" in feature["properties"]]
        alone = {
            feature["properties"]["url"].rstrip("/").rsplit("/", 1)[1]
            for feature in features
            if "url" in feature["properties"]
        }
        assert sorted(cell["count"] for cell in cells) == sorted(
            len(ids) for ids, _, _ in expected.values() if len(ids) > 1
        )
        assert sum(cell["approximate"] for cell in cells) == sum(
            sum(approximate) for ids, approximate, _ in expected.values() if len(ids) > 1
        )
        singles = [ids[0] for ids, _, _ in expected.values() if len(ids) == 1]
        assert alone == set(Cluster.objects.filter(pk__in=singles).values_list("slug", flat=True))
        one_country = [
            next(iter(countries))
            for ids, _, countries in expected.values()
            if len(ids) > 1 and len(countries) == 1 and "" not in countries
        ]
        assert sorted(cell["country"] for cell in cells if "country" in cell) == sorted(one_country)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("corner", ["south-west", "north-east"])
def test_a_cluster_on_the_edge_of_the_box_is_inside_it(client, corner):
    cluster = Cluster.objects.published().exclude(latitude__isnull=True).first()
    latitude, longitude = float(cluster.latitude), float(cluster.longitude)
    if corner == "south-west":
        bbox = (longitude, latitude, longitude + 1, latitude + 1)
    else:
        bbox = (longitude - 1, latitude - 1, longitude, latitude)

    assert cluster.pk in ClusterListing(QueryDict(f"bbox={text(bbox)}")).ids
    grid = client.get(f"/api/clusters/grid.geojson?zoom=12&bbox={text(bbox)}").json()
    assert cluster.get_absolute_url() in {
        feature["properties"].get("url", "").removeprefix("http://testserver")
        for feature in grid["features"]
    }
