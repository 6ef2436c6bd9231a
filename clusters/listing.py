"""One query string, one listing: what the cluster list, the map and the exports show."""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from clusters.filters import RELEVANCE, SORT_CHOICES, ClusterFilter
from clusters.models import Cluster
from clusters.search import search_clusters
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

    @cached_property
    def active_filters(self):
        """A chip for each thing that narrows the list, with the query that removes it."""
        chips = []
        if self.q:
            chips.append(ActiveFilter(_("Search: “%s”") % self.q, self.query_without("q")))
        for facet in self.facets:
            for option in facet.options:
                if option.selected:
                    chips.append(
                        ActiveFilter(
                            f"{facet.label}: {option.label}",
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

    Built once per request from `request.GET`; the search runs in the query of the rows
    and once more in the single query that counts every facet and the total.
    """

    def __init__(self, query):
        self.query = query
        self.q = " ".join(printable(query.get("q", "")).split())
        self.q_shortened = len(self.q) > MAX_QUERY_LENGTH
        self.q = self.q[:MAX_QUERY_LENGTH]
        self.matched = search_clusters(Cluster.objects.published().with_map_precision(), self.q)
        self.filterset = ClusterFilter(
            query, queryset=self.matched, terms=ClusterFilter.linked_terms()
        )
        self.filterset.is_valid()
        self.selected = {
            name: value
            for name, value in self.filterset.form.cleaned_data.items()
            if value and name != "sort"
        }

    @cached_property
    def clusters(self):
        """The matching clusters, in the order asked for."""
        return self.filterset.qs

    @property
    def ignored(self):
        return self.filterset.ignored

    @cached_property
    def counts(self):
        return count_facets(self.matched, self.filterset, self.selected)

    @property
    def total(self):
        return self.counts["total"]

    def page(self, number):
        paginator = Paginator(self.clusters.for_list(), settings.CLUSTER_LIST_PAGE_SIZE)
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
            counts = self.counts[name]
            # Only the options that would give clusters, or are chosen; their labels
            # translated once here, not each time the template shows them.
            options = []
            for value, label in item.extra["choices"]:
                count, selected = counts.get(str(value), 0), str(value) in chosen
                if count or selected:
                    options.append(FacetOption(str(value), str(label), count, selected))
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
        counts = self.counts[parameter]
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


def count_facets(matched, filterset, selected):
    """Every facet's counts and the total, in one query over the clusters `matched`.

    The matched clusters (published, and found by the search if there is one) are selected
    once, as a common table expression; each facet then counts them under every filter
    but its own, so that the other values of a facet show what choosing them would give.
    Returns {"total": n, parameter: {value: count}}.
    """
    quote = connection.ops.quote_name
    facets = filterset.facets()
    columns = ["id"] + [item.field_name for _, item in facets if item.count_by != "link"]
    base_sql, base_params = matched.order_by().values(*columns).query.sql_with_params()

    conditions = {}
    for name, item in facets:
        if name not in selected:
            continue
        value = selected[name]
        if item.count_by == "column":
            values = value if isinstance(value, list) else [value]
            placeholders = ", ".join(["%s"] * len(values))
            conditions[name] = (f"m.{quote(item.field_name)} IN ({placeholders})", values)
        elif item.count_by == "contains":
            conditions[name] = (f"m.{quote(item.field_name)} LIKE %s", [f"%{value}%"])
        else:
            through, cluster_column, term_column = _link_table(item.field_name)
            ids = [pk for pk, slug, _ in filterset.terms[item.field_name] if slug in value]
            placeholders = ", ".join(["%s"] * len(ids)) or "NULL"
            conditions[name] = (
                f"EXISTS (SELECT 1 FROM {through} x WHERE x.{cluster_column} = m.id "
                f"AND x.{term_column} IN ({placeholders}))",
                ids,
            )

    def where(leaving_out=None):
        """WHERE for every chosen filter but one facet's."""
        parts = [part for name, part in conditions.items() if name != leaving_out]
        sql = " AND ".join(sql for sql, _ in parts)
        return (f" WHERE {sql}" if sql else ""), [value for _, values in parts for value in values]

    branches, params = [], []
    sql, values = where()
    branches.append(f"SELECT 'total', '', COUNT(*) FROM matched m{sql}")
    params += values
    for name, item in facets:
        if item.count_by == "column":
            column = f"m.{quote(item.field_name)}"
            sql, values = where(leaving_out=name)
            branches.append(
                f"SELECT %s, CAST({column} AS TEXT), COUNT(*) FROM matched m{sql} GROUP BY {column}"
            )
            params += [name, *values]
        elif item.count_by == "contains":
            # The clusters by their whole text (a few dozen combinations of member types):
            # one pass, where a LIKE a choice took a pass each.
            column = f"m.{quote(item.field_name)}"
            sql, values = where(leaving_out=name)
            branches.append(f"SELECT %s, {column}, COUNT(*) FROM matched m{sql} GROUP BY {column}")
            params += [name, *values]
        else:
            through, cluster_column, term_column = _link_table(item.field_name)
            sql, values = where(leaving_out=name)
            branches.append(
                f"SELECT %s, CAST(x.{term_column} AS TEXT), COUNT(*) FROM matched m "
                f"JOIN {through} x ON x.{cluster_column} = m.id{sql} GROUP BY x.{term_column}"
            )
            params += [name, *values]

    statement = f"WITH matched AS ({base_sql}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*base_params, *params])
        rows = cursor.fetchall()

    counts = {name: {} for name, _ in facets}
    slugs = {
        name: {str(pk): slug for pk, slug, _ in filterset.terms[item.field_name]}
        for name, item in facets
        if item.count_by == "link"
    }
    contained = {
        name: [str(choice) for choice, _ in item.extra["choices"]]
        for name, item in facets
        if item.count_by == "contains"
    }
    for name, value, count in rows:
        if name == "total":
            counts["total"] = count
        elif name in slugs:
            if value in slugs[name]:
                counts[name][slugs[name][value]] = count
        elif name in contained:
            # As the filter's LIKE would: each choice the text holds.
            for choice in contained[name]:
                if choice in value:
                    counts[name][choice] = counts[name].get(choice, 0) + count
        elif value:
            counts[name][value] = count
    return counts


def _link_table(field_name):
    """The quoted names of a many-to-many table and of its two columns."""
    quote = connection.ops.quote_name
    relation = Cluster._meta.get_field(field_name)
    return (
        quote(relation.remote_field.through._meta.db_table),
        quote(relation.m2m_column_name()),
        quote(relation.m2m_reverse_name()),
    )


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
