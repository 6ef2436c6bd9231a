"""/statistics/: every figure as the list with the same filters counts it, a chart, a table
and a CSV for each."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection

from clusters.models import Cluster, Membership, Organisation
from clusters.services import self_service
from clusters.services.members import set_members
from network.statistics import CHARTS
from tests.pages import follow, get_page

STATISTICS = "/statistics/"
# The charts whose rows divide the clusters: their counts add up to the list's total.
DIVIDING = ["countries", "models", "legal-structures", "eccp", "currency", "timeline"]


def listed_total(client, query):
    return get_page(client, f"/clusters/{query}").context["listing"].total


def table(page, slug):
    """{row label: count} of a chart's table."""
    rows = page.soup.select(f"section#{slug} table tbody tr")
    return {
        row.th.get_text(" ", strip=True): int(row.td.get_text().replace(",", "")) for row in rows
    }


def csv_rows(client, slug, query=""):
    response = client.get(f"/statistics/{slug}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def generated(db, django_capture_on_commit_callbacks):
    # Its new version given as on commit, so that the pages keep their facet index.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_data", clusters=80, stdout=io.StringIO())


def test_every_chart_has_a_title_a_sentence_a_picture_a_table_and_a_csv(anonymous, seed):
    page = get_page(anonymous, STATISTICS)

    for slug in CHARTS:
        section = page.soup.select_one(f"section#{slug}")
        assert section.h2.get_text(strip=True), slug
        assert section.select_one(".chart__sentence").get_text(strip=True), slug
        if slug != "members" and slug != "members-by-country" and slug != "members-by-model":
            svg = section.find("svg", attrs={"role": "img"})
            assert svg.title.get_text() == section.h2.get_text(), slug
            assert section.select_one("table caption"), slug
        # Each column of its table says what it holds.
        headings = [th.get_text(strip=True) for th in section.select("table thead th")]
        assert all(headings), (slug, headings)
        link = section.select_one(".chart__download a")
        assert link["href"] == f"/statistics/{slug}.csv"


@pytest.mark.parametrize(
    "query", ["", "?country=PL", "?field=local-food-and-sustainable-agriculture"]
)
def test_the_dividing_csvs_add_up_to_the_lists_count(anonymous, seed, query):
    total = listed_total(anonymous, query)

    for slug in DIVIDING:
        rows = csv_rows(anonymous, slug, query)
        assert sum(int(row["clusters"]) for row in rows) == total, slug


def test_each_country_counts_what_the_list_of_that_country_counts(anonymous, generated):
    page = get_page(anonymous, f"{STATISTICS}?model=ptce")

    rows = page.soup.select("section#countries table tbody tr")
    assert len(rows) > 5
    for row in rows:
        link = row.th.a
        if link is None:
            assert row.th.get_text(strip=True) == "Country not known"
            continue
        listed = follow(anonymous, page, link)
        assert listed.context["listing"].total == int(row.td.get_text().replace(",", ""))
        assert "model=ptce" in listed.url


def test_every_bar_of_a_choice_counts_what_its_list_counts(anonymous, generated):
    page = get_page(anonymous, f"{STATISTICS}?country=FR")

    for slug in ("models", "legal-structures", "fields", "eccp"):
        for row in page.soup.select(f"section#{slug} table tbody tr"):
            if row.th.a is None:
                continue
            listed = follow(anonymous, page, row.th.a).context["listing"].total
            assert listed == int(row.td.get_text().replace(",", "")), (slug, row.th.a["href"])


def test_the_unknown_country_is_counted_and_said(anonymous, seed):
    unknown = Cluster.objects.published().filter(country="").count()
    assert unknown

    page = get_page(anonymous, STATISTICS)

    assert table(page, "countries")["Country not known"] == unknown
    notes = page.soup.select_one("section#countries").get_text(" ", strip=True)
    assert f"{unknown} clusters whose country is not known are not on the map" in notes


def test_the_map_colours_the_countries_with_clusters(anonymous, seed):
    page = get_page(anonymous, f"{STATISTICS}?country=PL")

    paths = page.soup.select("section#countries svg path")
    coloured = {path["fill"] for path in paths}
    legend = [item.get_text(" ", strip=True) for item in page.soup.select("#countries li")]
    assert len(coloured) == 2, "Poland in one colour, every other country empty"
    assert legend[-1] == "none"


def test_the_member_composition_adds_up_the_members_of_published_clusters(
    anonymous, generated, make_cluster
):
    hidden = make_cluster(name="Pending", status=Cluster.Status.PENDING)
    set_members(
        hidden, [{"name": "Hidden SE", "type": "social_economy_enterprise", "country": "FR"}]
    )
    published = Membership.objects.filter(cluster__status=Cluster.Status.PUBLISHED)

    [overall] = csv_rows(anonymous, "members")

    assert int(overall["members"]) == published.count()
    for kind in Organisation.Type.values:
        assert int(overall[kind]) == published.filter(organisation__type=kind).count(), kind
    by_country = csv_rows(anonymous, "members-by-country")
    french = next(row for row in by_country if row["value"] == "FR")
    assert int(french["members"]) == published.filter(cluster__country="FR").count()
    by_model = csv_rows(anonymous, "members-by-model")
    assert sum(int(row["members"]) for row in by_model) == published.count()


def test_clusters_without_members_are_said_to_be_left_out(anonymous, seed):
    without = Cluster.objects.published().filter(memberships__isnull=True).count()

    page = get_page(anonymous, STATISTICS)

    text = page.soup.select_one("section#members").get_text(" ", strip=True)
    assert f"{without} clusters list no members yet: they are not counted here." in text


def test_how_current_the_entries_are(anonymous, seed):
    Cluster.objects.filter(slug="figeacteurs").update(last_verified_at="2020-01-01T00:00Z")
    cluster = Cluster.objects.get(slug="impact-noord")
    self_service.confirm(cluster)

    counts = {row["value"]: int(row["clusters"]) for row in csv_rows(anonymous, "currency")}

    assert counts == {"recent": 1, "earlier": 1, "mapping": 60, "never": 0}


def test_the_home_pages_figures_link_to_the_statistics(anonymous, seed):
    page = get_page(anonymous, "/")

    link = page.soup.find("a", string="See the statistics")
    assert follow(anonymous, page, link).soup.h1.get_text() == "Statistics"


@pytest.mark.parametrize(
    "query", ["?country=XX&model=nope&page=9", "?q=" + "z" * 300, "?sort=bogus&eccp=maybe"]
)
def test_odd_filters_give_statistics_never_an_error(anonymous, seed, query):
    get_page(anonymous, STATISTICS + query)
    for slug in CHARTS:
        assert anonymous.get(f"/statistics/{slug}.csv{query}").status_code == 200


def test_an_unknown_chart_has_no_csv(anonymous, seed):
    assert anonymous.get("/statistics/nothing.csv").status_code == 404


def test_the_statistics_run_the_same_queries_for_any_filters(
    anonymous, generated, django_assert_num_queries
):
    # 1. the fields of activity and 2. the public thematic areas, which the filters offer;
    # 3. the directory's version, under which the facet index is kept, and 4. again for
    # the figures of each cluster; 5. the ids a search finds, and on PostgreSQL 6. the
    # version for the index of frequent words and 7. whether a cluster holds every word
    # (these are rare). The first request of each built what is kept. Every chart adds up
    # those figures: no query counts anything.
    searching = 3 if connection.vendor == "postgresql" else 1
    for query, search in (("", 0), ("?country=FR&field=ecology&q=green", searching)):
        get_page(anonymous, STATISTICS + query)
        with django_assert_num_queries(4 + search):
            get_page(anonymous, STATISTICS + query)
