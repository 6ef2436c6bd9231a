"""The orders of the cluster list and the JSON API, and where in an order a cluster stands,
so that the API can start a page right after a given cluster (by key) rather than count
its way there (OFFSET): a page far in costs what the first one does.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Case, F, Q, Value, When

RELEVANCE = ""
# Clusters whose country is not yet known go after the others (an index of migration 0012
# holds the same expression); so do entries no person has updated since the seed was loaded.
COUNTRY_UNKNOWN_LAST = Case(When(country="", then=Value(1)), default=Value(0))


@dataclass(frozen=True)
class SortKey:
    """One term of an order: a field or annotation of the clusters' queryset. One that may
    be empty says where empty values go (`nulls_last` or `nulls_first`); `read` turns its
    value back from JSON."""

    name: str
    descending: bool = False
    nulls_last: bool = False
    nulls_first: bool = False
    read: type = None

    def ordering(self):
        expression = F(self.name)
        placing = {"nulls_last": self.nulls_last or None, "nulls_first": self.nulls_first or None}
        return expression.desc(**placing) if self.descending else expression.asc(**placing)

    def reversed(self):
        """The same key read backwards: for the page before a given cluster."""
        return replace(
            self,
            descending=not self.descending,
            nulls_last=self.nulls_first,
            nulls_first=self.nulls_last,
        )

    def equal(self, value):
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def beyond(self, value, inclusive=False):
        """The rows after `value` in this order (and those equal to it, with `inclusive`)."""
        if value is None:
            if self.nulls_first:
                return Q() if inclusive else Q(**{f"{self.name}__isnull": False})
            # Empty values last: only other empty ones follow.
            return self.equal(None) if inclusive else Q(pk__in=[])
        lookup = ("lt" if self.descending else "gt") + ("e" if inclusive else "")
        found = Q(**{f"{self.name}__{lookup}": value})
        return found | self.equal(None) if self.nulls_last else found

    def to_json(self, value):
        return value.isoformat() if isinstance(value, datetime) else value

    def from_json(self, value):
        return self.read(value) if self.read and value is not None else value


# The clusters' key last, so that clusters that sort alike still have one place each.
SORT_KEYS = {
    "name": (SortKey("sort_name"), SortKey("name"), SortKey("pk")),
    "-updated": (
        SortKey("updated_at", descending=True, nulls_last=True, read=datetime.fromisoformat),
        SortKey("sort_name"),
        SortKey("pk"),
    ),
    "country": (
        SortKey("country_unknown"),
        SortKey("country"),
        SortKey("sort_name"),
        SortKey("pk"),
    ),
    RELEVANCE: (SortKey("search_rank", descending=True), SortKey("sort_name"), SortKey("pk")),
}


def in_order(clusters, keys):
    return clusters.annotate(country_unknown=COUNTRY_UNKNOWN_LAST).order_by(
        *(key.ordering() for key in keys)
    )


def after(keys, values):
    """The clusters that come after the one whose sort keys are `values`, in the order of
    `keys`.

    Row by row: those beyond it by the first key, or equal to it there and beyond it by the
    second, and so on; and, said once more on its own, at or beyond it by the first key, the
    condition the index of the order can seek to.
    """
    condition = Q(pk__in=[])
    for position, key in enumerate(keys):
        same_before = Q()
        for earlier, value in zip(keys[:position], values, strict=False):
            same_before &= earlier.equal(value)
        condition |= same_before & key.beyond(values[position])
    return keys[0].beyond(values[0], inclusive=True) & condition
