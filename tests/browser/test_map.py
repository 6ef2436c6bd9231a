"""The maps in a browser, with no tile server: country outlines from Natural Earth, every
placed cluster drawn, filters that redraw it in place, and a keyboard that reaches it all."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

# How many clusters the map shows: one a marker, the number of a group for a group.
MARKED = """() => [...document.querySelectorAll("#cluster-map .leaflet-marker-pane > *")]
    .map((icon) => icon.querySelector(".map-count__number"))
    .map((number) => (number ? parseInt(number.textContent.replace(/,/g, ""), 10) : 1))
    .reduce((total, count) => total + count, 0)"""


def placed(page, query=""):
    """How many features the map's data holds for these filters."""
    response = page.request.get(f"/api/clusters.geojson{query}")
    assert response.ok
    return len(response.json()["features"])


def expect_marked(page, count):
    # A function, not an expression: the page's Content Security Policy forbids eval.
    page.wait_for_function(f"(count) => ({MARKED})() === count", arg=count, timeout=10_000)


def country_shapes(page, selector="#cluster-map"):
    return page.locator(f"{selector} .leaflet-overlay-pane path.map-country")


def test_the_map_draws_the_countries_and_every_placed_cluster(seeded, page, visit, check):
    visit(page, "/clusters/map/", accessibility=False)
    expect_marked(page, placed(page))
    # Natural Earth's countries, Europe's among them, and its credit.
    assert country_shapes(page).count() > 200
    assert page.get_by_role("link", name="Natural Earth").is_visible()
    check(page, width=375)
    check(page, width=1280)

    visit(page, "/clusters/map/?country=FR", accessibility=False)
    assert placed(page, "?country=FR") == 9
    expect_marked(page, 9)

    # Initiatives et Cité, known only by its country: drawn as such, and said.
    visit(page, "/clusters/map/?country=FR&precision=country", accessibility=False)
    expect_marked(page, 1)
    marker = page.locator("#cluster-map .map-marker")
    expect(marker).to_have_class(re.compile(r"map-marker--country"))
    expect(marker).to_contain_text("placed in the middle of its country")
    legend = page.get_by_role("list", name="What the markers mean")
    expect(legend).to_contain_text("In the middle of its country: the town is not known")


def test_a_filter_redraws_the_markers_and_the_address_and_back_restores_them(seeded, page, visit):
    visit(page, "/clusters/map/", accessibility=False)
    everywhere = placed(page)
    expect_marked(page, everywhere)

    page.get_by_role("group", name="Country").get_by_role(
        "checkbox", name=re.compile(r"^Finland\b")
    ).check()
    page.wait_for_url(re.compile(r"[?&]country=FI\b"))
    expect(page.locator(".results__count")).to_have_text("3 clusters")
    expect_marked(page, placed(page, "?country=FI"))
    assert page.get_by_role("link", name="Show them as a list").get_attribute("href") == (
        "/clusters/?country=FI"
    )

    page.go_back()
    expect(page.locator(".results__count")).to_have_text("62 clusters")
    expect_marked(page, everywhere)
    assert "country" not in parse_qs(urlsplit(page.url).query)


def focused(page):
    return page.evaluate(
        """() => ({
            text: document.activeElement.textContent.trim(),
            inPopup: !!document.activeElement.closest(".leaflet-popup"),
            marker: document.activeElement.classList.contains("leaflet-marker-icon"),
        })"""
    )


def test_a_keyboard_opens_markers_groups_and_popups_and_closes_them(seeded, page, visit, check):
    visit(page, "/clusters/map/?q=Torino", accessibility=False)
    expect_marked(page, 1)
    page.get_by_role("region", name="Map of the clusters").focus()

    page.keyboard.press("Tab")
    assert focused(page) == {
        "text": "Torino Social Impact (not verified for eighteen months)",
        "inPopup": False,
        "marker": True,
    }
    page.keyboard.press("Enter")

    popup = page.locator(".leaflet-popup")
    # Faded in: checked for contrast once it is all there.
    expect(popup).to_have_css("opacity", "1")
    assert focused(page)["inPopup"]
    assert focused(page)["text"] == "Torino Social Impact"
    for fact in ("Turin", "Social innovation cluster", "Registered on the ECCP"):
        expect(popup).to_contain_text(fact)
    check(page, width=1280)

    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    assert focused(page)["marker"]

    # A group: Enter opens it, here into its three markers, all at one place.
    visit(page, "/clusters/map/?country=FI", accessibility=False)
    expect_marked(page, 3)
    group = page.locator("#cluster-map .map-count")
    expect(group).to_have_count(1)
    group.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#cluster-map .map-marker")).to_have_count(3)


@pytest.fixture
def grid_for_a_few(monkeypatch):
    """The map page asks for the grid above six clusters, as it does above thousands."""
    monkeypatch.setattr("clusters.views.GRID_ABOVE", 6)


def test_above_the_limit_the_map_shows_the_servers_grid(seeded, grid_for_a_few, page, visit):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    visit(page, "/clusters/map/", accessibility=False)

    expect_marked(page, placed(page))
    assert any("/api/clusters/grid.geojson" in url for url in asked)
    assert not any("/api/clusters.geojson" in url for url in asked)
    with page.expect_request(lambda request: "grid.geojson" in request.url) as zoomed:
        page.locator(".leaflet-control-zoom-in").click()
    assert {"zoom", "bbox"} <= set(parse_qs(urlsplit(zoomed.value.url).query))


def test_without_javascript_the_map_is_a_list_by_country(seeded, new_page, visit):
    page = new_page(java_script_enabled=False)
    # axe-core needs JavaScript; the map page is checked with it on above.
    visit(page, "/clusters/map/?country=FI", width=375, accessibility=False)
    assert not page.get_by_role("region", name="Map of the clusters").is_visible()
    assert page.get_by_role("heading", name="Finland (3)").is_visible()


def test_a_cluster_page_and_the_home_page_have_a_small_map(seeded, page, visit, check):
    visit(page, "/clusters/dombinnov/", accessibility=False)
    small_map = page.get_by_role("region", name="Map: where Domb'Innov is")
    expect(small_map.locator(".map-marker--region")).to_have_count(1)
    expect(country_shapes(page, ".small-map")).not_to_have_count(0)
    check(page, width=375)

    visit(page, "/", accessibility=False)
    home_map = page.get_by_role("region", name=re.compile("^Map of the clusters by country"))
    # One number a country, as in the chart beside it.
    expect(home_map.locator(".map-count")).to_have_count(18)
    check(page, width=1280)
