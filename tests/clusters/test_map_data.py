"""The map's data: /api/clusters.geojson and /api/clusters/grid.geojson."""

import gzip
import json
from decimal import Decimal

import pytest

from clusters import map_data
from clusters.models import Cluster
from core.places import country_point

POINTS = "/api/clusters.geojson"
GRID = "/api/clusters/grid.geojson"


def features(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)["features"]


def by_name(client, url):
    """The features of single clusters, by name (a grid's cells of several have none)."""
    return {
        feature["properties"]["name"]: feature
        for feature in features(client, url)
        if "name" in feature["properties"]
    }


def total_on_the_grid(client, url):
    """How many clusters a grid answer holds: one per cluster's feature, `count` per cell."""
    return sum(feature["properties"].get("count", 1) for feature in features(client, url))


def test_a_cluster_known_only_by_its_country_is_at_the_countrys_point(
    client, empty_directory, make_cluster
):
    make_cluster(name="Somewhere in Croatia", country="HR")

    [feature] = features(client, POINTS)

    latitude, longitude = country_point("HR")
    assert feature["geometry"]["coordinates"] == [round(longitude, 1), round(latitude, 1)]
    assert feature["properties"]["precision"] == "country"


def test_coordinates_keep_only_the_decimals_their_precision_allows(
    client, empty_directory, make_cluster
):
    for precision in ("city", "region", "country"):
        make_cluster(
            name=precision,
            latitude=Decimal("44.60849"),
            longitude=Decimal("2.03151"),
            location_precision=precision,
        )

    found = by_name(client, POINTS)

    assert found["city"]["geometry"]["coordinates"] == [2.03, 44.61]
    assert found["region"]["geometry"]["coordinates"] == [2.0, 44.6]
    assert found["country"]["geometry"]["coordinates"] == [2.0, 44.6]
    assert {name: feature["properties"]["precision"] for name, feature in found.items()} == {
        "city": "city", "region": "region", "country": "country",
    }  # fmt: skip


def test_a_feature_says_what_the_popup_shows(client, empty_directory, make_cluster):
    make_cluster(
        name="Torino Social Impact",
        country="IT",
        city="Torino",
        region="Piedmont",
        latitude=Decimal("45.07"),
        longitude=Decimal("7.69"),
        location_precision="city",
        model=Cluster.Model.SOCIAL_INNOVATION_CLUSTER,
        eccp_registered=Cluster.EccpRegistration.YES,
        member_count=140,
    )
    make_cluster(name="Little known", country="IT")

    found = by_name(client, POINTS)

    assert found["Torino Social Impact"]["properties"] == {
        "name": "Torino Social Impact",
        "url": "http://testserver/clusters/torino-social-impact/",
        "precision": "city",
        "place": "Torino, Piedmont, Italy",
        "model": "Social innovation cluster",
        "eccp": "yes",
        "members": 140,
    }
    # What nobody knows is left out rather than said as "unknown".
    assert found["Little known"]["properties"] == {
        "name": "Little known",
        "url": "http://testserver/clusters/little-known/",
        "precision": "country",
        "place": "Italy",
    }


def test_the_map_pages_ask_for_the_words_and_links_in_their_language(
    client, empty_directory, make_cluster
):
    make_cluster(
        name="Torino Social Impact",
        country="IT",
        city="Torino",
        latitude=Decimal("45.07"),
        longitude=Decimal("7.69"),
        location_precision="city",
        model=Cluster.Model.SOCIAL_INNOVATION_CLUSTER,
    )

    for address in (f"{POINTS}?language=de", f"{GRID}?zoom=12&language=de"):
        [feature] = features(client, address)
        assert feature["properties"]["url"] == "http://testserver/de/clusters/torino-social-impact/"
        assert feature["properties"]["place"] == "Torino, Italien"
        assert feature["properties"]["model"] == "Cluster für soziale Innovation"
    # A language the site does not speak, or none, is English.
    [feature] = features(client, f"{POINTS}?language=xx")
    assert feature["properties"]["place"] == "Torino, Italy"


def test_a_filtered_geojson_of_more_clusters_than_the_map_asks_for_is_streamed(
    client, seed, monkeypatch
):
    built = client.get(f"{POINTS}?country=FR")
    assert not built.streaming
    monkeypatch.setattr(map_data, "STREAM_ABOVE", 2)
    monkeypatch.setattr(map_data, "STREAM_CHUNK", 3)

    streamed = client.get(f"{POINTS}?country=FR")

    assert streamed.streaming
    assert streamed["Content-Type"] == "application/geo+json"
    assert streamed["Link"].endswith('rel="license"')
    document = json.loads(b"".join(streamed.streaming_content))
    assert document == json.loads(built.content)
    assert len(document["features"]) > 3, "more than one chunk"


def test_the_geojson_follows_the_filters_of_the_list(client, seed):
    for query in ("?country=FR", "?precision=region", "?q=Arctic", "?eccp=yes&country=FI"):
        listed = client.get(f"/clusters/{query}").context["listing"].total

        assert len(features(client, POINTS + query)) == listed > 0, query


def test_it_is_compact_and_compressed_for_those_who_accept_it(client, seed):
    plain = client.get(POINTS)
    compressed = client.get(POINTS, headers={"Accept-Encoding": "gzip, deflate, br"})

    document = json.loads(plain.content)
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    assert plain.content == compact
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"]


def test_the_grid_holds_every_filtered_cluster_at_every_zoom(client, seed):
    for query in ("", "&country=FR", "&precision=country", "&q=social"):
        placed = len(features(client, f"{POINTS}?{query}"))
        for zoom in (0, 3, 6, 12, 18):
            assert total_on_the_grid(client, f"{GRID}?zoom={zoom}{query}") == placed, (query, zoom)


def test_a_cell_with_one_cluster_is_that_clusters_feature(client, seed):
    single = by_name(client, f"{GRID}?zoom=18&bbox=7.6,45,7.7,45.1")
    points = by_name(client, POINTS)

    assert single["Torino Social Impact"] == points["Torino Social Impact"]


def test_a_cell_with_several_clusters_counts_them_and_those_placed_approximately(
    client, empty_directory, make_cluster
):
    make_cluster(name="Town", latitude=45.1, longitude=2.1, location_precision="city")
    make_cluster(name="Region", latitude=45.2, longitude=2.2, location_precision="region")
    make_cluster(name="Beside", latitude=45.3, longitude=2.3, country="ES")

    [cell] = features(client, f"{GRID}?zoom=4")

    assert cell["properties"] == {"count": 3, "approximate": 1}
    assert cell["geometry"]["coordinates"] == [2.2, 45.2]


def test_a_cell_in_one_country_names_it(client, empty_directory, make_cluster):
    make_cluster(name="One", latitude=45.1, longitude=2.1)
    make_cluster(name="Two", latitude=45.2, longitude=2.2)
    # Known only by its country, placed at France's point, which is in the same cell.
    make_cluster(name="Three")

    [cell] = features(client, f"{GRID}?zoom=2")

    assert cell["properties"] == {"count": 3, "approximate": 1, "country": "FR"}


def test_the_grid_says_the_extent_of_the_clusters_it_gathers(client, empty_directory, make_cluster):
    make_cluster(name="Lisboa", country="PT", latitude=38.72, longitude=-9.14)
    make_cluster(name="Helsinki", country="FI", latitude=60.17, longitude=24.94)
    # At Türkiye's point, east of the others.
    make_cluster(name="Somewhere in Türkiye", country="TR")

    response = client.get(f"{GRID}?zoom=1")

    latitude, longitude = country_point("TR")
    assert response.json()["bbox"] == [-9.14, 38.72, longitude, 60.17]


def test_the_grid_holds_only_the_box_asked_for(client, seed):
    finland = f"{GRID}?zoom=5&bbox=19,59,32,71"

    names = {
        name
        for feature in features(client, finland)
        for name in [feature["properties"].get("name")]
    }

    assert total_on_the_grid(client, finland) == 3
    assert names <= {
        None,
        "Arctic Smartness Rural Community",
        "Lapland - Arctic Social Economy Cluster",
        "Smart and Sustainable Arctic Tourism Cluster",
    }


def test_a_wide_box_at_a_close_zoom_gets_wider_cells(client, seed):
    # At zoom 18 the world would be billions of cells; it is given no more than MAX_CELLS.
    everything = features(client, f"{GRID}?zoom=18&bbox=-180,-90,180,90")

    assert sum(feature["properties"].get("count", 1) for feature in everything) == 56


@pytest.mark.parametrize(
    "query",
    [
        "zoom=-1", "zoom=19", "zoom=two", "zoom=1.5", "bbox=1,2,3", "bbox=a,b,c,d",
        "bbox=10,0,0,10", "bbox=0,10,10,0", "bbox=nan,0,10,10", "bbox=0,0,10,10,10",
    ],
)  # fmt: skip
def test_a_grid_request_it_cannot_answer_says_why(client, seed, query):
    response = client.get(f"{GRID}?{query}")

    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("zoom", ["²", "٣", "1¹"])
def test_a_zoom_in_digits_of_other_scripts_gets_the_plain_answer(client, seed, zoom):
    response = client.get(GRID, {"zoom": zoom})

    assert response.status_code == 400
    assert response.json() == {"error": "zoom must be a whole number from 0 to 18."}


def test_the_grid_ignores_malformed_filters_as_the_list_does(client, seed):
    assert total_on_the_grid(client, f"{GRID}?zoom=3&country=ZZ&eccp=maybe") == 56
