"""The organisations in public: the members of published clusters, listed with the cluster
list's conventions (facets with counts, search, shareable addresses, pages), and who
cooperates with whom through the clusters they share.

An organisation is public while it belongs to at least one published cluster
(Organisation.published_cluster_count, kept by every write); one that belongs only to
pending, rejected or archived clusters appears nowhere.
"""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Window
from django.db.models.functions import Least
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from clusters.geocoding import country_names
from clusters.listing import MAX_QUERY_LENGTH, Facet, FacetOption, FilterChips
from clusters.models import Cluster, Membership, Organisation
from clusters.search import MAX_QUERY_WORDS
from core.per_version import per_version
from core.text import fold, printable

# How many clusters an organisation belongs to, in the ranges the list offers.
CLUSTER_RANGES = {
    "1": (1, 1),
    "2": (2, 2),
    "3-4": (3, 4),
    "5-or-more": (5, None),
}
CLUSTER_RANGE_LABELS = {
    "1": _("1 cluster"),
    "2": _("2 clusters"),
    "3-4": _("3 or 4 clusters"),
    "5-or-more": _("5 clusters or more"),
}
SORT_CHOICES = [("name", _("Name")), ("-clusters", _("Most clusters first"))]
SORT_ORDERS = {
    "name": ["name_key", "pk"],
    "-clusters": ["-published_cluster_count", "name_key", "pk"],
}
# The query parameters that change what the list shows: cached pages are keyed by these.
PARAMETERS = ("q", "type", "country", "clusters", "sort", "page")
# Cluster names shown on each row of the list; the organisation's page names them all.
CLUSTERS_NAMED_IN_LIST = 3
# The clusters an organisation's page lists at a time, and the partners it names.
CLUSTERS_PER_PAGE = 50
PARTNERS_NAMED = 24


# {number of clusters, up to the last range's lowest: the range it is in}
RANGE_OF = {
    count: value
    for value, (low, high) in CLUSTER_RANGES.items()
    for count in range(low, (high or low) + 1)
}


@dataclass
class Cell:
    """Public organisations of one type, country and range of clusters, and how many."""

    type: str
    country: str
    clusters: str
    count: int


class OrganisationListing(FilterChips):
    """The public organisations that a query string asks for, with the facets' counts.

    Every count comes from one query that groups the matching organisations by type,
    country and range of clusters (without a search, kept for the directory's version):
    each facet adds up those cells under every filter but its own, so its other values show
    what choosing them would give.
    """

    def __init__(self, query):
        self.query = query
        self.q = " ".join(printable(query.get("q", "")).split())
        self.q_shortened = len(self.q) > MAX_QUERY_LENGTH
        self.q = self.q[:MAX_QUERY_LENGTH]
        self.matched = Organisation.objects.public()
        for word in fold(self.q).split()[:MAX_QUERY_WORDS]:
            self.matched = self.matched.filter(name_key__contains=word)
        names = country_names()
        self.choices = {
            "type": [(value, str(label)) for value, label in Organisation.Type.choices],
            "country": list(names.items()),
            "clusters": [(value, str(label)) for value, label in CLUSTER_RANGE_LABELS.items()],
        }
        self.labels = {
            "type": _("Type"),
            "country": _("Country"),
            "clusters": _("Member of"),
        }
        self.ignored = []
        self.selected = {}
        for name, choices in self.choices.items():
            known = {value for value, _ in choices}
            values = [value for value in query.getlist(name) if value]
            self.ignored += [(self.labels[name], v) for v in values if v not in known]
            chosen = list(dict.fromkeys(value for value in values if value in known))
            if chosen:
                self.selected[name] = chosen
        sort = query.get("sort", "")
        self.ignored += [(_("Sort by"), sort)] if sort and sort not in SORT_ORDERS else []
        self.sort = sort if sort in SORT_ORDERS else "name"

    @cached_property
    def cells(self):
        """The matching organisations counted by type, country and range of clusters."""
        if not self.q:
            # Every public organisation: a count over the whole table, the same until the
            # directory changes.
            return per_version("organisation-cells", lambda: counted_cells(self.matched))
        return counted_cells(self.matched)

    def counted(self, leaving_out=None):
        """The cells that every chosen filter but one facet's lets through."""
        return [
            cell
            for cell in self.cells
            if all(
                getattr(cell, name) in values
                for name, values in self.selected.items()
                if name != leaving_out
            )
        ]

    @cached_property
    def total(self):
        return sum(cell.count for cell in self.counted())

    @cached_property
    def organisations(self):
        """The matching organisations, in the order asked for."""
        condition = Q()
        if "type" in self.selected:
            condition &= Q(type__in=self.selected["type"])
        if "country" in self.selected:
            condition &= Q(country__in=self.selected["country"])
        if "clusters" in self.selected:
            ranges = Q()
            for value in self.selected["clusters"]:
                low, high = CLUSTER_RANGES[value]
                within = Q(published_cluster_count__gte=low)
                if high:
                    within &= Q(published_cluster_count__lte=high)
                ranges |= within
            condition &= ranges
        return self.matched.filter(condition).order_by(*SORT_ORDERS[self.sort])

    def page(self, number):
        paginator = Paginator(self.organisations, settings.ORGANISATION_LIST_PAGE_SIZE)
        # The cells have counted them already.
        paginator.count = self.total
        page = paginator.get_page(number)
        page.object_list = list(page.object_list)
        # Named only where they are few, so that a row costs the same whatever the size of
        # the organisation; its page names them all.
        few = [
            organisation
            for organisation in page.object_list
            if organisation.published_cluster_count <= CLUSTERS_NAMED_IN_LIST
        ]
        named = clusters_of(few)
        for organisation in page.object_list:
            organisation.named_clusters = named.get(organisation.pk, [])
        return page

    @cached_property
    def facets(self):
        """The filter panel: the options that would give organisations, and those chosen."""
        panel = []
        for name, choices in self.choices.items():
            counts = {}
            for cell in self.counted(leaving_out=name):
                value = getattr(cell, name)
                counts[value] = counts.get(value, 0) + cell.count
            chosen = set(self.selected.get(name, []))
            options = [
                FacetOption(value, label, counts.get(value, 0), value in chosen)
                for value, label in choices
                if counts.get(value) or value in chosen
            ]
            panel.append(Facet(name, str(self.labels[name]), True, options, ""))
        return panel

    @cached_property
    def query_string(self):
        """The query as understood, without the page: for links to the same organisations."""
        clean = QueryDict(mutable=True)
        if self.q:
            clean["q"] = self.q
        for name, values in self.selected.items():
            clean.setlist(name, values)
        if self.sort != "name":
            clean["sort"] = self.sort
        return clean.urlencode()

    @property
    def sort_options(self):
        return [
            ("" if value == "name" else value, label, value == self.sort)
            for value, label in SORT_CHOICES
        ]


def counted_cells(organisations):
    """[Cell] of `organisations`: one query, grouping them by type, country and range."""
    # Counted up to the lowest number of the last range, which the ranges then gather.
    highest = max(low for low, _ in CLUSTER_RANGES.values())
    rows = (
        organisations.order_by()
        .annotate(clusters=Least("published_cluster_count", highest))
        .values("type", "country", "clusters")
        .annotate(count=Count("pk"))
        .values_list("type", "country", "clusters", "count")
    )
    cells = {}
    for kind, country, clusters, count in rows:
        key = (kind, country, RANGE_OF[clusters])
        cells[key] = cells.get(key, 0) + count
    return [Cell(*key, count) for key, count in cells.items()]


def clusters_of(organisations):
    """{organisation id: [membership]} of these organisations in published clusters, each
    with its `cluster` (name and slug), by cluster name: one query."""
    memberships = (
        Membership.objects.filter(
            organisation__in=[organisation.pk for organisation in organisations],
            cluster__status=Cluster.Status.PUBLISHED,
        )
        .select_related("cluster")
        .only("organisation_id", "role", "since", "cluster__name", "cluster__slug")
        .order_by("organisation_id", "cluster__sort_name", "cluster_id")
    )
    found = {}
    for membership in memberships:
        found.setdefault(membership.organisation_id, []).append(membership)
    return found


def partners(organisation, at_most=PARTNERS_NAMED):
    """The public organisations that share published clusters with this one, most shared
    first, each with `shared` (how many clusters) and `partner_total` (how many partners in
    all): one query."""
    shared_clusters = Membership.objects.filter(
        organisation=organisation, cluster__status=Cluster.Status.PUBLISHED
    ).values("cluster_id")
    return list(
        Organisation.objects.filter(memberships__cluster__in=shared_clusters)
        .exclude(pk=organisation.pk)
        .annotate(shared=Count("memberships"))
        .annotate(partner_total=Window(Count("pk")))
        .order_by("-shared", "name_key", "pk")
        .only("name", "slug", "type", "country")[:at_most]
    )


# The clusters a cluster's page names among those that share members with it.
SHARING_NAMED = 12


def sharing_members(cluster, at_most=SHARING_NAMED):
    """The other published clusters that share members with this one, most shared first,
    each with `shared` (how many members) and `sharing_total` (how many such clusters in
    all): one query. Shared members count alike from either side."""
    members = Membership.objects.filter(cluster=cluster).values("organisation_id")
    return list(
        Cluster.objects.published()
        .exclude(pk=cluster.pk)
        .filter(memberships__organisation__in=members)
        .annotate(shared=Count("memberships"))
        .annotate(sharing_total=Window(Count("pk")))
        .order_by("-shared", "sort_name", "pk")
        .only("name", "slug", "country")[:at_most]
    )


def members_of(cluster_ids):
    """{cluster id: [(name, slug, type, country, role, since)]} of these clusters' members,
    read as values: one query, a page of a hundred clusters names some fifteen hundred."""
    found = {}
    memberships = (
        Membership.objects.filter(cluster__in=cluster_ids)
        .order_by("cluster_id", "organisation__name_key", "pk")
        .values_list(
            "cluster_id", "organisation__name", "organisation__slug", "organisation__type",
            "organisation__country", "role", "since",
        )
    )  # fmt: skip
    for cluster_id, *member in memberships:
        found.setdefault(cluster_id, []).append(member)
    return found
