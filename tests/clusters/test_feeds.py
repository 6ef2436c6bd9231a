"""Atom feeds of new clusters, for any filters of the list and for each thematic area, and
of the case studies: what a feed reader reads, announced by the pages they follow."""

import feedparser
import pytest
import time_machine

from cases.models import CaseStudy
from clusters.models import Cluster
from clusters.services import join_requests, moderation
from tests.pages import get_page
from themes.models import JoinRequest, ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

FILTERS = [
    "country=ES",
    "country=IT&country=FR",
    "model=ptce",
    "q=social",
    "field=education",
    "q=economy&country=ES",
]


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def announced_feed(page):
    [link] = page.soup.find_all("link", rel="alternate", type="application/atom+xml")
    return link["href"]


def linked_feed(page):
    """The feed a person sees a link to on the page: the one it announces."""
    [link] = page.soup.find_all("a", type="application/atom+xml")
    assert link["href"] == announced_feed(page)
    return link["href"]


def listed(page):
    return {card.find("a")["href"] for card in page.soup.select(".cluster-card h3")}


@pytest.mark.parametrize("query", FILTERS)
def test_the_lists_feed_holds_exactly_the_clusters_the_list_shows(client, query):
    page = get_page(client, f"/clusters/?{query}")

    feed = read_feed(client, announced_feed(page))

    assert listed(page), "the filters should select some clusters"
    assert {entry.link.removeprefix("http://testserver") for entry in feed.entries} == listed(page)


def test_the_lists_feed_names_its_filters(client):
    feed = read_feed(client, "/clusters/feed.atom?country=ES&country=PT")

    assert feed.feed.title == "New clusters in Portugal or Spain · CSEI Directory"
    assert feed.feed.link == "http://testserver/clusters/?country=ES&country=PT"


def test_entries_are_newest_first_with_summary_and_place(client, make_cluster):
    newest = make_cluster(
        name="Newest Cluster", status=Cluster.Status.PENDING, country="ES", city="Bilbao",
        short_description="Circular economy in the Basque Country.",
    )  # fmt: skip
    moderation.publish(newest)

    feed = read_feed(client, "/clusters/feed.atom?country=ES")

    first = feed.entries[0]
    assert first.title == "Newest Cluster"
    assert first.summary == "Circular economy in the Basque Country.\nPlace: Bilbao, Spain"
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True)


def test_an_entry_keeps_its_id_when_the_cluster_is_renamed(client):
    cluster = Cluster.objects.published().filter(country="ES").first()
    before = {entry.title: entry.id for entry in read_feed(client, "/clusters/feed.atom").entries}

    cluster.name, cluster.slug = "A New Name", "a-new-name"
    cluster.save()

    after = {entry.title: entry.id for entry in read_feed(client, "/clusters/feed.atom").entries}
    assert after["A New Name"] == before[Cluster.objects.get(pk=cluster.pk).history.earliest().name]


def test_a_thematic_areas_page_announces_the_feed_of_its_clusters(client):
    area = ThematicArea.objects.public().first()
    area.clusters.add(*Cluster.objects.published().filter(country="PL"))
    page = get_page(client, f"/themes/{area.slug}/")

    feed = read_feed(client, linked_feed(page))

    expected = {cluster.get_absolute_url() for cluster in area.clusters.published()}
    assert {entry.link.removeprefix("http://testserver") for entry in feed.entries} == expected


def test_a_thematic_areas_feed_lists_its_clusters_by_the_day_each_joined_it(client, make_cluster):
    area = ThematicArea.objects.public().first()
    area.clusters.clear()
    with time_machine.travel("2024-01-10 12:00Z", tick=False):
        old = make_cluster(name="Known for years")
    with time_machine.travel("2025-03-01 12:00Z", tick=False):
        recent = make_cluster(name="Published lately")
        area.clusters.add(recent)
    with time_machine.travel("2025-06-01 12:00Z", tick=False):
        # Through staff's acceptance of its request, as through any other way to join.
        join_requests.accept(
            JoinRequest.objects.filter(
                pk=JoinRequest.objects.create(
                    thematic_area=area, cluster=old, email="old@example.org"
                ).pk
            )
        )

    feed = read_feed(client, f"/themes/{area.slug}/feed.atom")

    assert [entry.title for entry in feed.entries] == ["Known for years", "Published lately"]
    assert [entry.published[:10] for entry in feed.entries] == ["2025-06-01", "2025-03-01"]

    # Leaving the area and joining again dates it by the new joining.
    with time_machine.travel("2025-09-01 12:00Z", tick=False):
        recent.thematic_areas.remove(area)
        area.clusters.add(recent)
    feed = read_feed(client, f"/themes/{area.slug}/feed.atom")
    assert [entry.title for entry in feed.entries] == ["Published lately", "Known for years"]


def test_the_case_studies_page_announces_their_feed(client):
    page = get_page(client, "/cases/")

    feed = read_feed(client, linked_feed(page))

    assert [entry.title for entry in feed.entries] == list(
        CaseStudy.objects.published().order_by("-published_at").values_list("title", flat=True)
    )


def test_an_unknown_thematic_areas_feed_is_not_found(client):
    assert client.get("/themes/no-such-area/feed.atom").status_code == 404


def test_a_feed_costs_the_same_queries_at_any_size(client, django_assert_num_queries, make_cluster):
    for number in range(60):
        make_cluster(name=f"Many {number}", country="ES")

    # The fields of activity and the public thematic areas the filters know; the entries.
    with django_assert_num_queries(3):
        feed = read_feed(client, "/clusters/feed.atom?country=ES")

    assert len(feed.entries) == 50
