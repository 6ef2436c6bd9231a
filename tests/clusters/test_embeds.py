"""The map, the list and a cluster's card framed by other sites: "Embed this" gives the code,
the embeds show the same clusters as the site, and only they may be framed."""

from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from clusters.models import Cluster
from core.places import map_point
from tests.pages import follow, get_page, submit

SITE_URL = "http://127.0.0.1:8000"
FRANCE = "-5.5,41,10,51.5"


def embed_code(page):
    """The frame "Embed this" offers, parsed from the text to copy."""
    box = page.soup.select_one("details.embed-code textarea")
    assert box.has_attr("readonly")
    return BeautifulSoup(box.get_text(), "html.parser").iframe


def framed(client, iframe):
    """The page the code frames, opened as the frame would."""
    address = urlsplit(iframe["src"])
    assert f"{address.scheme}://{address.netloc}" == SITE_URL
    return get_page(client, f"{address.path}?{address.query}")


def card_names(page):
    return [card.get_text(strip=True) for card in page.soup.select(".cluster-card__name")]


def test_the_list_gives_the_code_of_an_embed_that_shows_the_same_clusters(seed, anonymous):
    listing = get_page(anonymous, "/clusters/?country=FR&sort=name&utm_source=x")
    iframe = embed_code(listing)
    assert iframe["src"] == f"{SITE_URL}/embed/list/?country=FR&sort=name"
    assert iframe["width"] and iframe["height"] and iframe["title"]

    embed = framed(anonymous, iframe)
    assert card_names(embed) == card_names(listing)
    assert embed.soup.h1.get_text(strip=True) == "9 clusters"
    # The site without its header and footer, and a way back to the same view there.
    assert not embed.soup.select(".site-header, .site-footer, .filter-panel")
    back = embed.soup.find("a", string="Open in the CSEI Directory")
    assert back["href"] == "/clusters/?country=FR&sort=name"
    # Every link opens on the directory, in a new browsing context.
    assert embed.soup.find("base")["target"] == "_blank"
    assert follow(anonymous, embed, back).context["listing"].total == 9


def test_the_embedded_list_takes_a_box_and_pages_within_the_frame(seed, anonymous, make_cluster):
    make_cluster(name="Helsinki test", country="FI", latitude=60.17, longitude=24.94)
    embed = get_page(anonymous, f"/embed/list/?bbox={FRANCE}")
    shown = set(card_names(embed))
    inside = [
        cluster.name
        for cluster in Cluster.objects.published()
        if (point := map_point(cluster.latitude, cluster.longitude, cluster.country))
        and -5.5 <= point[1] <= 10
        and 41 <= point[0] <= 51.5
    ]
    assert embed.soup.h1.get_text(strip=True) == f"{len(inside)} clusters"
    assert "Helsinki test" not in shown
    assert shown <= set(inside)
    if len(inside) > 20:
        following = embed.soup.find("a", rel="next")
        assert following["target"] == "_self"
        second = follow(anonymous, embed, following)
        assert set(card_names(second)) | shown == set(inside)


BAD_BOXES = [
    "north-of-here", "1,2,3", "a,b,c,d", "10,0,0,10", "0,10,10,0", "nan,0,10,10",
    "0,0,10,10,10", "1e999,0,10,10", ",,,",
]  # fmt: skip


@pytest.mark.parametrize("box", BAD_BOXES)
def test_a_box_that_cannot_be_read_is_left_out_and_said(seed, anonymous, box):
    embed = get_page(anonymous, "/embed/list/?" + urlencode({"country": "FR", "bbox": box}))
    assert embed.soup.h1.get_text(strip=True) == "9 clusters"
    assert "Inside the box west,south,east,north, in degrees" in embed.text
    assert "were left out" in get_page(anonymous, "/embed/map/?" + urlencode({"bbox": box})).text
    for address in ("/clusters/", "/clusters/map/", "/api/clusters.json", "/clusters/feed.atom"):
        assert anonymous.get(address, {"bbox": box}).status_code == 200


def inside(box):
    """The published clusters the map places inside the box (west, south, east, north)."""
    west, south, east, north = box
    return {
        cluster.name
        for cluster in Cluster.objects.published()
        if (point := map_point(cluster.latitude, cluster.longitude, cluster.country))
        and west <= point[1] <= east
        and south <= point[0] <= north
    }


def test_the_embedded_map_frames_the_box_and_shows_only_the_clusters_inside(
    seed, anonymous, make_cluster
):
    make_cluster(name="Helsinki test", country="FI", latitude=60.17, longitude=24.94)
    embed = get_page(anonymous, f"/embed/map/?bbox={FRANCE}")
    france = inside((-5.5, 41, 10, 51.5))

    summary = embed.soup.select_one("[data-listing-part=map-summary]")
    assert summary["data-placed"] == str(len(france))
    # What the map's script asks for: the points of these filters, the box among them.
    points = anonymous.get(f"/api/clusters.geojson?{summary['data-query']}").json()
    assert {feature["properties"]["name"] for feature in points["features"]} == france
    assert embed.soup.select_one("#cluster-map")["data-bbox"] == "-5.5,41.0,10.0,51.5"


@pytest.mark.parametrize(
    "address", ["/clusters/", "/api/clusters.json", "/clusters/export.csv", "/clusters/feed.atom"]
)
def test_the_box_is_one_of_the_filters_the_list_the_map_and_the_exports_share(
    seed, anonymous, address
):
    baltic = (9, 53, 30, 66)
    query = {"bbox": ",".join(map(str, baltic))}
    listing = anonymous.get("/clusters/", query)
    names = {cluster.name for cluster in listing.context["listing"].clusters}

    assert names == inside(baltic)
    assert anonymous.get(address, query).status_code == 200
    if address == "/api/clusters.json":
        assert {record["name"] for record in anonymous.get(address, query).json()["clusters"]} == (
            names
        )


def test_the_list_says_it_keeps_to_a_box_and_links_to_the_list_without_it(seed, anonymous):
    page = get_page(anonymous, f"/clusters/?country=FR&bbox={FRANCE}")

    [chip] = [link for link in page.soup.select("a.chip") if "Inside the box" in link.text]
    assert "-5.5, 41, 10, 51.5" in chip.text
    assert follow(anonymous, page, chip).context["listing"].query_string == "country=FR"
    # Choosing another filter keeps the box.
    filters = page.soup.find("form", id="cluster-filters")
    assert submit(anonymous, page, filters, {"model": "ptce"}).response.context["listing"].bbox == (
        -5.5,
        41,
        10,
        51.5,
    )


def test_the_map_gives_the_code_of_an_embedded_map_of_the_same_filters(seed, anonymous):
    iframe = embed_code(get_page(anonymous, "/clusters/map/?country=FR"))
    assert iframe["src"] == f"{SITE_URL}/embed/map/?country=FR"
    embed = framed(anonymous, iframe)
    summary = embed.soup.select_one("[data-listing-part=map-summary]")
    assert summary["data-query"] == "country=FR"
    assert summary["data-placed"] == "9"
    assert embed.soup.find("a", string="Open in the CSEI Directory")["href"] == (
        "/clusters/map/?country=FR"
    )
    framed_box = get_page(anonymous, f"/embed/map/?country=FR&bbox={FRANCE}")
    assert framed_box.soup.select_one("#cluster-map")["data-bbox"] == "-5.5,41.0,10.0,51.5"


def test_a_cluster_page_gives_the_code_of_its_card(seed, anonymous):
    page = get_page(anonymous, "/clusters/figeacteurs/")
    iframe = embed_code(page)
    assert iframe["src"] == f"{SITE_URL}/embed/clusters/figeacteurs/"
    card = framed(anonymous, iframe)
    assert card_names(card) == ["Figeacteurs"]
    assert card.soup.find("a", string="Open in the CSEI Directory")["href"] == (
        "/clusters/figeacteurs/"
    )


def test_an_unpublished_clusters_card_is_not_found(seed, anonymous, make_cluster):
    pending = make_cluster(status=Cluster.Status.PENDING)
    assert anonymous.get(f"/embed/clusters/{pending.slug}/").status_code == 404


EMBEDS = ["/embed/list/?country=FR", "/embed/map/?country=FR", "/embed/clusters/figeacteurs/"]


@pytest.mark.parametrize("cached", [False, True], ids=["built", "from-cache"])
@pytest.mark.parametrize("address", EMBEDS)
def test_only_the_embeds_may_be_framed_and_they_set_no_cookie(
    seed, anonymous, settings, address, cached
):
    if cached:
        settings.PAGE_CACHE_SECONDS = 3600
        anonymous.get(address)
    response = anonymous.get(address)
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert not response.cookies
    if cached:
        assert response.has_header("ETag")

    page = anonymous.get("/clusters/?country=FR")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


# 1. the fields of activity and 2. the public thematic areas, which the filters read;
# 3. the directory's version, under which the facet index counts the clusters and keeps
# their points for the box; 4. the page of clusters; 5. their fields of activity.
LIST_QUERIES = 5
# 1. and 2. the terms the filters read; 3. the directory's version, as above: the facet
# index counts the clusters the map places.
MAP_QUERIES = 3
# 1. the cluster; 2. its fields of activity.
CARD_QUERIES = 2


@pytest.mark.parametrize("query", ["", "?country=FR&precision=city", f"?bbox={FRANCE}"])
def test_the_embeds_run_a_fixed_number_of_queries(
    seed, anonymous, django_assert_num_queries, query
):
    anonymous.get("/clusters/")  # builds the facet index of this version
    with django_assert_num_queries(LIST_QUERIES):
        assert anonymous.get("/embed/list/" + query).status_code == 200
    with django_assert_num_queries(MAP_QUERIES):
        assert anonymous.get("/embed/map/" + query).status_code == 200
    with django_assert_num_queries(CARD_QUERIES):
        assert anonymous.get("/embed/clusters/figeacteurs/").status_code == 200
