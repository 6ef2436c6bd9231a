"""The SQL queries a page runs: an exact number, named, the same for any number of rows.

Measured over a few hundred generated clusters with members, made once for this module in
a transaction rolled back after it. `make bench` reports the same counts at 10,000 and
100,000 clusters.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from clusters.demo import DEMO_NOTE
from clusters.models import Cluster, Organisation
from clusters.services.members import set_members

FILTERED = (
    "?country=FR&field=circularity&q=cluster&eccp=yes&member_type=civil_society&sort=-updated"
)

# 1. the fields of activity and 2. the public thematic areas, which the filters offer;
# 3. every facet's counts and the total, in one statement; 4. the page of clusters;
# 5. their fields of activity.
LIST_QUERIES = 5
# 1. the cluster; 2. its members and their organisations; 3. its fields of activity;
# 4. its services; 5. its innovation types; 6. its public thematic areas; 7. its case studies;
# 8. the clusters that share members with it.
DETAIL_QUERIES = 8
# 1. the published clusters counted by country, which the figures add up; 2. the public
# thematic areas; 3. the latest clusters; 4. their fields of activity.
HOME_QUERIES = 4


@pytest.fixture(scope="module", autouse=True)
def generated_clusters(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
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

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/clusters/" + query)

    assert response.status_code == 200
    shown = len(response.context["page"].object_list)
    assert shown == min(page_size, response.context["listing"].total) > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "queries"),
    # 1. the fields of activity and 2. the public thematic areas; 3. the facets and total,
    # which count the clusters by country and by placing; 4. the clusters' names, only when
    # they are few enough to be named (these 362 are not; the filtered ones are).
    [("", 3), (FILTERED, 4)],
    ids=["all", "filtered"],
)
def test_the_map_runs_a_fixed_number_of_queries(client, django_assert_num_queries, query, queries):
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
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200
