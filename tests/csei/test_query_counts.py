"""The SQL queries a page runs: an exact number, named, the same for any number of rows.

Measured over a few hundred generated clusters with members, made once for this module in
a transaction rolled back after it. `make bench` reports the same counts at 10,000 and
100,000 clusters.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase

from clusters.demo import DEMO_NOTE
from clusters.facet_index import FacetIndex
from clusters.filters import ClusterFilter
from clusters.models import Cluster, Organisation
from clusters.services.members import set_members

FILTERED = (
    "?country=FR&field=circularity&q=cluster&eccp=yes&member_type=civil_society&sort=-updated"
)

# 1. the fields of activity and 2. the public thematic areas, which the filters offer;
# 3. the directory's version, under which the facet index is kept; 4. the page of clusters;
# 5. their fields of activity.
LIST_QUERIES = 5
# A search adds 1. the ids it finds, and on PostgreSQL 2. the directory's version again, under
# which the index of frequent words is kept, and 3. whether a cluster holds every word (else
# names close to them are found): the words of these tests are too rare to be kept.
SEARCH_QUERIES = 3 if connection.vendor == "postgresql" else 1
# The first request of a version builds the facet index: 1. the published clusters' ids,
# then the ids of each facet's choices, 2. by country, 3. by location precision, 4. by
# model, 5. by legal structure, 6. through the fields of activity, 7. through the thematic
# areas, 8. by member types, 9. by ECCP registration, 10. by activity.
FACET_INDEX_QUERIES = 10
# 1. the cluster; 2. its members and their organisations; 3. its fields of activity;
# 4. its services; 5. its innovation types; 6. its public thematic areas; 7. its case studies;
# 8. the clusters that share members with it; 9. its description in the page's language.
DETAIL_QUERIES = 9
# 1. the directory's version, under which the published clusters counted by country (which
# the figures add up) are kept, counted by the first request of a version; 2. the public
# thematic areas; 3. the latest clusters; 4. their fields of activity.
HOME_QUERIES = 4


@pytest.fixture(scope="module", autouse=True)
def generated_clusters(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # Its new version given as on commit, so that the pages keep their facet index.
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("generate_demo_data", clusters=300, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", FILTERED], ids=["all", "filtered"])
@pytest.mark.parametrize("page_size", [20, 100])
def test_the_list_runs_the_same_queries_for_any_number_of_rows(
    client, settings, django_assert_num_queries, query, page_size
):
    settings.CLUSTER_LIST_PAGE_SIZE = page_size
    client.get("/clusters/" + query)  # builds what is kept for this version

    with django_assert_num_queries(LIST_QUERIES + (SEARCH_QUERIES if "q=" in query else 0)):
        response = client.get("/clusters/" + query)

    assert response.status_code == 200
    shown = len(response.context["page"].object_list)
    assert shown == min(page_size, response.context["listing"].total) > 0


@pytest.mark.django_db
def test_the_facet_index_is_built_with_one_query_a_facet(django_assert_num_queries):
    filterset = ClusterFilter(terms=ClusterFilter.linked_terms())

    with django_assert_num_queries(FACET_INDEX_QUERIES):
        index = FacetIndex.build(filterset)

    assert len(index.published) == Cluster.objects.published().count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "queries"),
    # 1. the fields of activity and 2. the public thematic areas; 3. the directory's version,
    # for the facet index, which counts the clusters by country and by placing; the queries
    # of the search (SEARCH_QUERIES); 4. the clusters' names, only when they are few enough
    # to be named (these 362 are not; the filtered ones are).
    [("", 3), (FILTERED, 4 + SEARCH_QUERIES)],
    ids=["all", "filtered"],
)
def test_the_map_runs_a_fixed_number_of_queries(client, django_assert_num_queries, query, queries):
    client.get("/clusters/map/" + query)  # builds what is kept for this version

    with django_assert_num_queries(queries):
        assert client.get("/clusters/map/" + query).status_code == 200


def cluster_with_members(count):
    """A generated cluster made to have exactly `count` members, whatever the generator drew."""
    cluster = Cluster.objects.filter(staff_notes=DEMO_NOTE).order_by("pk").first()
    organisations = Organisation.objects.filter(memberships__cluster__staff_notes=DEMO_NOTE)
    rows = [
        {"name": organisation.name, "type": organisation.type, "country": organisation.country}
        for organisation in organisations.distinct().order_by("pk")[:count]
    ]
    set_members(cluster, rows)
    return cluster


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 30])
def test_a_cluster_page_runs_the_same_queries_for_any_number_of_members(
    client, django_assert_num_queries, members
):
    cluster = cluster_with_members(members)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(cluster.get_absolute_url())

    assert response.context["member_total"] == members


@pytest.mark.django_db
def test_the_home_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.get("/")  # counts the clusters by country for this version

    with django_assert_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200
