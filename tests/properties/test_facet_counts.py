"""The facet index counts exactly what the filters select: for any combination of filters
and searches, each facet choice's count is the number of clusters the database finds when
that choice is made (under every other filter), and the total is the number listed.

Property tests: `make fuzz` tries a thousand combinations (see tests/conftest.py).
"""

import pytest
from hypothesis import given

from clusters.filters import ClusterFilter
from clusters.listing import ClusterListing
from tests.properties.listing_queries import choices, list_queries

pytestmark = pytest.mark.usefixtures("generated_clusters")


def count_when_chosen(listing, terms, name, choice):
    """What the database counts when this one choice is made instead of the facet's own."""
    data = listing.query.copy()
    data.setlist(name, [choice])
    return ClusterFilter(data, queryset=listing.matched, terms=terms).qs.count()


@pytest.mark.django_db
def test_every_count_is_what_choosing_it_gives():
    offered = choices()
    terms = ClusterFilter.linked_terms()

    @given(query=list_queries(offered, most_values=3))
    def check(query):
        listing = ClusterListing(query)

        assert listing.total == listing.clusters.count()
        for name, values in offered.items():
            for choice in values:
                expected = count_when_chosen(listing, terms, name, choice)
                assert listing.facet_counts(name).get(choice, 0) == expected, (name, choice)

    check()
