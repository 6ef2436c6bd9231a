"""The open data: /clusters/export.csv, /api/clusters.json and /api/clusters.geojson."""

import csv
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import exports
from clusters.exports import EXPORT_FIELDS, MAX_PAGE_SIZE, PAGE_SIZE
from clusters.models import Cluster, FieldOfActivity
from tests.pages import get_page
from themes.models import ThematicArea

CSV = "/clusters/export.csv"
JSON = "/api/clusters.json"
GEOJSON = "/api/clusters.geojson"

FRENCH_SEED_CLUSTERS = {
    "Coursive Boutaric", "Darwin Camp Bordeaux", "Domb'Innov", "Figeacteurs",
    "Initiatives et Cité", "InnoVales", "Le Périscope", "Lille Métro Pôle Solidaire",
    "PôleSudAquitain",
}  # fmt: skip
ECCP_SEED_CLUSTERS = {
    "Silicon Vilstal", "Smart and Sustainable Arctic Tourism Cluster",
    "Arctic Smartness Rural Community", "Torino Social Impact", "Impact Noord",
}  # fmt: skip


def csv_text(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(client, query=""):
    return list(csv.DictReader(io.StringIO(csv_text(client.get(f"{CSV}{query}")))))


def json_records(client, query=""):
    """Every record of the JSON API for the query, following its `next` links."""
    records = []
    address = f"{JSON}{query}"
    while address:
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        document = response.json()
        records += document["clusters"]
        address = document["next"]
    assert document["count"] == len(records)
    return records


def geojson_features(client, query=""):
    response = client.get(f"{GEOJSON}{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    return document["features"]


def names_in_every_export(client, query=""):
    """The cluster names of the three exports for one query: (CSV, JSON, GeoJSON)."""
    return (
        {row["name"] for row in csv_rows(client, query)},
        {record["name"] for record in json_records(client, query)},
        {feature["properties"]["name"] for feature in geojson_features(client, query)},
    )


@pytest.fixture
def hidden_clusters(make_cluster):
    """One cluster in each status the public must not see, all with coordinates."""
    return [
        make_cluster(name=f"Hidden {status}", status=status, latitude=45, longitude=2)
        for status in Cluster.Status
        if status != Cluster.Status.PUBLISHED
    ]


def test_the_csv_has_a_header_row_and_one_row_per_published_cluster(anonymous, seed):
    response = anonymous.get(CSV)
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('filename="csei-clusters.csv"')
    lines = list(csv.reader(io.StringIO(csv_text(response))))

    assert lines[0] == EXPORT_FIELDS
    assert len(lines) == 1 + 62
    assert all(len(line) == len(EXPORT_FIELDS) for line in lines)


def test_the_csv_keeps_accents_commas_and_lists_intact(anonymous, empty_directory, make_cluster):
    cluster = make_cluster(
        name='Pôle "Économie", Solidaire',
        city="Saint-Étienne",
        latitude=Decimal("45.43400"),
        longitude=Decimal("4.39000"),
    )
    cluster.fields_of_activity.set(
        [FieldOfActivity.objects.get(name=name) for name in ("Ecology", "Housing")]
    )

    [row] = csv_rows(anonymous)

    assert row["name"] == 'Pôle "Économie", Solidaire'
    assert row["city"] == "Saint-Étienne"
    assert row["country"] == "FR"
    assert row["country_name"] == "France"
    assert row["latitude"] == "45.434"
    assert row["longitude"] == "4.39"
    assert row["fields_of_activity"] == "ecology; housing"
    assert row["url"] == f"http://testserver/clusters/{cluster.slug}/"


def test_the_json_describes_each_cluster_with_the_csv_fields(
    anonymous, empty_directory, make_cluster
):
    make_cluster(name="Impact Noord", country="NL", eccp_registered="yes", year_founded=2019)

    [record] = json_records(anonymous)

    assert list(record) == [*EXPORT_FIELDS, "members"]
    assert record["country"] == "NL"
    assert record["eccp_registered"] == "yes"
    assert record["year_founded"] == 2019
    assert record["latitude"] is None
    assert record["fields_of_activity"] == []


def test_exports_leave_out_every_cluster_that_is_not_published(
    anonymous, empty_directory, make_cluster, hidden_clusters
):
    make_cluster(name="Visible", latitude=45, longitude=2)

    for names in names_in_every_export(anonymous):
        assert names == {"Visible"}


def test_exports_list_only_the_thematic_areas_the_public_may_see(
    anonymous, empty_directory, make_cluster
):
    cluster = make_cluster(name="Visible")
    cluster.thematic_areas.set(
        [
            ThematicArea.objects.get(name="Skills"),
            ThematicArea.objects.create(name="Secret plan", status="proposed"),
        ]
    )

    [record] = json_records(anonymous)

    assert record["thematic_areas"] == ["skills"]


def test_the_country_filter_gives_exactly_the_french_seed_clusters(anonymous, seed):
    csv_names, json_names, geojson_names = names_in_every_export(anonymous, "?country=FR")

    assert csv_names == FRENCH_SEED_CLUSTERS
    assert json_names == FRENCH_SEED_CLUSTERS
    # Initiatives et Cité has no coordinates: it is on the map in the middle of France.
    assert geojson_names == FRENCH_SEED_CLUSTERS


def test_the_eccp_filter_gives_exactly_the_five_registered_seed_clusters(anonymous, seed):
    for names in names_in_every_export(anonymous, "?eccp=yes"):
        assert names == ECCP_SEED_CLUSTERS


def test_filters_combine_as_on_the_list(anonymous, seed):
    query = "?country=FR&country=BE&model=ptce&sort=-updated"
    listed = anonymous.get(f"/clusters/{query}").context["page"].paginator.count

    csv_names, json_names, _ = names_in_every_export(anonymous, query)

    assert csv_names == json_names
    assert 0 < len(csv_names) == listed
    assert all(
        record["model"] == "ptce" and record["country"] in ("FR", "BE")
        for record in json_records(anonymous, query)
    )


def test_the_text_search_filters_the_exports(anonymous, seed):
    for names in names_in_every_export(anonymous, "?q=Figeacteurs"):
        assert names == {"Figeacteurs"}


def test_geojson_places_each_cluster_whose_country_is_known(
    anonymous, empty_directory, make_cluster
):
    make_cluster(name="Figeac", latitude=Decimal("44.60800"), longitude=Decimal("2.03100"))
    make_cluster(name="Somewhere in France")
    make_cluster(name="Nowhere yet", country="")

    features = {feature["properties"]["name"]: feature for feature in geojson_features(anonymous)}

    assert set(features) == {"Figeac", "Somewhere in France"}
    # Longitude first, as GeoJSON has it.
    assert features["Figeac"]["geometry"] == {"type": "Point", "coordinates": [2.03, 44.61]}
    assert features["Somewhere in France"]["properties"]["precision"] == "country"


def test_every_seed_cluster_with_a_country_is_a_point_in_europe(anonymous, seed):
    features = geojson_features(anonymous)

    assert len(features) == Cluster.objects.published().exclude(country="").count() == 56
    for feature in features:
        longitude, latitude = feature["geometry"]["coordinates"]
        assert 34 < latitude < 72, feature["properties"]["name"]
        assert -25 < longitude < 45, feature["properties"]["name"]


def test_exports_with_no_match_are_empty_but_well_formed(anonymous, empty_directory, make_cluster):
    make_cluster(name="French", country="FR")

    assert csv_rows(anonymous, "?country=DE") == []
    assert json_records(anonymous, "?country=DE") == []
    assert geojson_features(anonymous, "?country=DE") == []


@pytest.mark.parametrize(
    "query",
    [
        "?country=ZZ",
        "?country=FR&country=ZZ",
        "?country=",
        "?model=franchise",
        "?legal_structure=%3Cscript%3E",
        "?field=no-such-field&theme=no-such-theme",
        "?member_type=robot",
        "?eccp=maybe",
        "?activity=sleeping",
        "?sort=random",
        "?sort=name&sort=-name",
        "?q=%00",
        "?q=" + "x" * 201,
        "?q=%27%22%3B%20DROP%20TABLE%20clusters_cluster%3B--",
        "?q=%26%20%7C%20%21%20%28%29%20%3A%2A%20%3C-%3E",
        "?page=abc",
        "?%FF=%FE",
    ],
)
def test_malformed_filters_are_ignored_and_never_a_server_error(
    anonymous, empty_directory, make_cluster, query
):
    make_cluster(name="Figeacteurs", latitude=44, longitude=2)

    for url in (CSV, JSON, GEOJSON):
        response = anonymous.get(f"{url}{query}")
        assert response.status_code == 200, url


def test_an_invalid_filter_is_ignored_rather_than_emptying_the_export(
    anonymous, empty_directory, make_cluster
):
    make_cluster(name="French", country="FR")
    make_cluster(name="Belgian", country="BE")

    for names in names_in_every_export(anonymous, "?country=ZZ&eccp=maybe&model=franchise"):
        assert names <= {"French", "Belgian"}
    assert {record["name"] for record in json_records(anonymous, "?country=ZZ")} == {
        "French",
        "Belgian",
    }


def make_many_clusters(count):
    """`count` published clusters with a field of activity and a thematic area each."""
    field = FieldOfActivity.objects.get(slug="ecology")
    theme = ThematicArea.objects.get(slug="skills")
    clusters = Cluster.objects.bulk_create(
        Cluster(
            name=f"Cluster {number}",
            slug=f"cluster-{number}",
            country="FR",
            status=Cluster.Status.PUBLISHED,
            latitude=Decimal("45.00000") + Decimal(number) / 1000,
            longitude=Decimal("2.00000"),
        )
        for number in range(count)
    )
    Cluster.fields_of_activity.through.objects.bulk_create(
        Cluster.fields_of_activity.through(cluster=cluster, fieldofactivity=field)
        for cluster in clusters
    )
    Cluster.thematic_areas.through.objects.bulk_create(
        Cluster.thematic_areas.through(cluster=cluster, thematicarea=theme) for cluster in clusters
    )


@pytest.mark.parametrize("count", [20, 200])
def test_the_csv_reads_the_same_number_of_queries_whatever_the_rows(
    anonymous, empty_directory, django_assert_num_queries, count
):
    make_many_clusters(count)

    # 1-5. the address's first download counted: the cache table's size, then a savepoint
    # around reading and adding its count; 6. the fields of activity and 7. the public
    # thematic areas, to read the filters; 8. the clusters; 9. their fields of activity;
    # 10. their thematic areas.
    with django_assert_num_queries(10):
        text = csv_text(anonymous.get(f"{CSV}?country=FR&field=ecology"))

    assert f"cluster-{count - 1}/" in text


@pytest.mark.parametrize("count", [20, 200])
def test_a_page_of_json_reads_the_same_number_of_queries_whatever_its_size(
    anonymous, empty_directory, django_assert_num_queries, count
):
    make_many_clusters(count)
    anonymous.get(JSON)  # builds the facet index of this version

    # 1. the fields of activity and 2. the public thematic areas, to read the filters; 3. the
    # directory's version, under which the facet index counts them; 4. the page's ids and
    # sort keys; 5. its clusters; 6. their fields of activity; 7. their themes; 8. their
    # members.
    with django_assert_num_queries(8):
        response = anonymous.get(f"{JSON}?country=FR&field=ecology&page_size={count}")

    assert len(response.json()["clusters"]) == count


def test_the_json_comes_a_page_at_a_time_with_links_to_the_next_and_previous(
    anonymous, empty_directory
):
    make_many_clusters(250)

    first = anonymous.get(JSON).json()
    second = anonymous.get(first["next"]).json()
    last = anonymous.get(second["next"]).json()

    assert (first["count"], first["pages"], first["page_size"]) == (250, 3, PAGE_SIZE)
    assert [page["page"] for page in (first, second, last)] == [1, 2, 3]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/clusters.json?after=")
    assert last["next"] is None
    assert [len(page["clusters"]) for page in (first, second, last)] == [100, 100, 50]
    names = [record["name"] for page in (first, second, last) for record in page["clusters"]]
    assert len(set(names)) == 250
    # Back again, page by page, to the first page's own address.
    assert anonymous.get(last["previous"]).json()["clusters"] == second["clusters"]
    assert second["previous"] == "http://testserver/api/clusters.json"


def test_a_page_far_in_is_read_from_its_key_not_counted_to(anonymous, empty_directory):
    make_many_clusters(250)
    numbered = anonymous.get(f"{JSON}?page_size=10&page=20").json()

    with CaptureQueriesContext(connection) as queries:
        by_key = anonymous.get(numbered["next"]).json()

    assert by_key["page"] == 21
    assert by_key["clusters"] == anonymous.get(f"{JSON}?page_size=10&page=21").json()["clusters"]
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)


@pytest.mark.parametrize("sort", ["name", "-updated", "country"])
def test_keys_lead_through_every_order_and_back(anonymous, empty_directory, make_cluster, sort):
    for number in range(7):
        make_cluster(name=f"Same name {number}", country="FR" if number % 3 else "")
    Cluster.objects.filter(name__endswith="2").update(sort_name="same name", updated_at=None)

    forwards = [anonymous.get(f"{JSON}?sort={sort}&page_size=2").json()]
    while forwards[-1]["next"]:
        forwards.append(anonymous.get(forwards[-1]["next"]).json())
    backwards = [forwards[-1]]
    while backwards[-1]["previous"]:
        backwards.append(anonymous.get(backwards[-1]["previous"]).json())

    names = [record["name"] for page in forwards for record in page["clusters"]]
    assert sorted(names) == [f"Same name {number}" for number in range(7)]
    assert [page["clusters"] for page in backwards] == [page["clusters"] for page in forwards][::-1]


@pytest.mark.parametrize(
    "key",
    ["nonsense", "WyJuYW1lIiwyLFsiIiwiQ2x1c3RlciAxODgiLDI1MV1d:1xaZUs:forged", ""],
    ids=["nonsense", "forged", "empty"],
)
def test_a_key_the_site_did_not_give_is_refused_saying_why(anonymous, empty_directory, key):
    make_many_clusters(3)

    response = anonymous.get(JSON, {"after": key, "page_size": 1})

    if key:
        assert response.status_code == 400
        assert "page key is not one this site gave" in response.json()["error"]
    else:
        assert response.json()["page"] == 1


def test_a_key_of_another_order_is_refused(anonymous, empty_directory):
    make_many_clusters(3)
    by_name = anonymous.get(f"{JSON}?page_size=1").json()

    response = anonymous.get(by_name["next"].replace("after=", "sort=country&after="))

    assert response.status_code == 400
    assert "for this order" in response.json()["error"]


def test_the_next_page_keeps_the_filters_and_the_size(anonymous, empty_directory):
    make_many_clusters(30)

    document = anonymous.get(f"{JSON}?country=FR&page_size=20&sort=-updated").json()

    assert document["next"].startswith(
        "http://testserver/api/clusters.json?country=FR&page_size=20&sort=-updated&after="
    )


def test_clusters_that_sort_alike_are_each_on_exactly_one_page(
    anonymous, empty_directory, make_cluster
):
    for number in range(7):
        make_cluster(name=f"Same name {number}", country="FR")
    Cluster.objects.update(sort_name="same name", updated_at=None)

    for sort in ("name", "-updated", "country"):
        records = json_records(anonymous, f"?sort={sort}&page_size=2")
        assert len({record["url"] for record in records}) == 7, sort


@pytest.mark.parametrize(
    ("page_size", "used"),
    [("5000", MAX_PAGE_SIZE), ("0", PAGE_SIZE), ("-3", PAGE_SIZE), ("many", PAGE_SIZE),
     ("9" * 5000, PAGE_SIZE), ("²", PAGE_SIZE)],
)  # fmt: skip
def test_a_page_size_out_of_bounds_gives_the_most_or_the_usual_one(
    anonymous, empty_directory, make_cluster, page_size, used
):
    make_cluster(name="Figeacteurs")

    document = anonymous.get(JSON, {"page_size": page_size}).json()

    assert document["page_size"] == used
    assert len(document["clusters"]) == 1


def test_a_page_past_the_last_gives_the_last(anonymous, empty_directory):
    make_many_clusters(150)

    document = anonymous.get(f"{JSON}?page=99").json()

    assert (document["page"], len(document["clusters"])) == (2, 50)


def test_the_csv_is_streamed_a_chunk_of_rows_at_a_time(anonymous, empty_directory, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    make_many_clusters(30)
    response = anonymous.get(CSV)

    with CaptureQueriesContext(connection) as queries:
        lines = iter(response.streaming_content)
        header = next(lines)
        assert len(queries) == 0
        first_row = next(lines)
        # The rows' query, fetching its first chunk, and the chunk's two prefetches: the
        # first row is out before the other rows are read.
        read_for_the_first_row = len(queries)
        rest = list(lines)

    assert header.startswith(b"name,")
    assert b"cluster-0/" in first_row
    assert len(rest) == 29
    assert read_for_the_first_row < len(queries)


def test_the_json_file_holds_the_csvs_records_for_the_lists_filters(anonymous, seed):
    page = get_page(anonymous, "/clusters/?country=FI")
    link = page.soup.select_one(".downloads a[href^='/clusters/export.json']")

    response = anonymous.get(link["href"])

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="csei-clusters.json"'
    assert response["Link"].endswith('rel="license"')
    document = json.loads(b"".join(response.streaming_content))
    assert document["license"] and document["attribution"]
    finnish = Cluster.objects.published().filter(country="FI")
    assert sorted(record["name"] for record in document["clusters"]) == sorted(
        finnish.values_list("name", flat=True)
    )
    csv_records = {row["url"]: row for row in csv_rows(anonymous, "?country=FI")}
    for record in document["clusters"]:
        assert list(record) == EXPORT_FIELDS
        in_csv = csv_records[record["url"]]
        assert record["name"] == in_csv["name"]
        assert "; ".join(record["fields_of_activity"]) == in_csv["fields_of_activity"]


def test_the_json_file_is_sent_a_chunk_of_records_at_a_time(
    anonymous, empty_directory, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    make_many_clusters(25)

    response = anonymous.get("/clusters/export.json?country=FR")

    chunks = list(response.streaming_content)
    assert len(chunks) == 1 + 3, "the licence, then a chunk of ten, ten and five"
    assert len(json.loads(b"".join(chunks))["clusters"]) == 25


def test_an_empty_json_file_is_well_formed(anonymous, empty_directory):
    response = anonymous.get("/clusters/export.json?country=FR")

    assert json.loads(b"".join(response.streaming_content))["clusters"] == []


def test_an_address_that_downloads_the_csv_too_often_is_asked_to_wait(
    anonymous, empty_directory, settings
):
    settings.EXPORT_RATE_LIMIT = "2/h"

    assert anonymous.get(CSV).status_code == 200
    assert anonymous.get(CSV).status_code == 200
    refused = anonymous.get(CSV)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "/api/clusters.json" in refused.content.decode()
    assert anonymous.get(JSON).status_code == 200


def test_the_csv_keeps_formula_like_text_as_text(anonymous, empty_directory, make_cluster):
    make_cluster(name="=HYPERLINK(1)", city="-Lyon")
    rows = csv_rows(anonymous)
    assert rows[0]["name"] == "'=HYPERLINK(1)"
    assert rows[0]["city"] == "'-Lyon"


@pytest.mark.parametrize("page", ["/clusters/", "/clusters/map/"])
@pytest.mark.parametrize(
    "query, label",
    [
        ("", "Download these 62 clusters:"),
        ("?country=PL&member_type=civil_society", "Download this cluster:"),
        ("?q=nothing+is+called+this", "Download these 0 clusters:"),
    ],
)
def test_the_downloads_say_how_many_clusters_they_hold(anonymous, seed, page, query, label):
    html = BeautifulSoup(anonymous.get(page + query).content, "html.parser")

    assert html.select_one(".downloads__label").get_text(strip=True) == label
