"""Text search `q`: full-text and typo-tolerant on PostgreSQL, a plain match on SQLite."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster, FieldOfActivity, Membership, Organisation
from core.text import fold
from tests.pages import get_page
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL search features"
)


def search(client, query):
    response = client.get("/clusters/", {"q": query})
    assert response.status_code == 200
    return [cluster.name for cluster in response.context["page"].object_list]


def test_it_finds_clusters_by_a_word_of_their_name(client):
    assert search(client, "arctic") == [
        "Arctic Smartness Rural Community",
        "Lapland - Arctic Social Economy Cluster",
        "Smart and Sustainable Arctic Tourism Cluster",
    ]


def test_it_ignores_case(client):
    assert search(client, "TORINO") == ["Torino Social Impact"]


def test_it_searches_the_city_and_region(client):
    assert set(search(client, "Murcia")) == {
        "Atelier El Costurerico",
        "Grupo Empresarial de Cooperativas de Enseñanza en la Región de Murcia",
    }


def test_it_searches_the_description(client, make_cluster):
    make_cluster(name="Quiet Cluster", description="We repair bicycles with young people.")
    assert search(client, "bicycles") == ["Quiet Cluster"]


def test_it_searches_member_names(client):
    assert search(client, "UNIMOS") == ["AgroBioCluster"]


def test_every_word_must_match(client):
    assert search(client, "arctic tourism") == ["Smart and Sustainable Arctic Tourism Cluster"]


def test_it_finds_nothing_for_an_unknown_word(client):
    assert search(client, "xyzzyplugh") == []


def test_it_does_not_show_unpublished_clusters(client, make_cluster):
    make_cluster(name="Hidden Arctic Draft", status=Cluster.Status.DRAFT)
    assert "Hidden Arctic Draft" not in search(client, "arctic")


@pytest.mark.parametrize("query", ["'", "|!", "(((", "\\", "%", "_"])
def test_search_syntax_characters_are_taken_literally(client, make_cluster, query):
    make_cluster(name=f"Literal {query} Cluster")

    holding = {
        cluster.name
        for cluster in Cluster.objects.published()
        if fold(query) in cluster.search_text
    }

    found = search(client, query)

    # As a wildcard or an operator the query would match every cluster; as text it matches
    # at most the clusters that hold it, and they are few.
    assert set(found) <= holding
    assert len(holding) < 5 < Cluster.objects.published().count()


def test_a_prefix_operator_is_not_a_prefix_search(client):
    # Read as PostgreSQL's prefix syntax, "a:*" would find every word beginning with "a".
    assert "Arctic Smartness Rural Community" not in search(client, "a:*")


def test_an_ampersand_reads_as_and(client):
    assert search(client, "research & innovation") == search(client, "research and innovation")


def test_a_blank_search_lists_every_cluster(client):
    assert len(search(client, "   ")) == len(search(client, ""))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lomza", "Łomża Social Economy Cluster"),
        ("ŁOMŻA", "Łomża Social Economy Cluster"),
        ("łomża", "Łomża Social Economy Cluster"),
        ("orebro", "The Partnership for social innovation in Örebro County"),
        ("ÖREBRO", "The Partnership for social innovation in Örebro County"),
        ("walbrzych", "Heritage Trail Social Cluster - Social Enterprises Cluster in Wałbrzych"),
        ("CIESZYN", "Cieszyn Social Cluster"),
    ],
)
def test_it_ignores_case_and_accents_on_every_database(client, query, found):
    assert search(client, query) == [found]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Klastr", "SINEC - Social Innovation and Enterprise Cluster"),
        ("socialnich inovaci", "SINEC - Social Innovation and Enterprise Cluster"),
        ("Esnaf", "Shopkeepers Artisans and Production Marketing Cooperative"),
        ("Üreticiler", "Shopkeepers Artisans and Production Marketing Cooperative"),
    ],
)
def test_it_finds_a_cluster_by_another_name_it_is_known_by(client, query, found):
    assert search(client, query) == [found]


def test_a_search_of_many_words_uses_the_first_eight(client):
    assert search(client, "arctic tourism " + "cluster " * 50) == [
        "Smart and Sustainable Arctic Tourism Cluster"
    ]


@postgresql_only
def test_it_tolerates_small_typos(client):
    assert search(client, "torino sociel") == ["Torino Social Impact"]


def test_it_ranks_a_name_match_above_a_description_match_on_every_database(client, make_cluster):
    make_cluster(name="Alpha Partnership", description="Works with the Circularium in Brussels.")
    assert search(client, "circularium") == ["Circularium", "Alpha Partnership"]


def test_the_best_match_puts_names_holding_every_word_first_then_sorts_by_name(
    client, make_cluster
):
    make_cluster(name="Beta Food Hub", description="Local food.")
    make_cluster(name="Alpha Hub", description="Local food for schools.")
    make_cluster(name="Gamma Local Food", description="A food hub.")
    assert search(client, "food hub") == ["Beta Food Hub", "Alpha Hub", "Gamma Local Food"]


def test_it_finds_member_names_without_accents(client):
    organisation = Organisation.objects.create(name="Spółdzielnia Łąka", country="PL")
    Membership.objects.create(
        cluster=Cluster.objects.get(name="Cieszyn Social Cluster"), organisation=organisation
    )
    assert search(client, "spoldzielnia") == ["Cieszyn Social Cluster"]


def test_a_member_added_later_is_found(client, make_cluster):
    cluster = make_cluster(name="Plain Cluster")
    organisation = Organisation.objects.create(name="Zephyr Cooperative", country="FR")
    assert search(client, "zephyr") == []
    Membership.objects.create(cluster=cluster, organisation=organisation)
    assert search(client, "zephyr") == ["Plain Cluster"]


def test_a_renamed_member_is_found_by_its_new_name(client, make_cluster):
    organisation = Organisation.objects.create(name="Old Name Coop", country="FR")
    Membership.objects.create(cluster=make_cluster(name="Plain Cluster"), organisation=organisation)
    organisation.name = "Quokka Coop"
    organisation.save()
    assert search(client, "quokka") == ["Plain Cluster"]
    assert search(client, "Old Name Coop") == []


def test_a_removed_member_is_no_longer_found(client, make_cluster):
    organisation = Organisation.objects.create(name="Zephyr Cooperative", country="FR")
    membership = Membership.objects.create(
        cluster=make_cluster(name="Plain Cluster"), organisation=organisation
    )
    membership.delete()
    assert search(client, "zephyr") == []


def test_an_edited_description_is_found(client, seed):
    cluster = Cluster.objects.get(name="Impact Noord")
    cluster.description = "Supports wombat rescue."
    cluster.save()
    assert search(client, "wombat") == ["Impact Noord"]


def test_names_sort_as_a_person_expects_on_every_database(client, settings):
    settings.CLUSTER_LIST_PAGE_SIZE = 100
    found = [
        cluster.name for cluster in client.get("/clusters/?sort=name").context["page"].object_list
    ]
    # Capitals and accents do not move a name: ecoBI among the E's, Łomża among the L's.
    assert found.index("AgroBioCluster") < found.index("ANE - Navarra Social Economy Cluster")
    assert (
        found.index("Eco-construction clusters (Grappes d'entreprises) Wallonie")
        < found.index("ecoBI")
        < found.index("Elephant path")
    )
    assert (
        found.index("Lithuanian Social Innovation Cluster (LSIC)")
        < found.index("Łomża Social Economy Cluster")
        < found.index("Lower Carpathians Social Economy Cluster")
    )
    assert found == sorted(found, key=fold)


def test_without_a_search_the_sort_box_names_the_order_used(client):
    page = get_page(client, "/clusters/")
    options = page.soup.find("select", attrs={"name": "sort"}).find_all("option")
    assert [option.get_text() for option in options] == ["Name", "Recently updated", "Country"]
    assert [option.get_text() for option in options if option.has_attr("selected")] == ["Name"]


def test_with_a_search_the_sort_box_offers_the_best_match_first(client):
    page = get_page(client, "/clusters/?q=social")
    options = page.soup.find("select", attrs={"name": "sort"}).find_all("option")
    assert [option.get_text() for option in options] == [
        "Best match", "Name", "Recently updated", "Country",
    ]  # fmt: skip
    assert [option.get_text() for option in options if option.has_attr("selected")] == [
        "Best match"
    ]
    sorted_page = get_page(client, "/clusters/?q=social&sort=country")
    chosen = sorted_page.soup.find("select", attrs={"name": "sort"}).find("option", selected=True)
    assert chosen.get_text() == "Country"


def spanish_clusters():
    return set(Cluster.objects.published().filter(country="ES").values_list("name", flat=True))


@pytest.mark.parametrize(
    "query", ["Spain", "Espagne", "Spanien", "España", "Spagna", "Hiszpania", "ESPANA", "espagne"]
)
def test_a_country_named_in_any_of_the_six_languages_finds_its_clusters(client, query):
    assert len(spanish_clusters()) > 1
    assert set(search(client, query)) == spanish_clusters()


def test_a_country_name_finds_its_clusters_from_a_page_in_another_language(client):
    response = client.get("/pl/clusters/", {"q": "Espagne"})
    assert {cluster.name for cluster in response.context["page"].object_list} == (
        spanish_clusters()
    )


def test_a_thematic_area_named_in_french_finds_the_clusters_that_joined_it(client):
    thematic_area = ThematicArea.objects.get(name_en="Public Procurement")
    cluster = Cluster.objects.get(name="Impact Noord")
    cluster.thematic_areas.add(thematic_area)

    assert search(client, "commande publique") == ["Impact Noord"]
    assert search(client, "Zamówienia publiczne") == ["Impact Noord"]

    cluster.thematic_areas.remove(thematic_area)
    assert search(client, "commande publique") == []


def test_a_field_of_activity_named_in_any_language_finds_its_clusters(client):
    tagged = set(
        Cluster.objects.published()
        .filter(fields_of_activity__slug="local-food")
        .values_list("name", flat=True)
    )
    assert tagged
    for query in ("Alimentation locale", "nachhaltige Landwirtschaft", "zrównoważone rolnictwo"):
        assert tagged <= set(search(client, query)), query


def test_a_translation_staff_change_is_searched_at_once(client):
    term = FieldOfActivity.objects.get(slug="housing")
    tagged = set(term.clusters.published().values_list("name", flat=True))
    assert tagged
    term.name_it = "Casa e abitare collaborativo"
    term.save()
    assert set(search(client, "collaborativo")) == tagged


def test_a_proposed_thematic_area_does_not_make_its_clusters_found(client):
    thematic_area = ThematicArea.objects.create(
        name="Quokka Welfare", status=ThematicArea.Status.PROPOSED
    )
    Cluster.objects.get(name="Impact Noord").thematic_areas.add(thematic_area)
    assert search(client, "quokka") == []
    thematic_area.status = ThematicArea.Status.ACTIVE
    thematic_area.save()
    assert search(client, "quokka") == ["Impact Noord"]


def test_a_change_of_position_alone_refreshes_no_cluster(client):
    term = FieldOfActivity.objects.get(slug="housing")
    term.position = 40

    with CaptureQueriesContext(connection) as queries:
        term.save()

    # The search text of its clusters is neither read from their members nor written.
    refreshing = [
        query["sql"]
        for query in queries
        if 'UPDATE "clusters_cluster" ' in query["sql"] or "clusters_membership" in query["sql"]
    ]
    assert refreshing == []


def test_refresh_search_text_brings_clusters_stored_before_up_to_date(client):
    # As clusters stored by a version that did not search country names.
    Cluster.objects.update(search_text="", search_document=None)
    assert search(client, "Hiszpania") == []

    call_command("refresh_search_text", stdout=io.StringIO())

    assert set(search(client, "Hiszpania")) == spanish_clusters()
