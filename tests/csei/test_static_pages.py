"""The home, about and privacy pages, the 404 page, and the head every public page carries."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from cases.models import CaseStudy
from clusters.models import Cluster
from clusters.services import self_service
from tests.pages import get_page
from themes.models import ThematicArea


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def site_content(seed):
    """The seed has a page of every kind: a cluster, a thematic area and a case study."""
    return {
        "cluster": Cluster.objects.get(slug="figeacteurs"),
        "theme": ThematicArea.objects.get(slug="skills"),
        "case": CaseStudy.objects.get(slug="circularium"),
    }


PUBLIC_PAGES = [
    "/", "/clusters/", "/clusters/map/", "/clusters/figeacteurs/",
    "/clusters/figeacteurs/suggest/", "/clusters/register/", "/clusters/register/thanks/",
    "/themes/", "/themes/skills/", "/cases/", "/cases/circularium/", "/about/", "/privacy/",
]  # fmt: skip


def test_the_about_page_tells_of_the_mannheim_workshop(anonymous, db):
    soup = page(anonymous, "/about/")

    heading = soup.find(lambda tag: tag.name == "h2" and "Mannheim" in tag.get_text())
    assert heading and "27 May 2021" in heading.get_text()
    text = soup.find("main").get_text(" ", strip=True)
    for presented in ["Circularium", "Fondazione Innovazione Urbana", "SINEC", "PTCE"]:
        assert presented in text
    assert soup.find("a", href="/cases/")
    assert soup.find("a", attrs={"aria-current": "page"}, href="/about/")


def test_the_privacy_notice_says_what_is_kept_and_how_to_have_it_removed(anonymous, db):
    soup = page(anonymous, "/privacy/")

    assert soup.h1.get_text(strip=True) == "Privacy notice"
    headings = [heading.get_text(strip=True) for heading in soup.find("main").find_all("h2")]
    assert "What we keep and do not publish" in headings
    assert "Your rights" in headings
    assert soup.find("footer").find("a", href="/privacy/")


def test_browsing_the_directory_sets_no_cookie(anonymous, site_content):
    # The privacy notice promises it: only sending a form or signing in sets one.
    for url in ["/", "/clusters/", "/clusters/map/", "/clusters/figeacteurs/", "/about/",
                "/privacy/", "/themes/", "/cases/", "/no-such-page/"]:  # fmt: skip
        response = anonymous.get(url)
        assert not response.cookies, f"{url} sets {list(response.cookies)}"


def test_a_missing_page_gets_the_branded_404_page(anonymous, db):
    soup = page(anonymous, "/no-such-page/", status=404)

    assert soup.find("header", class_="site-header")
    assert soup.find("footer", class_="site-footer")
    assert "could not find" in soup.h1.get_text()
    search = soup.find("form", role="search")
    assert search["action"] == "/clusters/"
    assert search.find("input", attrs={"name": "q"})
    assert soup.find("a", href="/")


@pytest.mark.parametrize(
    "url",
    [
        "/clusters/no-such-cluster/",
        "/clusters/hidden-cluster/",
        "/themes/no-such-theme/",
        "/cases/no-such-case/",
        "/about/extra/",
        "/static/no-such-file.css",
    ],
)
def test_unknown_and_unpublished_pages_are_not_found(anonymous, make_cluster, url):
    make_cluster(name="Hidden cluster", status=Cluster.Status.PENDING)

    response = anonymous.get(url)

    assert response.status_code == 404
    if response["Content-Type"].startswith("text/html"):
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.find("form", role="search")


def home_figures(client):
    figures = page(client, "/").find("dl", class_="figures")
    return {
        term.get_text(strip=True): term.find_next_sibling("dd").get_text(strip=True)
        for term in figures.find_all("dt")
    }


def test_the_home_page_shows_the_figures_of_the_seed(anonymous, seed):
    figures = home_figures(anonymous)

    assert figures == {
        "Published clusters": "62",
        "Countries": "18",
        "Thematic areas": "7",
        "Registered on the ECCP": "5",
    }


def test_the_home_page_says_how_much_of_the_mapping_is_verified(anonymous, seed):
    note = get_page(anonymous, "/").soup.find(class_="figures__note").get_text(" ", strip=True)
    assert note == (
        "62 come from the GECES mapping of 2021; none of them has been verified by its cluster yet."
    )

    # Their contacts confirm their entries, through their links.
    for cluster in Cluster.objects.filter(slug__in=["figeacteurs", "circularium"]):
        self_service.confirm(cluster)
    note = get_page(anonymous, "/").soup.find(class_="figures__note").get_text(" ", strip=True)
    assert note.endswith("2 of them have been verified by the cluster since.")


def test_the_home_figures_count_only_published_clusters(anonymous, empty_directory, make_cluster):
    make_cluster(name="Published", country="FR", eccp_registered="yes")
    make_cluster(name="Pending", country="BE", eccp_registered="yes", status="pending")
    make_cluster(name="Archived", country="DE", status="archived")

    figures = home_figures(anonymous)

    assert figures["Published clusters"] == "1"
    assert figures["Countries"] == "1"
    assert figures["Registered on the ECCP"] == "1"


def test_the_home_page_lists_clusters_by_country_linking_to_the_filtered_list(anonymous, seed):
    chart = page(anonymous, "/").find("ul", class_="bar-chart")
    links = {link["href"]: link for link in chart.find_all("a")}

    assert len(links) == 18
    french = links["/clusters/?country=FR"]
    assert french.find(class_="bar-chart__label").get_text(strip=True) == "France"
    assert french.find(class_="bar-chart__value").get_text(" ", strip=True) == "9 clusters"
    # France has the most clusters: its bar is full; Italy's 4 fill 44 hundredths of theirs.
    assert french.find(class_="bar-chart__fill")["width"] == "100"
    assert links["/clusters/?country=IT"].find(class_="bar-chart__fill")["width"] == "44"


def test_the_home_page_with_nothing_published_says_so(anonymous, empty_directory):
    soup = page(anonymous, "/")

    assert home_figures(anonymous)["Published clusters"] == "0"
    assert "No cluster is published yet." in soup.get_text()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_a_description_a_title_to_share_and_a_canonical_link(
    anonymous, site_content, url
):
    head = page(anonymous, url).head

    title = head.find("title").get_text(strip=True)
    assert title.endswith("· CSEI Directory")
    description = head.find("meta", attrs={"name": "description"})
    assert description and len(description["content"].strip()) > 20
    og_title = head.find("meta", property="og:title")
    assert og_title and og_title["content"].strip()
    assert head.find("meta", property="og:description")["content"].strip()
    canonical = head.find_all("link", rel="canonical")
    assert [link["href"] for link in canonical] == [f"{settings.SITE_URL}{url}"]
    assert head.find("meta", property="og:url")["content"] == f"{settings.SITE_URL}{url}"


def test_the_canonical_link_leaves_out_the_query(anonymous, db):
    head = page(anonymous, "/clusters/?country=FR&page=2&utm_source=mail").head

    assert head.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}/clusters/"


def test_the_page_titles_name_what_the_page_is_about(anonymous, site_content):
    titles = {
        url: page(anonymous, url).head.find("meta", property="og:title")["content"]
        for url in ["/clusters/figeacteurs/", "/about/", "/privacy/", "/clusters/register/"]
    }

    assert titles == {
        "/clusters/figeacteurs/": "Figeacteurs",
        "/about/": "About",
        "/privacy/": "Privacy notice",
        "/clusters/register/": "Register your cluster",
    }
