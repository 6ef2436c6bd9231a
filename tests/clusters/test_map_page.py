"""The map page without JavaScript, the small maps of other pages, and the links between
the map and the list."""

import json

import pytest

from clusters.models import Cluster
from core.places import country_point
from tests.pages import follow, get_page, query_of

pytestmark = pytest.mark.usefixtures("seed")


def link(page, text):
    return page.soup.find("a", string=lambda string: string and text in string)


def test_without_javascript_the_map_names_a_few_clusters_by_country(client):
    page = get_page(client, "/clusters/map/?country=FI&eccp=yes")
    section = page.soup.find("section", class_="by-country")

    [heading] = section.find_all("h3")
    assert heading.get_text(" ", strip=True) == "Finland (2)"
    assert [item.a.get_text() for item in section.find_all("li")] == [
        "Arctic Smartness Rural Community",
        "Smart and Sustainable Arctic Tourism Cluster",
    ]
    finland = follow(client, page, heading.a)
    assert query_of(finland.url) == {"country": ["FI"], "eccp": ["yes"]}
    assert finland.context["listing"].total == 2


def test_without_javascript_many_clusters_are_counted_by_country_not_named(client, monkeypatch):
    monkeypatch.setattr("clusters.views.MAP_PAGE_NAMES_AT_MOST", 10)
    page = get_page(client, "/clusters/map/?activity=listed")
    section = page.soup.find("section", class_="by-country")

    assert not section.find("h3")
    items = {item.a.get_text(" ", strip=True): item for item in section.find_all("li") if item.a}
    assert items["France"].find(class_="muted").get_text() == "9"
    assert "Country not yet confirmed 6" in section.get_text(" ", strip=True)
    poland = follow(client, page, items["Poland"].a)
    assert query_of(poland.url) == {"activity": ["listed"], "country": ["PL"]}
    assert poland.context["listing"].total == 2


def test_the_map_says_how_many_it_places_approximately_and_which_it_cannot(client):
    page = get_page(client, "/clusters/map/")
    summary = page.soup.find(attrs={"data-listing-part": "map-summary"})

    assert summary.get_text(" ", strip=True) == (
        "56 of 62 clusters are on the map, 31 of them only approximately : at their region, "
        "or in the middle of their country. 6 clusters whose country is not known are not "
        "on it."
    )
    assert summary["data-placed"] == "56"
    approximate = follow(client, page, link(page, "only approximately"))
    assert approximate.context["listing"].total == 31
    unplaced = follow(client, page, link(page, "whose country is not known"))
    assert {cluster.country.code for cluster in unplaced.context["page"]} == {""}
    assert unplaced.context["listing"].total == 6


def test_the_summary_counts_only_the_filtered_clusters(client):
    page = get_page(client, "/clusters/map/?country=FR")
    summary = page.soup.find(attrs={"data-listing-part": "map-summary"})

    assert summary.get_text(" ", strip=True).startswith(
        "9 of 9 clusters are on the map, 3 of them only approximately"
    )
    assert summary["data-query"] == "country=FR"
    approximate = follow(client, page, summary.a)
    assert query_of(approximate.url) == {"country": ["FR"], "precision": ["region", "country"]}


def test_the_list_and_the_map_are_one_link_apart_with_the_filters(client):
    listed = get_page(client, "/clusters/?country=FR&model=ptce&q=pole")
    mapped = follow(client, listed, link(listed, "on the map"))

    assert mapped.context["listing"].query_string == listed.context["listing"].query_string
    assert mapped.context["listing"].total == listed.context["listing"].total
    back = follow(client, mapped, link(mapped, "as a list"))
    assert back.context["listing"].query_string == listed.context["listing"].query_string


def test_a_cluster_page_shows_its_place_on_a_small_map_and_how_precise_it_is(client):
    page = get_page(client, "/clusters/dombinnov/")
    small_map = page.soup.find(attrs={"data-map": "cluster"})

    assert small_map["data-precision"] == "region"
    assert (float(small_map["data-latitude"]), float(small_map["data-longitude"])) == (46, 5.03)
    assert "placed on the map at its region" in page.text


def test_a_cluster_known_only_by_its_country_is_shown_at_its_countrys_point(client):
    page = get_page(client, "/clusters/initiatives-et-cite/")
    small_map = page.soup.find(attrs={"data-map": "cluster"})

    latitude, longitude = country_point("FR")
    assert small_map["data-precision"] == "country"
    assert (float(small_map["data-latitude"]), float(small_map["data-longitude"])) == (
        latitude,
        longitude,
    )
    assert "placed on the map in the middle of its country" in page.text


def test_a_cluster_without_a_country_has_no_map(client):
    cluster = Cluster.objects.get(name="Le Cluster ESS Grande Région")
    page = get_page(client, cluster.get_absolute_url())

    assert not page.soup.find(attrs={"data-map": True})
    assert "not on the map: its country is not known" in page.text


def test_the_home_page_maps_the_clusters_by_country_as_its_chart_counts_them(client):
    page = get_page(client, "/")
    countries = json.loads(page.soup.find(attrs={"data-map": "countries"})["data-countries"])

    chart = {
        item.find(class_="bar-chart__label").get_text(): int(
            item.find(class_="bar-chart__value").contents[0]
        )
        for item in page.soup.find(class_="bar-chart").find_all("li")
    }
    assert {country["name"]: country["count"] for country in countries} == chart
    france = next(country for country in countries if country["code"] == "FR")
    assert (france["latitude"], france["longitude"]) == country_point("FR")
    assert france["url"] == "/clusters/?country=FR"


def test_with_a_tile_server_every_map_draws_its_tiles(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example tiles"

    for url in ("/clusters/map/", "/", "/clusters/dombinnov/"):
        map_element = get_page(client, url).soup.find(attrs={"data-tile-url": True})
        assert map_element["data-tile-url"] == settings.MAP_TILE_URL, url
        assert map_element["data-tile-attribution"] == "© Example tiles", url
