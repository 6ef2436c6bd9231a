"""Text search `q`: full-text and typo-tolerant on PostgreSQL, a plain match on SQLite."""

import pytest
from django.db import connection

from clusters.models import Cluster, Membership, Organisation

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


@pytest.mark.parametrize("query", ["'", "&|!", "a:*", "(((", "\\", "%", "_", "   "])
def test_search_syntax_characters_are_taken_literally(client, query):
    search(client, query)


@postgresql_only
def test_it_ignores_accents(client):
    assert search(client, "lomza") == ["Łomża Social Economy Cluster"]
    assert search(client, "walbrzych") == [
        "Heritage Trail Social Cluster - Social Enterprises Cluster in Wałbrzych"
    ]


@postgresql_only
def test_it_tolerates_small_typos(client):
    assert search(client, "torino sociel") == ["Torino Social Impact"]


@postgresql_only
def test_it_ranks_a_name_match_above_a_description_match(client, make_cluster):
    make_cluster(name="Zeta Partnership", description="Works with the Circularium in Brussels.")
    assert search(client, "circularium") == ["Circularium", "Zeta Partnership"]


@postgresql_only
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
