"""Case studies and thematic areas joined to the network of clusters."""

from clusters.models import Cluster
from tests.pages import follow, get_page
from themes.models import ThematicArea


def test_a_thematic_area_maps_its_clusters_and_links_to_its_statistics(
    anonymous, seed, make_cluster
):
    area = ThematicArea.objects.get(slug="skills")
    for number, country in enumerate(["PL", "PL", "FR", ""]):
        make_cluster(name=f"Skills cluster {number}", country=country).thematic_areas.add(area)

    page = get_page(anonymous, "/themes/skills/")

    svg = page.soup.select_one(".theme-network svg.chart__map")
    assert svg.title.get_text() == "Where its 4 clusters are"
    coloured = {path["fill"] for path in svg.select("path")}
    assert len(coloured) == 3, "Poland, France and the countries with none"
    link = page.soup.find("a", string="Statistics of this area")
    statistics = follow(anonymous, page, link)
    assert statistics.context["statistics"].total == 4
    listed = follow(anonymous, page, page.soup.find("a", string="All 4 clusters in the list"))
    assert listed.context["listing"].total == 4


def test_a_thematic_area_shows_the_first_of_many_clusters(anonymous, seed, make_cluster):
    area = ThematicArea.objects.get(slug="skills")
    for number in range(15):
        make_cluster(name=f"Skills cluster {number:02}").thematic_areas.add(area)

    page = get_page(anonymous, "/themes/skills/")

    assert len(page.soup.select(".card-grid .cluster-card")) == 12
    assert page.soup.find("a", string="See all 15 clusters of this area")


def test_a_case_study_names_its_cluster_and_thematic_areas(anonymous, seed):
    area = ThematicArea.objects.get(slug="skills")
    cluster = Cluster.objects.get(name="Circularium")
    cluster.case_studies.get().thematic_areas.add(area)

    page = get_page(anonymous, "/cases/circularium/")

    card = page.soup.select_one(".cluster-card a")
    assert follow(anonymous, page, card).soup.h1.get_text() == "Circularium"
    themes = page.soup.find(id="case-themes-heading").find_next("ul")
    assert themes.a.get_text() == "Skills"
    cards = get_page(anonymous, "/cases/").soup.select(".case-card")
    circularium = next(card for card in cards if "Circularium" in card.h2.get_text())
    assert "Cluster: Circularium" in circularium.get_text(" ", strip=True)
    assert "Thematic areas: Skills" in circularium.get_text(" ", strip=True)
