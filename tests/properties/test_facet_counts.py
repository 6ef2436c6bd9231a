"""The facet index counts exactly what the filters select: for any combination of filters
and searches, each facet choice's count is the number of clusters the database finds when
that choice is made (under every other filter), and the total is the number listed.

Property tests: `make fuzz` tries a thousand combinations (see tests/conftest.py).
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.test import TestCase
from hypothesis import given
from hypothesis import strategies as st

from clusters.filters import ClusterFilter
from clusters.listing import ClusterListing
from clusters.models import Cluster

SEARCHES = ["", "social", "green energy", "cluster", "torino sociel", "zzzz"]


@pytest.fixture(scope="module", autouse=True)
def generated_clusters(django_db_setup, django_db_blocker):
    """The seed and a hundred generated clusters, their version given as on commit, so that
    every example reads the same kept index."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("generate_demo_data", clusters=100, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def choices():
    """{facet: the values its filter offers, limited to those the directory holds and one
    it does not}."""
    filterset = ClusterFilter(terms=ClusterFilter.linked_terms())
    offered = {}
    countries = set(Cluster.objects.values_list("country", flat=True)) | {"LU", "MT"}
    for name, item in filterset.facets():
        values = [str(value) for value, _ in item.extra["choices"]]
        offered[name] = [value for value in values if name != "country" or value in countries]
    return offered


def count_when_chosen(listing, terms, name, choice):
    """What the database counts when this one choice is made instead of the facet's own."""
    data = listing.query.copy()
    data.setlist(name, [choice])
    return ClusterFilter(data, queryset=listing.matched, terms=terms).qs.count()


@pytest.mark.django_db
def test_every_count_is_what_choosing_it_gives():
    offered = choices()
    terms = ClusterFilter.linked_terms()
    facets = dict(ClusterFilter(terms=terms).facets())

    @given(
        search=st.sampled_from(SEARCHES),
        chosen=st.fixed_dictionaries(
            {},
            optional={
                name: st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)
                for name, values in offered.items()
            },
        ),
    )
    def check(search, chosen):
        query = QueryDict(mutable=True)
        if search:
            query["q"] = search
        for name, values in chosen.items():
            query.setlist(name, values if facets[name].multiple else values[:1])
        listing = ClusterListing(query)

        assert listing.total == listing.clusters.count()
        for name, values in offered.items():
            for choice in values:
                expected = count_when_chosen(listing, terms, name, choice)
                assert listing.counts[name].get(choice, 0) == expected, (name, choice)

    check()
