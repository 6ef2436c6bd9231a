"""The number of SQL queries a page runs does not grow with the rows it shows.

Measured over 10,000 generated clusters, made once for this module and removed after it.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from clusters.management.commands.generate_demo_data import DEMO_NOTE
from clusters.models import Cluster

FILTERED = "?country=FR&field=circularity&q=cluster&eccp=yes&sort=-updated"
# Generous on purpose: what matters is that the count is the same for any page size.
LIST_QUERY_CEILING = 25
DETAIL_QUERY_CEILING = 12


@pytest.fixture(scope="module", autouse=True)
def ten_thousand_clusters(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("generate_demo_data", clusters=10_000, stdout=io.StringIO())
    yield
    # The rows were committed outside any test's transaction: empty the database for the
    # modules that run next, as a transactional test would.
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def get(client, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200
    return response


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url)
    return response, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", FILTERED], ids=["all", "filtered"])
def test_the_list_runs_as_many_queries_for_100_rows_as_for_20(
    client, settings, django_assert_num_queries, query
):
    url = "/clusters/" + query
    get(client, url)  # Warm the caches a first request fills.

    settings.CLUSTER_LIST_PAGE_SIZE = 20
    response, queries_for_20 = count_queries(client, url)
    assert len(response.context["page"]) == 20

    settings.CLUSTER_LIST_PAGE_SIZE = 100
    with django_assert_num_queries(queries_for_20):
        response = get(client, url)
    assert len(response.context["page"]) == 100


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", FILTERED], ids=["all", "filtered"])
def test_the_list_stays_under_its_query_ceiling(
    client, settings, django_assert_max_num_queries, query
):
    settings.CLUSTER_LIST_PAGE_SIZE = 100
    with django_assert_max_num_queries(LIST_QUERY_CEILING):
        get(client, "/clusters/" + query)


def demo_cluster_with_members(count):
    return (
        Cluster.objects.filter(staff_notes=DEMO_NOTE)
        .annotate(members=Count("memberships"))
        .filter(members=count)
        .first()
    )


@pytest.mark.django_db
def test_a_cluster_page_runs_as_many_queries_for_30_members_as_for_3(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    small, large = demo_cluster_with_members(3), demo_cluster_with_members(30)
    get(client, small.get_absolute_url())  # Warm the caches a first request fills.

    response, queries_for_3 = count_queries(client, small.get_absolute_url())
    assert response.context["member_total"] == 3

    with django_assert_num_queries(queries_for_3):
        response = get(client, large.get_absolute_url())
    assert response.context["member_total"] == 30

    with django_assert_max_num_queries(DETAIL_QUERY_CEILING):
        get(client, large.get_absolute_url())
