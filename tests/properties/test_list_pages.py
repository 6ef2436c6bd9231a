"""The list's pages, read one after another through their links, hold the clusters the
database lists for the same filters, in the same order, each once: whether a page's ids
come from the facet index (the order of names, the best matches of frequent words) or from
the database.

Property tests: `make fuzz` tries a thousand combinations (see tests/conftest.py).
"""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from clusters.listing import ClusterListing
from tests.properties.listing_queries import choices, list_queries

pytestmark = pytest.mark.usefixtures("generated_clusters")


def names_on_every_page(client, query):
    names, address = [], f"/clusters/?{query.urlencode()}"
    while address:
        page = BeautifulSoup(client.get(address).content, "html.parser")
        names += [link.get_text(strip=True) for link in page.select(".cluster-card__name a")]
        following = page.select_one("a[rel=next]")
        address = "/clusters/" + following["href"] if following else None
    return names


@pytest.mark.django_db
def test_the_pages_follow_the_databases_order(settings):
    settings.CLUSTER_LIST_PAGE_SIZE = 9
    client = Client()

    @given(
        query=list_queries(choices(), most_values=2),
        sort=st.sampled_from(["", "name", "-updated", "country"]),
    )
    def check(query, sort):
        if sort:
            query["sort"] = sort
        in_sql = [cluster.name for cluster in ClusterListing(query).clusters]

        assert names_on_every_page(client, query) == in_sql

    check()
