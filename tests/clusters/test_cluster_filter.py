"""The cluster list's filters, through the real URL, with exact rows from the seed."""

import pytest
from bs4 import BeautifulSoup
from django.http import QueryDict

from clusters.filters import ClusterFilter
from clusters.models import Cluster, Membership, Organisation
from tests.pages import follow, get_page, query_of
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

FRENCH = [
    "Coursive Boutaric", "Darwin Camp Bordeaux", "Domb'Innov", "Figeacteurs",
    "Initiatives et Cité", "InnoVales", "Le Périscope", "Lille Métro Pôle Solidaire",
    "PôleSudAquitain",
]  # fmt: skip
ECCP_REGISTERED = [
    "Arctic Smartness Rural Community", "Impact Noord", "Silicon Vilstal",
    "Smart and Sustainable Arctic Tourism Cluster", "Torino Social Impact",
]  # fmt: skip
# In the order a person expects: Łomża among the L's.
ACTIVITY_UNKNOWN = [
    "Cieszyn Social Cluster",
    "Heritage Trail Social Cluster - Social Enterprises Cluster in Wałbrzych",
    "Łomża Social Economy Cluster",
    "Lower Carpathians Social Economy Cluster",
    "Lower Silesian Cluster of Social Initiatives",
    "Nadodrzański Social Economy Cluster",
]


def names(client, query):
    response = client.get(f"/clusters/?{query}")
    assert response.status_code == 200
    return [cluster.name for cluster in response.context["page"].object_list]


@pytest.fixture(autouse=True)
def _one_page(settings):
    settings.CLUSTER_LIST_PAGE_SIZE = 100


def test_without_filters_it_lists_every_published_cluster(client):
    assert len(names(client, "")) == 62


def test_it_filters_by_country(client):
    assert sorted(names(client, "country=FR")) == sorted(FRENCH)


def test_country_is_repeatable(client):
    found = names(client, "country=FR&country=HR")
    assert len(found) == 9 + 5
    assert set(FRENCH) < set(found)


def test_it_filters_by_model(client):
    assert names(client, "model=ptce") == [
        "Coursive Boutaric", "Domb'Innov", "Figeacteurs", "InnoVales", "Le Périscope",
        "Lille Métro Pôle Solidaire", "PôleSudAquitain",
    ]  # fmt: skip


def test_it_filters_by_legal_structure(client, make_cluster):
    make_cluster(name="Coop Cluster", legal_structure=Cluster.LegalStructure.COOPERATIVE)
    assert names(client, "legal_structure=cooperative") == ["Coop Cluster"]
    assert len(names(client, "legal_structure=unknown")) == 62


def test_it_filters_by_field_of_activity(client):
    assert names(client, "field=education") == [
        "Andalusian Association of Social Economy Education Centres",
        "CTK Rijeka - Centar tehničke kulture Rijeka",
        "Grupo Empresarial de Cooperativas de Enseñanza en la Región de Murcia",
        "The Rediscovery Centre",
    ]


def test_fields_of_activity_combine_as_either(client):
    assert names(client, "field=circularity&field=local-food") == [
        "AgroBioCluster", "Circularium", "The Rediscovery Centre",
    ]  # fmt: skip


def test_a_cluster_in_two_chosen_fields_appears_once(client):
    assert names(client, "field=circularity&field=education").count("The Rediscovery Centre") == 1


def test_it_filters_by_thematic_area(client):
    skills = ThematicArea.objects.get(slug="skills")
    Cluster.objects.get(name="Impact Noord").thematic_areas.add(skills)
    Cluster.objects.get(name="Circularium").thematic_areas.add(
        skills, ThematicArea.objects.get(slug="public-procurement")
    )
    assert names(client, "theme=skills") == ["Circularium", "Impact Noord"]
    assert names(client, "theme=skills&theme=public-procurement") == ["Circularium", "Impact Noord"]


def test_a_proposed_thematic_area_is_not_a_filter(client):
    ThematicArea.objects.create(name="Secret", status=ThematicArea.Status.PROPOSED)
    response = client.get("/clusters/?theme=secret")
    assert response.status_code == 200
    assert response.context["listing"].ignored == [("Thematic area", "secret")]
    assert len(response.context["page"].object_list) == 62


def test_it_filters_by_member_type(client):
    assert names(client, "member_type=civil_society") == ["AgroBioCluster"]
    assert names(client, "member_type=local_authority") == []


def test_it_filters_by_eccp_registration_with_three_values(client, make_cluster):
    make_cluster(name="Not On The Platform", eccp_registered=Cluster.EccpRegistration.NO)
    assert names(client, "eccp=yes") == ECCP_REGISTERED
    assert names(client, "eccp=no") == ["Not On The Platform"]
    # The mapping marks the registered clusters only: about the others it says nothing.
    assert len(names(client, "eccp=unknown")) == 62 - 5


def test_it_filters_by_activity(client):
    assert names(client, "activity=unknown") == ACTIVITY_UNKNOWN
    assert names(client, "activity=inactive") == []
    assert names(client, "activity=active") == []
    assert len(names(client, "activity=listed")) == 62 - 6


def test_filters_combine(client):
    assert names(client, "country=FI&eccp=yes") == [
        "Arctic Smartness Rural Community", "Smart and Sustainable Arctic Tourism Cluster",
    ]  # fmt: skip
    assert names(client, "country=PL&activity=unknown&model=social_economy_cluster") == (
        ACTIVITY_UNKNOWN
    )
    assert names(client, "country=ES&field=education&q=murcia") == [
        "Grupo Empresarial de Cooperativas de Enseñanza en la Región de Murcia"
    ]


def test_it_sorts_by_country_with_unknown_countries_last(client):
    found = names(client, "sort=country")
    assert found[0] == "Circularium"  # BE, then by name
    assert found[-1] == "Vierwerk / 4Werk"


def test_it_sorts_by_most_recently_updated(client):
    cluster = Cluster.objects.get(name="Impact Noord")
    cluster.short_description = "Updated"
    cluster.save()
    assert names(client, "sort=-updated")[0] == "Impact Noord"


def test_next_shows_the_following_rows_and_keeps_the_filters(client, settings):
    settings.CLUSTER_LIST_PAGE_SIZE = 20
    first = get_page(client, "/clusters/?eccp=unknown&sort=name")
    every = names(client, "eccp=unknown&sort=name&page=1") + names(
        client, "eccp=unknown&sort=name&page=2"
    )

    second = follow(client, first, first.soup.find("a", rel="next"))

    assert query_of(second.url) == {"eccp": ["unknown"], "sort": ["name"], "page": ["2"]}
    assert second.context["page"].number == 2
    assert [cluster.name for cluster in second.context["page"].object_list] == every[20:40]
    third = follow(client, second, second.soup.find("a", rel="next"))
    assert query_of(third.url) == {"eccp": ["unknown"], "sort": ["name"], "page": ["3"]}
    back = follow(client, third, third.soup.find("a", rel="prev"))
    assert [cluster.name for cluster in back.context["page"].object_list] == every[20:40]


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "page=abc",
        "page=99999",
        "page=-1",
        "eccp=maybe",
        "sort=drop",
        "model=%00",
        "q=%00",
        "q=lo%00mza%E2%80%AE",
        "field=nope&theme=nope",
        "activity[]=x",
        "q=" + "x" * 5000,
        "q=%27%26%7C%21%3A%2A%28%29",
        "country=FR&country=",
    ],
)
def test_malformed_parameters_never_cause_a_server_error(client, query):
    response = client.get(f"/clusters/?{query}")
    assert response.status_code == 200


def test_an_unknown_value_is_named_in_the_sites_own_words(client):
    page = get_page(client, "/clusters/?country=ZZ")
    notice = page.soup.find(class_="notice").get_text(" ", strip=True)
    assert notice == (
        "Some values in this address are not among the choices, so they were left out; "
        "the other filters still apply: Country: “ZZ”"
    )
    assert "Select a valid choice" not in page.text
    assert len(page.context["page"].object_list) == 62


@pytest.mark.parametrize(
    ("query", "expected", "ignored"),
    [
        ("country=PL&country=XX", "country=PL", [("Country", "XX")]),
        ("country=XX&country=PL", "country=PL", [("Country", "XX")]),
        ("field=education&field=nope", "field=education", [("Field of activity", "nope")]),
        ("theme=skills&theme=nope", "theme=skills", [("Thematic area", "nope")]),
        ("model=franchise&model=ptce", "model=ptce", [("Model", "franchise")]),
        (
            "eccp=maybe&country=FI",
            "country=FI",
            [("European Cluster Collaboration Platform", "maybe")],
        ),
    ],
)
def test_an_unknown_value_among_known_ones_is_ignored_and_the_known_ones_apply(
    client, query, expected, ignored
):
    Cluster.objects.get(name="Impact Noord").thematic_areas.add(
        ThematicArea.objects.get(slug="skills")
    )
    page = get_page(client, f"/clusters/?{query}")

    assert page.context["listing"].ignored == ignored
    assert [cluster.name for cluster in page.context["page"].object_list] == names(client, expected)
    assert page.context["listing"].total == len(names(client, expected)) < 62


@pytest.mark.parametrize("path", ["/clusters/", "/embed/list/", "/embed/map/"])
def test_a_box_is_applied_and_not_said_to_be_left_out_and_a_malformed_one_is(client, path):
    finland = get_page(client, f"{path}?bbox=19,59,32,71")
    assert finland.context["listing"].ignored == []
    assert finland.soup.find(class_="notice") is None
    assert finland.context["listing"].total == 3

    malformed = get_page(client, f"{path}?bbox=19,59,north")
    label = "Inside the box west,south,east,north, in degrees"
    assert malformed.context["listing"].ignored == [(label, "19,59,north")]
    assert "19,59,north" in malformed.soup.find(class_="notice").get_text()
    assert malformed.context["listing"].total == 62


def facets_of(client, url):
    return {facet.parameter: facet for facet in client.get(url).context["listing"].facets}


def test_facet_counts_match_the_rows(client):
    facets = facets_of(client, "/clusters/")
    counts = {option.value: option.count for option in facets["country"].options}
    assert counts["FR"] == 9
    assert counts["PL"] == 8
    assert "" not in counts
    assert {option.value: option.count for option in facets["eccp"].options} == {
        "yes": 5, "unknown": 57,
    }  # fmt: skip
    for facet in facets.values():
        for option in facet.options:
            assert len(names(client, f"{facet.parameter}={option.value}")) == option.count


def test_a_facet_ignores_its_own_selection_but_honours_the_others(client):
    facets = facets_of(client, "/clusters/?country=FR")
    countries = {option.value: option for option in facets["country"].options}
    assert countries["ES"].count == 8 and not countries["ES"].selected
    assert countries["FR"].selected
    assert {option.value: option.count for option in facets["model"].options} == {
        "ptce": 7, "other": 2,
    }  # fmt: skip


def test_active_filters_show_as_chips_that_remove_themselves(client):
    response = client.get("/clusters/?country=FR&country=ES&eccp=unknown")
    soup = BeautifulSoup(response.content, "html.parser")
    chips = soup.find("ul", attrs={"aria-label": "Active filters"}).find_all("a")
    france = next(chip for chip in chips if "France" in chip.get_text())
    assert names(client, france["href"].lstrip("?")) == names(client, "country=ES&eccp=unknown")


def test_the_empty_state_suggests_removing_a_filter(client):
    response = client.get("/clusters/?country=FR&eccp=yes")
    soup = BeautifulSoup(response.content, "html.parser")
    assert "No cluster matches" in soup.get_text()
    assert soup.find("a", string=lambda text: text and "Remove" in text)


def test_each_result_shows_what_the_list_promises(client):
    response = client.get("/clusters/?q=Torino")
    card = BeautifulSoup(response.content, "html.parser").find("article", class_="cluster-card")
    text = card.get_text(" ", strip=True)
    assert "Torino Social Impact" in text
    assert "Italy" in text and "Turin" in text
    assert "Social innovation cluster" in text
    assert "ECCP registered" in text
    assert card.find("img", class_="flag")


def test_member_counts_do_not_count_a_cluster_twice(client):
    organisation = Organisation.objects.create(name="Second", type="civil_society", country="PL")
    Membership.objects.create(
        cluster=Cluster.objects.get(name="AgroBioCluster"), organisation=organisation
    )
    counts = {
        option.value: option.count
        for option in facets_of(client, "/clusters/")["member_type"].options
    }
    assert counts == {"civil_society": 1}


def test_member_type_counts_add_up_over_clusters_with_different_mixes_of_members(
    client, empty_directory, make_cluster
):
    mixes = {
        "Both": ["civil_society", "local_authority"],
        "Civil society only": ["civil_society"],
        "Authority and other": ["local_authority", "other"],
        "Elsewhere": ["civil_society"],
    }
    for name, types in mixes.items():
        cluster = make_cluster(name=name, country="BE" if name == "Elsewhere" else "FR")
        for kind in types:
            organisation = Organisation.objects.create(name=f"{name} {kind}", type=kind)
            Membership.objects.create(cluster=cluster, organisation=organisation)

    def counts(url):
        return {
            option.value: option.count for option in facets_of(client, url)["member_type"].options
        }

    assert counts("/clusters/") == {"civil_society": 3, "local_authority": 2, "other": 1}
    assert counts("/clusters/?country=FR") == {"civil_society": 2, "local_authority": 2, "other": 1}
    # A facet counts under the other filters, not its own.
    assert counts("/clusters/?country=FR&member_type=other") == counts("/clusters/?country=FR")


# The seed clusters that name no country and have no coordinates: not on the map.
NOT_ON_THE_MAP = [
    "Base 202", "Comptoir des ressources créatives", "Elephant path",
    "GOEL - Cooperative Group", "Le Cluster ESS Grande Région", "Vierwerk / 4Werk",
]  # fmt: skip


def test_it_filters_by_how_precisely_the_map_places_a_cluster(client):
    assert names(client, "precision=none") == NOT_ON_THE_MAP
    # Ten known only by their country, and one placed at its country by the mapping itself.
    assert len(names(client, "precision=country")) == 10 + 1
    assert len(names(client, "precision=region")) == 20
    assert len(names(client, "precision=city")) == 62 - 6 - 11 - 20
    assert len(names(client, "precision=region&precision=country")) == 31


def test_a_cluster_is_placed_as_exactly_as_its_data_allows(client, empty_directory, make_cluster):
    make_cluster(name="Town", latitude=45, longitude=2, location_precision="city")
    make_cluster(name="Region", latitude=45, longitude=2, location_precision="region")
    make_cluster(name="Coordinates with no precision stated", latitude=45, longitude=2)
    make_cluster(
        name="Country only, but a town was named", city="Figeac", location_precision="city"
    )
    make_cluster(name="Nowhere", country="")

    assert names(client, "precision=city") == ["Coordinates with no precision stated", "Town"]
    assert names(client, "precision=region") == ["Region"]
    assert names(client, "precision=country") == ["Country only, but a town was named"]
    assert names(client, "precision=none") == ["Nowhere"]


def test_the_box_keeps_the_clusters_the_map_places_inside_it(client, empty_directory, make_cluster):
    make_cluster(name="Lyon", latitude=45.76, longitude=4.84)
    make_cluster(name="France, by its country's point", country="FR")
    make_cluster(name="Helsinki", country="FI", latitude=60.17, longitude=24.94)
    make_cluster(name="Nowhere", country="")

    assert names(client, "bbox=-5.5,41,10,51.5") == ["France, by its country's point", "Lyon"]
    assert names(client, "bbox=-5.5,41,10,51.5&country=FI") == []
    assert names(client, "bbox=20,55,30,65") == ["Helsinki"]
    # One that cannot be read narrows nothing.
    assert len(names(client, "bbox=30,65,20,55")) == 4


def test_the_box_is_a_filter_of_the_one_filter_object(empty_directory, make_cluster):
    lyon = make_cluster(name="Lyon", latitude=45.76, longitude=4.84)
    make_cluster(name="Helsinki", country="FI", latitude=60.17, longitude=24.94)

    filterset = ClusterFilter(
        QueryDict("bbox=-5.5,41,10,51.5"),
        queryset=Cluster.objects.published().with_map_precision(),
        terms=ClusterFilter.linked_terms(),
    )

    assert [cluster.pk for cluster in filterset.qs] == [lyon.pk]
