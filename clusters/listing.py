"""One query string, one listing: what the cluster list, the map and the exports show."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from pyroaring import BitMap

from clusters.facet_index import facet_index
from clusters.filters import RELEVANCE, SORT_CHOICES, ClusterFilter, read_bbox
from clusters.models import Cluster
from clusters.search import name_holds, search_clusters, search_words
from clusters.word_index import document_words, word_index
from core.text import printable

# Longer searches are cut here, and the visitor is told.
MAX_QUERY_LENGTH = 200
# The query parameters that change what a listing shows: cached pages are keyed by these.
PARAMETERS = ("q", "page", *ClusterFilter.base_filters)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    parameter: str
    label: str
    multiple: bool
    options: list
    empty_label: str


@dataclass
class ActiveFilter:
    label: str
    remove_query: str


class FilterChips:
    """The chips of a listing with a search `q`, `facets` and a `query_string`: each says
    what narrows the listing and links to the same listing without it."""

    # A box on the map (west, south, east, north), for the listings that take one.
    bbox = None

    @cached_property
    def active_filters(self):
        """A chip for each thing that narrows the list, with the query that removes it."""
        chips = []
        if self.q:
            chips.append(ActiveFilter(_("Search: “%s”") % self.q, self.query_without("q")))
        if self.bbox:
            box = ", ".join(f"{degrees:g}" for degrees in self.bbox)
            chips.append(ActiveFilter(_("Inside the box %s") % box, self.query_without("bbox")))
        for facet in self.facets:
            for option in facet.options:
                if option.selected:
                    chips.append(
                        ActiveFilter(
                            # A term's name may be marked as English (core.vocabulary).
                            format_html(
                                _("{filter}: {value}"), filter=facet.label, value=option.label
                            ),
                            self.query_without(facet.parameter, option.value),
                        )
                    )
        return chips

    def query_without(self, parameter, value=None):
        query = QueryDict(self.query_string, mutable=True)
        if value is None:
            query.pop(parameter, None)
        else:
            query.setlist(
                parameter, [other for other in query.getlist(parameter) if other != value]
            )
        return query.urlencode()


class ClusterListing(FilterChips):
    """The published clusters that a query string asks for, with its facets and chips.

    Built once per request from `request.GET`. The ids a search finds come from the index
    of frequent words (clusters.word_index) or, for rarer words, from the database; the
    facet index counts them, and the rows are read by key or in the order asked for.
    """

    def __init__(self, query):
        self.query = query
        self.q = " ".join(printable(query.get("q", "")).split())
        self.q_shortened = len(self.q) > MAX_QUERY_LENGTH
        self.q = self.q[:MAX_QUERY_LENGTH]
        self.matched = search_clusters(
            Cluster.objects.published().with_map_precision(),
            self.q,
            held=self.held_by_frequent_words is not None,
        )
        self.filterset = ClusterFilter(
            query, queryset=self.matched, terms=ClusterFilter.linked_terms()
        )
        self.filterset.is_valid()
        # The facets chosen; the box, like the search, narrows what they count.
        self.selected = {
            name: value
            for name, value in self.filterset.form.cleaned_data.items()
            if value and name not in ("sort", "bbox")
        }
        self.bbox = read_bbox(self.filterset.form.cleaned_data.get("bbox") or "")
        self._facet_counts = {}

    @cached_property
    def clusters(self):
        """The matching clusters, in the order asked for."""
        return self.filterset.qs

    @property
    def ignored(self):
        return self.filterset.ignored

    @cached_property
    def index(self):
        return facet_index(self.filterset)

    @cached_property
    def held_by_frequent_words(self):
        """The clusters that hold every word of the search, when the word index keeps each
        of them (on PostgreSQL); None otherwise, and when it finds none (the database then
        looks for names close to the words)."""
        words = search_words(self.q)
        if not words or connection.vendor != "postgresql":
            return None
        return word_index().holding(document_words(words)) or None

    @cached_property
    def found(self):
        """The ids of the published clusters that the search and the box let through."""
        found = self.index.published
        if "search_rank" in self.matched.query.annotations:
            searched = self.held_by_frequent_words
            if searched is None:
                # Rare words: the database reads their few clusters from its own index.
                searched = BitMap(self.matched.order_by().values_list("pk", flat=True))
            found = found & searched
        if self.bbox:
            found = self.index.points.inside(found, self.bbox)
        return found

    @cached_property
    def narrowing(self):
        return self.index.narrowing(self.selected)

    @cached_property
    def ids(self):
        """The ids of the listed clusters, read from the facet index, not the database."""
        return self.index.within(self.found, self.narrowing)

    @property
    def total(self):
        return len(self.ids)

    @property
    def placed(self):
        """How many of the listed clusters the map places: all but those whose country is
        not known either."""
        return self.total - self.counts_within("precision").get(Cluster.MapPrecision.NONE, 0)

    def facet_counts(self, name):
        """{choice: n} of one facet: a facet counts under every filter but its own, so that
        its other choices show what choosing them would give. Counted when asked for: a
        page that shows one facet's counts does not pay for the others'."""
        if name not in self._facet_counts:
            self._facet_counts[name] = self.index.counts(name, self.found, self.narrowing)
        return self._facet_counts[name]

    def page(self, number, size=None):
        rows = self.clusters.for_list()
        if self.held_by_frequent_words is not None and self.filterset.order == RELEVANCE:
            rows = BestMatches(self)
        elif self.filterset.order == "name":
            rows = InNameOrder(self)
        paginator = Paginator(rows, size or settings.CLUSTER_LIST_PAGE_SIZE)
        # The facet query has counted them already.
        paginator.count = self.total
        return paginator.get_page(number)

    @cached_property
    def facets(self):
        """The filter panel: options that would give clusters, and those chosen."""
        panel = []
        for name, item in self.filterset.facets():
            value = self.selected.get(name)
            chosen = set(value if item.multiple else [value]) if value else set()
            counts = self.facet_counts(name)
            # Only the options that would give clusters, or are chosen; their labels
            # translated once here, not each time the template shows them.
            options = []
            for value, label in item.extra["choices"]:
                count, selected = counts.get(str(value), 0), str(value) in chosen
                if count or selected:
                    # A term's name is text already, which may be marked as English.
                    label = label if isinstance(label, str) else str(label)
                    options.append(FacetOption(str(value), label, count, selected))
            panel.append(
                Facet(
                    parameter=name,
                    label=str(item.label),
                    multiple=item.multiple,
                    options=options,
                    empty_label=item.extra.get("empty_label") or "",
                )
            )
        return panel

    @cached_property
    def query_string(self):
        """The query as understood, without the page: for links to the same clusters."""
        clean = QueryDict(mutable=True)
        if self.q:
            clean["q"] = self.q
        for name, value in self.filterset.form.cleaned_data.items():
            if value:
                clean.setlist(name, value if isinstance(value, list) else [value])
        return clean.urlencode()

    def query_with(self, parameter, values):
        """The query as understood, with `parameter` set to `values` (a list) instead."""
        query = QueryDict(self.query_string, mutable=True)
        query.setlist(parameter, values)
        return query.urlencode()

    def counts_within(self, parameter):
        """{value: count} of the listed clusters by one facet's values.

        A facet counts under every filter but its own; within the listed clusters that is
        its count for each value chosen, or for every value when none is.
        """
        counts = self.facet_counts(parameter)
        chosen = self.selected.get(parameter)
        if not chosen:
            return counts
        return {value: counts.get(value, 0) for value in chosen}

    @cached_property
    def sort_options(self):
        """(value, label, selected) for the sort box: "best match" only when there is a
        search to match. The order used when none is asked for has the empty value, so that
        the form never writes it into the address."""
        default = RELEVANCE if self.q else "name"
        current = self.filterset.form.cleaned_data.get("sort") or default
        return [
            ("" if value == default else value, label, value == current)
            for value, label in SORT_CHOICES
            if value != RELEVANCE or self.q
        ]


class InNameOrder:
    """A listing's clusters in the order of their names, for a Paginator: the page's ids
    read from the facet index, its rows by key. In the database, a page of filters that
    few clusters meet read the index of names until it had found forty (a tenth of a second
    at 100,000 clusters for some)."""

    def __init__(self, listing):
        self.listing = listing

    def __len__(self):
        return len(self.listing.ids)

    def __getitem__(self, bounds):
        return rows_of(self.listing, self.listing.index.in_name_order(self.listing.ids)[bounds])


class BestMatches(InNameOrder):
    """A listing's clusters in the best-match order of its search (clusters.search: the
    names that hold every word first, then the others, by name within each). The order is
    worked out on the listed ids in memory and only a page's rows are read: ordered in the
    database, every match of a frequent word was read to find the first forty.
    """

    def __getitem__(self, bounds):
        listing = self.listing
        named = Cluster.objects.published().filter(name_holds(search_words(listing.q)))
        named = listing.ids & BitMap(named.values_list("pk", flat=True))
        ordered = listing.index.in_name_order(named)
        if bounds.stop > len(ordered):
            ordered = np.concatenate([ordered, listing.index.in_name_order(listing.ids - named)])
        return rows_of(listing, ordered[bounds])


def rows_of(listing, ids):
    """The rows of these clusters (ids in the listing's order), in the same order: the
    database sorts the page by the same keys."""
    return list(listing.clusters.for_list().filter(pk__in=ids.tolist()))


def describe(listing):
    """What the listing's filters ask for, in words: "New clusters in Spain or Portugal;
    Field of activity: local food". Read from the filters alone, without counting."""
    chosen = {}
    for name, item in listing.filterset.facets():
        value = listing.selected.get(name)
        if not value:
            continue
        values = set(value if item.multiple else [value])
        labels = [str(label) for choice, label in item.extra["choices"] if str(choice) in values]
        chosen[name] = (str(item.label), labels)
    parts = []
    if "country" in chosen:
        parts.append(_("New clusters in %(places)s") % {"places": either(chosen["country"][1])})
    else:
        parts.append(str(_("New clusters")))
    for name, (label, labels) in chosen.items():
        if name != "country":
            parts.append(f"{label}: {either(labels)}")
    if listing.q:
        parts.append(_("matching “%(words)s”") % {"words": listing.q})
    return "; ".join(parts)


def either(labels):
    """ "A", "A or B", "A, B or C"."""
    if len(labels) < 2:
        return "".join(labels)
    return _("%(some)s or %(last)s") % {"some": ", ".join(labels[:-1]), "last": labels[-1]}
