"""The query strings a visitor could send the cluster list (searches and filters), for its
property tests."""

from django.http import QueryDict
from hypothesis import strategies as st

from clusters.filters import ClusterFilter
from clusters.models import Cluster

SEARCHES = ["", "social", "green energy", "cluster", "torino sociel", "zzzz"]


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


def list_queries(offered, most_values):
    """Query strings of a search and up to `most_values` values of any of the facets
    `offered` ({facet: values}), one value for the facets that take one."""
    facets = dict(ClusterFilter(terms=ClusterFilter.linked_terms()).facets())

    def query(search, chosen):
        data = QueryDict(mutable=True)
        if search:
            data["q"] = search
        for name, values in chosen.items():
            data.setlist(name, values if facets[name].multiple else values[:1])
        return data

    return st.builds(
        query,
        st.sampled_from(SEARCHES),
        st.fixed_dictionaries(
            {},
            optional={
                name: st.lists(
                    st.sampled_from(values), min_size=1, max_size=most_values, unique=True
                )
                for name, values in offered.items()
            },
        ),
    )
