"""The organisations in public: /organisations/, each organisation's page, who cooperates
with whom, and /api/organisations.json."""

import io
from collections import Counter
from itertools import combinations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster, Membership, Organisation
from clusters.organisations import CLUSTER_RANGES
from clusters.services import merging, moderation
from clusters.services.members import set_members
from tests.pages import follow, get_page, query_of

LIST = "/organisations/"
JSON = "/api/organisations.json"
UNIMOS = "/organisations/unimos-foundation/"


def member(name, kind="civil_society", country="PL", role="member"):
    return {"name": name, "type": kind, "country": country, "role": role, "website": ""}


def facet_counts(page, parameter):
    """{value: count} of a facet of the list, as the page shows it."""
    counts = {}
    for box in page.soup.select(f'input[type="checkbox"][name="{parameter}"]'):
        label = box.find_parent("label")
        counts[box["value"]] = int(label.select_one(".facet__count").get_text(strip=True)[1:-1])
    return counts


def listed_names(page):
    return [link.get_text() for link in page.soup.select(".organisation-card__name a")]


def json_organisations(client, query=""):
    """Every record of /api/organisations.json for the query, following `next`."""
    records, address = [], f"{JSON}{query}"
    while address:
        document = client.get(address).json()
        records += document["organisations"]
        address = document["next"]
    assert document["count"] == len(records)
    return records


@pytest.fixture
def generated(db):
    """Sixty generated clusters: organisations in one cluster or several, of every type."""
    call_command("generate_demo_data", clusters=60, stdout=io.StringIO())


def public_truth():
    """Each public organisation with its number of published clusters, counted the long way."""
    counts = Counter(
        Membership.objects.filter(cluster__status=Cluster.Status.PUBLISHED).values_list(
            "organisation_id", flat=True
        )
    )
    organisations = Organisation.objects.filter(pk__in=counts)
    return {organisation: counts[organisation.pk] for organisation in organisations}


def in_range(count, value):
    low, high = CLUSTER_RANGES[value]
    return count >= low and (high is None or count <= high)


def test_the_seed_lists_its_one_known_member_with_exact_facets(anonymous, seed):
    page = get_page(anonymous, LIST)

    assert listed_names(page) == ["UNIMOS Foundation"]
    assert page.soup.select_one(".results__count").get_text(strip=True) == "1 organisation"
    assert facet_counts(page, "type") == {"civil_society": 1}
    assert facet_counts(page, "country") == {"PL": 1}
    assert facet_counts(page, "clusters") == {"1": 1}
    assert "AgroBioCluster" in page.text


def test_every_facet_count_is_exact_on_generated_data(anonymous, generated):
    truth = public_truth()
    page = get_page(anonymous, LIST)

    assert facet_counts(page, "type") == dict(Counter(o.type for o in truth))
    assert facet_counts(page, "country") == dict(Counter(o.country.code for o in truth))
    assert facet_counts(page, "clusters") == {
        value: count
        for value in CLUSTER_RANGES
        if (count := sum(in_range(n, value) for n in truth.values()))
    }
    assert page.context["listing"].total == len(truth)


def test_a_facet_counts_under_every_filter_but_its_own(anonymous, generated):
    truth = public_truth()
    page = get_page(anonymous, f"{LIST}?type=local_authority&clusters=2&clusters=3-4")

    def matching(kind=None, ranges=None):
        return [
            organisation
            for organisation, count in truth.items()
            if (kind is None or organisation.type == kind)
            and (ranges is None or any(in_range(count, value) for value in ranges))
        ]

    shown = matching("local_authority", ["2", "3-4"])
    assert page.context["listing"].total == len(shown) > 0
    assert sorted(listed_names(page)) == sorted(o.name for o in shown)[:40]
    types = Counter(o.type for o in matching(ranges=["2", "3-4"]))
    assert facet_counts(page, "type") == dict(types)
    ranges = facet_counts(page, "clusters")
    for value in CLUSTER_RANGES:
        expected = len(matching("local_authority", [value]))
        assert ranges.get(value, 0) == expected


def test_the_search_ignores_case_and_accents(anonymous, make_cluster):
    cluster = make_cluster(name="Łąka Cluster", country="PL")
    set_members(cluster, [member("Spółdzielnia Łąka"), member("Fundacja Inna")])

    for query in ["LAKA", "spoldzielnia", "Spółdzielnia łąka"]:
        assert "Spółdzielnia Łąka" in listed_names(get_page(anonymous, f"{LIST}?q={query}"))
    assert "Spółdzielnia Łąka" not in listed_names(get_page(anonymous, f"{LIST}?q=inna"))


def test_the_pages_follow_one_another_and_keep_the_filters(anonymous, generated, settings):
    settings.ORGANISATION_LIST_PAGE_SIZE = 5
    page = get_page(anonymous, f"{LIST}?type=social_economy_enterprise&sort=-clusters")
    seen = []
    while True:
        seen += listed_names(page)
        following = page.soup.select_one('.pagination a[rel="next"]')
        if following is None:
            break
        page = follow(anonymous, page, following)
        assert query_of(page.url)["type"] == ["social_economy_enterprise"]
        assert query_of(page.url)["sort"] == ["-clusters"]
    expected = Organisation.objects.public().filter(type="social_economy_enterprise")
    assert len(seen) == expected.count()
    in_order = expected.order_by("-published_cluster_count", "name_key", "pk")
    assert seen == [organisation.name for organisation in in_order]


@pytest.mark.parametrize(
    "query",
    [
        "?type=nonsense&country=ZZ&clusters=9&sort=sideways&page=last",
        "?page=-3&q=" + "x" * 400,
        "?country=PL&country=PL&type=",
        "?q=%00%01",
    ],
)
def test_odd_addresses_give_a_page_never_an_error(anonymous, seed, query):
    page = get_page(anonymous, LIST + query)

    assert page.soup.select_one(".results__count")


def test_values_that_are_not_choices_are_named_and_the_others_still_apply(anonymous, seed):
    page = get_page(anonymous, f"{LIST}?country=PL&country=XX&type=robots")

    assert listed_names(page) == ["UNIMOS Foundation"]
    notice = page.soup.select_one(".notice--warning").get_text(" ", strip=True)
    assert "“XX”" in notice and "“robots”" in notice


def test_an_organisation_page_shows_its_clusters_and_roles(anonymous, seed):
    page = get_page(anonymous, UNIMOS)

    assert page.soup.h1.get_text() == "UNIMOS Foundation"
    assert "Civil society organisation" in page.text
    [membership] = page.soup.select(".membership-list li")
    assert membership.a.get_text() == "AgroBioCluster"
    assert "Coordinator" in membership.get_text()
    assert follow(anonymous, page, membership.a).soup.h1.get_text() == "AgroBioCluster"


def test_members_on_a_cluster_page_link_to_their_pages(anonymous, seed):
    page = get_page(anonymous, "/clusters/agrobiocluster/")

    link = page.soup.select_one(".member-list a")
    assert link.get_text() == "UNIMOS Foundation"
    assert follow(anonymous, page, link).url.endswith(UNIMOS)


@pytest.fixture
def pending_member(make_cluster):
    """An organisation whose only cluster waits for review."""
    cluster = make_cluster(name="Pending Cluster", status=Cluster.Status.PENDING)
    set_members(cluster, [member("Hidden Cooperative", "social_economy_enterprise")])
    return Organisation.objects.get(name="Hidden Cooperative")


def test_a_member_of_only_unpublished_clusters_is_nowhere_in_public(anonymous, pending_member):
    assert pending_member.slug == "hidden-cooperative"
    get_page(anonymous, "/organisations/hidden-cooperative/", status=404)
    assert "Hidden Cooperative" not in listed_names(get_page(anonymous, LIST))
    assert not listed_names(get_page(anonymous, f"{LIST}?q=hidden"))
    assert "Hidden Cooperative" not in {o["name"] for o in json_organisations(anonymous)}
    clusters = anonymous.get("/api/clusters.json?page_size=1000").json()["clusters"]
    assert "Hidden Cooperative" not in {m["name"] for c in clusters for m in c["members"]}
    sitemap = b"".join(
        anonymous.get(f"/sitemap-organisations.xml?p={number}").content for number in (1,)
    )
    assert b"hidden-cooperative" not in sitemap
    assert get_page(anonymous, LIST).context["listing"].total == 1


def test_publishing_its_cluster_makes_it_public_and_archiving_hides_it(anonymous, pending_member):
    cluster = Cluster.objects.get(name="Pending Cluster")

    moderation.publish(cluster)
    page = get_page(anonymous, "/organisations/hidden-cooperative/")
    assert "Pending Cluster" in page.text

    moderation.archive(cluster)
    get_page(anonymous, "/organisations/hidden-cooperative/", status=404)


def test_the_count_of_clusters_follows_every_change_of_membership(make_cluster):
    first = make_cluster(name="First")
    second = make_cluster(name="Second")
    set_members(first, [member("Shared Workshop"), member("Only First")])
    set_members(second, [member("Shared Workshop")])
    shared = Organisation.objects.get(name="Shared Workshop")
    assert shared.published_cluster_count == 2

    set_members(second, [member("Someone Else")])
    shared.refresh_from_db()
    assert shared.published_cluster_count == 1

    first.delete()
    shared.refresh_from_db()
    assert shared.published_cluster_count == 0
    assert not Organisation.objects.public().filter(name__in=["Shared Workshop"]).exists()


def test_without_a_search_the_counts_are_kept_until_the_directory_changes(
    anonymous, make_cluster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_members(make_cluster(name="First"), [member("Town Hall", kind="local_authority")])
    assert facet_counts(get_page(anonymous, LIST), "type")["local_authority"] == 1

    with CaptureQueriesContext(connection) as captured:
        get_page(anonymous, LIST)
    assert not [query for query in captured if "GROUP BY" in query["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        set_members(make_cluster(name="Second"), [member("City Hall", kind="local_authority")])
    assert facet_counts(get_page(anonymous, LIST), "type")["local_authority"] == 2


def test_a_merged_organisation_address_answers_301_to_the_kept_one(anonymous, make_cluster):
    set_members(make_cluster(name="North"), [member("Caritas Polska")])
    set_members(make_cluster(name="South"), [member("Caritas PL")])
    kept = Organisation.objects.get(name="Caritas Polska")
    duplicate = Organisation.objects.get(name="Caritas PL")

    merging.merge_organisations(kept, [duplicate])

    response = anonymous.get("/organisations/caritas-pl/")
    assert response.status_code == 301
    assert response["Location"] == "/organisations/caritas-polska/"
    page = get_page(anonymous, "/organisations/caritas-polska/")
    assert {link.get_text() for link in page.soup.select(".membership-list a")} == {
        "North",
        "South",
    }


def test_an_address_is_kept_through_a_rename_and_unique_across_countries(make_cluster):
    set_members(make_cluster(country="PL"), [member("Caritas")])
    set_members(make_cluster(country="DE"), [member("Caritas", country="DE")])
    polish = Organisation.objects.get(name="Caritas", country="PL")
    german = Organisation.objects.get(name="Caritas", country="DE")
    assert {polish.slug, german.slug} == {"caritas", "caritas-de"}

    polish.name = "Caritas Polska"
    polish.save()
    polish.refresh_from_db()
    assert polish.slug in {"caritas", "caritas-pl"}
    assert Organisation.objects.filter(slug=polish.slug).count() == 1


def test_shared_members_are_named_on_both_clusters_pages_and_exact(anonymous, generated):
    members = {
        cluster: set(cluster.memberships.values_list("organisation_id", flat=True))
        for cluster in Cluster.objects.published()
    }
    pairs = [
        (a, b, len(members[a] & members[b]))
        for a, b in combinations(members, 2)
        if members[a] & members[b]
    ]
    assert pairs, "the generated clusters share some members"
    for a, b, shared in pairs[:8]:
        for this, other in ((a, b), (b, a)):
            page = get_page(anonymous, this.get_absolute_url())
            lines = {
                item.a.get_text(): item.get_text(" ", strip=True)
                for item in page.soup.select(".sharing-list li")
            }
            word = "member" if shared == 1 else "members"
            expected = f"Shares {shared} {word} with {other.name}"
            total = sum(1 for c in members if c != this and members[c] & members[this])
            assert page.context["sharing"][0].sharing_total == total
            if other.name in lines:
                assert lines[other.name].startswith(expected)
            else:
                # Not among the most shared: it shares no more than the last one named.
                assert shared <= page.context["sharing"][-1].shared


def test_an_organisation_page_names_its_partners_exactly(anonymous, generated):
    organisation = Organisation.objects.public().order_by("-published_cluster_count").first()
    clusters = set(organisation.memberships.values_list("cluster_id", flat=True))
    partners = Counter(
        Membership.objects.filter(cluster__in=clusters)
        .exclude(organisation=organisation)
        .values_list("organisation__name", flat=True)
    )

    page = get_page(anonymous, organisation.get_absolute_url())

    assert page.context["partner_total"] == len(partners)
    for item in page.soup.select(".partner-list li"):
        name = item.a.get_text()
        count = partners[name]
        assert f"{count} shared cluster" in item.get_text()


def test_the_json_api_pages_through_every_public_organisation_once(anonymous, generated):
    truth = public_truth()

    records = json_organisations(anonymous, "?page_size=7")

    assert [record["slug"] for record in records] == [
        o.slug for o in sorted(truth, key=lambda o: (o.name_key, o.pk))
    ]
    by_slug = {o.slug: count for o, count in truth.items()}
    for record in records[:20]:
        assert record["cluster_count"] == len(record["clusters"]) == by_slug[record["slug"]]
        assert set(record) == {
            "name", "slug", "url", "type", "country", "country_name", "website",
            "cluster_count", "clusters",
        }  # fmt: skip


def test_the_json_api_takes_the_list_filters(anonymous, generated):
    records = json_organisations(anonymous, "?type=local_authority&country=FR")

    assert records
    assert {(r["type"], r["country"]) for r in records} == {("local_authority", "FR")}


def test_the_cluster_api_carries_each_clusters_members(anonymous, seed):
    clusters = anonymous.get("/api/clusters.json?q=agrobiocluster").json()["clusters"]

    assert clusters[0]["members"] == [
        {
            "name": "UNIMOS Foundation",
            "slug": "unimos-foundation",
            "url": "http://testserver/organisations/unimos-foundation/",
            "type": "civil_society",
            "country": "PL",
            "role": "coordinator",
            "since": None,
        }
    ]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [5, 40])
def test_the_list_runs_three_queries_for_any_number_of_rows(
    anonymous, generated, settings, django_assert_num_queries, size
):
    settings.ORGANISATION_LIST_PAGE_SIZE = size

    # 1. the matching organisations counted by type, country and range of clusters, which
    # gives every facet and the total; 2. the page of organisations; 3. the clusters of
    # those in few enough to be named.
    with django_assert_num_queries(3):
        page = get_page(anonymous, f"{LIST}?country=FR&q=a&sort=-clusters")

    assert len(listed_names(page)) == min(size, page.context["listing"].total)


def test_an_organisation_page_runs_three_queries_however_many_clusters(anonymous, generated):
    small = Organisation.objects.public().order_by("published_cluster_count").first()
    large = Organisation.objects.public().order_by("-published_cluster_count").first()
    assert small.published_cluster_count < large.published_cluster_count

    # 1. the organisation; 2. its page of clusters; 3. the organisations it cooperates with.
    assert queries(anonymous, small.get_absolute_url()) == 3
    assert queries(anonymous, large.get_absolute_url()) == 3


@pytest.mark.parametrize("size", [3, 50])
def test_a_page_of_the_json_api_runs_three_queries_for_any_size(
    anonymous, generated, django_assert_num_queries, size
):
    # 1. the counts; 2. the page of organisations; 3. their published clusters.
    with django_assert_num_queries(3):
        response = anonymous.get(f"{JSON}?page_size={size}&type=civil_society")

    assert len(response.json()["organisations"]) == size
