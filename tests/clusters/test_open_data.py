"""The dataset described and licensed: /data/, the licence on every export, the OpenAPI
description and the DCAT-AP catalogue."""

import csv
import io
import json
from datetime import datetime

import feedparser
import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from pyld import jsonld

from tests.pages import get_page

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
EXPORTS = [
    "/clusters/export.csv?country=FR",
    "/api/clusters.json?country=FR",
    "/api/clusters.geojson?country=FR",
    "/api/clusters/grid.geojson?zoom=3",
    "/api/organisations.json",
    "/api/changes.json",
]
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


@pytest.mark.parametrize("address", EXPORTS)
def test_every_export_states_its_licence_in_a_link_header(seed, anonymous, settings, address):
    settings.PAGE_CACHE_SECONDS = 3600
    # The second answer comes from the page cache, where the JSON documents are kept.
    for _ in range(2):
        response = anonymous.get(address)
        assert response.status_code == 200
        assert response["Link"] == f'<{CC_BY}>; rel="license"'


@pytest.mark.parametrize("address", ["/clusters/feed.atom?country=FR", "/themes/skills/feed.atom"])
def test_the_feeds_of_clusters_state_the_licence_too(seed, anonymous, address):
    response = anonymous.get(address)
    assert response["Link"] == f'<{CC_BY}>; rel="license"'
    rights = feedparser.parse(response.content).feed.rights
    assert CC_BY in rights and "CSEI Directory, http://127.0.0.1:8000/" in rights


@pytest.mark.parametrize("address", [a for a in EXPORTS if "csv" not in a])
def test_the_json_and_geojson_documents_name_the_licence_and_the_credit(seed, anonymous, address):
    document = anonymous.get(address).json()
    assert document["license"] == CC_BY
    assert document["attribution"] == "CSEI Directory, http://127.0.0.1:8000/"


def test_the_licence_and_the_credit_are_settings(seed, anonymous, settings):
    settings.DATA_LICENSE = "https://data.europa.eu/eli/dec_impl/2019/1372/oj"
    settings.DATA_LICENSE_NAME = "Decision 2019/1372"
    settings.DATA_ATTRIBUTION = "GECES"

    response = anonymous.get("/api/clusters.json")
    assert response["Link"] == '<https://data.europa.eu/eli/dec_impl/2019/1372/oj>; rel="license"'
    assert response.json()["attribution"] == "GECES"
    page = get_page(anonymous, "/data/")
    license = page.soup.find("a", rel="license")
    assert license["href"] == settings.DATA_LICENSE
    assert license.get_text() == "Decision 2019/1372"
    assert page.soup.select_one(".data-page__credit").get_text() == "GECES"


def test_the_footer_leads_to_the_data_page_and_it_to_each_download(seed, anonymous):
    home = get_page(anonymous, "/")
    link = home.soup.find("a", string="Open data: formats, fields and licence")
    page = get_page(anonymous, link["href"])
    assert page.soup.h1.get_text() == "Open data"
    assert page.soup.find("a", rel="license")["href"] == CC_BY
    assert "CC BY 4.0" in page.text
    downloads = {
        row.th.get_text(strip=True): row.find("td").a["href"]
        for row in page.soup.select("#downloads-heading ~ .table-scroll tbody tr")
    }
    assert downloads == {
        "CSV": "/clusters/export.csv",
        "JSON, one file": "/clusters/export.json",
        "JSON": "/api/clusters.json",
        "GeoJSON": "/api/clusters.geojson",
        "Organisations (JSON)": "/api/organisations.json",
        "Changes (JSON)": "/api/changes.json",
    }
    for address in downloads.values():
        assert anonymous.get(address).status_code == 200


def described_fields(page, key):
    """The field names the data page lists under one format's heading."""
    heading = page.soup.find(id=f"fields-{key}")
    table = heading.find_next("table")
    return [row.th.get_text(strip=True) for row in table.tbody.find_all("tr")]


def test_the_data_page_describes_every_field_each_download_holds(seed, anonymous):
    page = get_page(anonymous, "/data/")

    header = next(
        csv.reader(io.StringIO(anonymous.get("/clusters/export.csv").getvalue().decode()))
    )
    assert described_fields(page, "clusters") == [*header, "members"]

    record = anonymous.get("/api/clusters.json?country=FR").json()["clusters"][0]
    assert described_fields(page, "clusters") == list(record)
    member = next(
        member
        for cluster in anonymous.get("/api/clusters.json?page_size=1000").json()["clusters"]
        for member in cluster["members"]
    )
    assert described_fields(page, "members") == list(member)

    described = set(described_fields(page, "points"))
    features = anonymous.get("/api/clusters.geojson").json()["features"]
    assert {name for feature in features for name in feature["properties"]} <= described

    organisation = anonymous.get("/api/organisations.json").json()["organisations"][0]
    assert described_fields(page, "organisations") == list(organisation)


def test_the_data_page_gives_each_fields_meaning_type_certainty_and_values(seed, anonymous):
    page = get_page(anonymous, "/data/")
    rows = {
        row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row("td")]
        for row in page.soup.find(id="fields-clusters").find_next("table").tbody("tr")
    }
    assert rows["latitude"][0] == "number or null"
    assert "location_precision" in rows["latitude"][2]
    assert "inferred : Inferred, not yet confirmed" in rows["country_from"][1]
    assert "country_from" in rows["country"][2]
    assert all(all(cells) for cells in rows.values())


def test_the_data_page_carries_a_schema_org_dataset_of_what_it_shows(seed, anonymous):
    page = get_page(anonymous, "/data/")
    dataset = json.loads(page.soup.find("script", type="application/ld+json").string)
    assert dataset["@type"] == "Dataset"
    assert dataset["name"] in page.text
    assert dataset["description"] in page.text
    assert dataset["license"] == page.soup.find("a", rel="license")["href"]
    assert dataset["creditText"] == page.soup.select_one(".data-page__credit").get_text()
    assert dataset["publisher"]["name"] in page.text
    shown = datetime.fromisoformat(page.soup.find("time")["datetime"])
    assert datetime.fromisoformat(dataset["dateModified"]).replace(microsecond=0) == shown
    downloads = {link["href"] for link in page.soup.select(".data-table td a")}
    for distribution in dataset["distribution"]:
        assert distribution["contentUrl"].removeprefix("http://testserver") in downloads
        assert distribution["encodingFormat"] in page.text


def test_the_openapi_document_is_valid_and_describes_what_the_api_answers(seed, anonymous):
    response = anonymous.get("/api/openapi.json")
    assert response["Link"] == f'<{CC_BY}>; rel="license"'
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/clusters.json",
        "/api/clusters.geojson",
        "/api/organisations.json",
        "/api/changes.json",
    }

    def answer_fits(path, media_type, answer):
        pointer = path.replace("/", "~1")
        media = media_type.replace("/", "~1")
        schema = {
            **document,
            "$ref": f"#/paths/{pointer}/get/responses/200/content/{media}/schema",
        }
        OAS31Validator(schema).validate(answer)

    answer_fits(
        "/api/clusters.json", "application/json", anonymous.get("/api/clusters.json").json()
    )
    answer_fits(
        "/api/clusters.geojson",
        "application/geo+json",
        anonymous.get("/api/clusters.geojson").json(),
    )
    answer_fits(
        "/api/organisations.json",
        "application/json",
        anonymous.get("/api/organisations.json").json(),
    )
    answer_fits("/api/changes.json", "application/json", anonymous.get("/api/changes.json").json())
    # And it would notice a record that is not as described.
    wrong = anonymous.get("/api/clusters.json").json()
    wrong["clusters"][0]["location_precision"] = "street"
    with pytest.raises(ValidationError):
        answer_fits("/api/clusters.json", "application/json", wrong)


def test_the_openapi_filters_are_the_lists(seed, anonymous):
    document = anonymous.get("/api/openapi.json").json()
    names = {
        parameter["name"]
        for parameter in document["paths"]["/api/clusters.json"]["get"]["parameters"]
    }
    assert names == {
        "q", "country", "precision", "model", "legal_structure", "field", "theme",
        "member_type", "eccp", "activity", "bbox", "sort", "page", "page_size",
    }  # fmt: skip


def test_the_dcat_catalogue_is_json_ld_with_a_dataset_and_a_distribution_per_format(
    seed, anonymous
):
    response = anonymous.get("/api/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    assert response["Link"] == f'<{CC_BY}>; rel="license"'
    graph = jsonld.flatten(json.loads(response.content))
    nodes = {node["@id"]: node for node in graph}

    def of_type(kind):
        return [node for node in graph if kind in node.get("@type", [])]

    (catalogue,) = of_type(DCAT + "Catalog")
    (dataset,) = of_type(DCAT + "Dataset")
    assert catalogue[DCAT + "dataset"] == [{"@id": dataset["@id"]}]
    assert dataset[DCT + "title"][0]["@value"]
    distributions = of_type(DCAT + "Distribution")
    assert len(distributions) == 6
    assert {d["@id"] for d in distributions} == {d["@id"] for d in dataset[DCAT + "distribution"]}
    media_types = set()
    for distribution in distributions:
        media_types.add(distribution[DCAT + "mediaType"][0]["@id"].rsplit("/", 2)[-2:][1])
        assert distribution[DCT + "license"] == [{"@id": CC_BY}]
        publisher = nodes[distribution[DCT + "publisher"][0]["@id"]]
        assert publisher["http://xmlns.com/foaf/0.1/name"][0]["@value"]
        assert distribution[DCT + "modified"][0]["@type"].endswith("#dateTime")
        assert distribution[DCAT + "accessURL"][0]["@id"].startswith("http://testserver/")
    assert media_types == {"csv", "json", "geo+json"}
