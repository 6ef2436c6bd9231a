"""The facet index: for each choice of each facet of the cluster list, the ids of the
published clusters that choosing it gives, as compressed bitmaps (pyroaring).

Counting the facets in SQL read every published cluster on every request: at 100,000
clusters, nine tenths of an uncached list's time. The index is built once for each version
of the directory (core.per_version); a request's counts are then intersections of these
sets in memory, whatever the filters and whatever a search found, and exact: each set is
read with the filter's own condition (ClusterFilter's facets, `option_ids`).
"""

from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

from clusters.map_points import POINT_FIELDS, MapPoints
from clusters.models import Cluster
from clusters.ordering import SORT_KEYS
from core.per_version import per_version


@dataclass(frozen=True)
class FacetIndex:
    published: BitMap
    # {facet: {choice: ids}}
    choices: dict
    # The published clusters' ids in the order of their names: the list's "name" order.
    by_name: np.ndarray
    # Where the map shows each one: for a box, and for the map's grid.
    points: MapPoints

    @classmethod
    def build(cls, filterset):
        """One query for the published clusters, in the order of their names, and one for
        each facet."""
        clusters = Cluster.objects.published().with_map_precision().order_by()
        in_name_order = [key.name for key in SORT_KEYS["name"]]
        rows = list(clusters.order_by(*in_name_order).values_list(*POINT_FIELDS))
        by_name = np.array([row[0] for row in rows], dtype=np.int64)
        return cls(
            published=BitMap(by_name.tolist()),
            choices={
                name: item.option_ids(clusters, filterset.terms)
                for name, item in filterset.facets()
            },
            by_name=by_name,
            points=MapPoints.build(rows),
        )

    def in_name_order(self, ids):
        """These clusters' ids (a BitMap), in the order of their names: an array."""
        chosen = np.zeros(self.by_name.max(initial=0) + 1, dtype=bool)
        chosen[np.frombuffer(ids.to_array(), dtype=np.uint32)] = True
        return self.by_name[chosen[self.by_name]]

    def chosen(self, name, values):
        """The clusters any of these choices of a facet gives."""
        found = self.choices[name]
        return BitMap.union(BitMap(), *(found[value] for value in values if value in found))

    def counts(self, name, matched, narrowing):
        """{choice: n} of one facet within the clusters `matched`, under the filters'
        `narrowing` (see below) but its own: what choosing each of its choices would give."""
        base = self.within(matched, narrowing, leaving_out=name)
        return {
            choice: count
            for choice, ids in self.choices[name].items()
            if (count := base.intersection_cardinality(ids))
        }

    def narrowing(self, selected):
        """{facet: the clusters its choices give}, for the facets chosen."""
        return {
            name: self.chosen(name, value if isinstance(value, list) else [value])
            for name, value in selected.items()
        }

    @staticmethod
    def within(matched, narrowing, leaving_out=None):
        found = matched
        for name, ids in narrowing.items():
            if name != leaving_out:
                found = found & ids
        return found


def facet_index(filterset):
    """The index of the directory's current version."""
    # Numbered with the index's fields: a process of a new release must not read an index
    # that one of the previous release kept in the shared cache for the same version.
    return per_version("cluster-facet-index-4", lambda: FacetIndex.build(filterset))
