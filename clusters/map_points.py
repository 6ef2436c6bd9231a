"""Where the map shows each published cluster, kept in the facet index (clusters.facet_index).

A box on the map and the grid of the map's view read every cluster in view: in SQL, the
more clusters the directory holds, the more rows each request reads (at 100,000 clusters
the grid of Europe read all of them on every uncached request). Kept as arrays by id, a box
is a comparison and a grid a sort of the listed clusters in memory.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast
from pyroaring import BitMap

from clusters.models import Cluster
from core.places import map_point

# What the map needs of each cluster, as MapPoints.build reads it: the rows must be
# annotated with_map_precision().
POINT_FIELDS = (
    "pk",
    Cast("latitude", FloatField()),
    Cast("longitude", FloatField()),
    "country",
    "map_precision",
)


@dataclass(frozen=True)
class Cell:
    """The clusters of one cell of a grid, gathered."""

    count: int
    # Their mean point.
    latitude: float
    longitude: float
    # How many of them are placed at their region or country only.
    approximate: int
    # The lowest id: the cell's only cluster, when count is 1.
    first: int
    # Their country, when they all have the same known one.
    country: str


@dataclass(frozen=True)
class MapPoints:
    """Each published cluster's point on the map, in arrays indexed by its id: its own
    coordinates, or its country's point when it has none, as the map shows it."""

    # In degrees; NaN where the map cannot place it (neither coordinates nor country).
    latitude: np.ndarray
    longitude: np.ndarray
    # Placed at its region or its country only (its map precision is not the town's).
    approximate: np.ndarray
    # Its country's place in `countries`, the codes in order ("" first, for not known).
    country: np.ndarray
    countries: list

    @classmethod
    def build(cls, rows):
        """From rows of POINT_FIELDS."""
        size = max((row[0] for row in rows), default=0) + 1
        countries = sorted({row[3] for row in rows} | {""})
        country_at = {code: place for place, code in enumerate(countries)}
        latitude, longitude = np.full(size, np.nan), np.full(size, np.nan)
        approximate = np.zeros(size, dtype=bool)
        country = np.zeros(size, dtype=np.int32)
        for pk, own_latitude, own_longitude, code, precision in rows:
            country[pk] = country_at[code]
            point = map_point(own_latitude, own_longitude, code)
            if point is not None:
                latitude[pk], longitude[pk] = point
                approximate[pk] = precision != Cluster.MapPrecision.CITY
        return cls(latitude, longitude, approximate, country, countries)

    def inside(self, ids, bbox):
        """The clusters of `ids` (a BitMap) that the map places inside the box
        (west, south, east, north), edges included."""
        ids, latitude, longitude = self.placed(ids)
        return BitMap(ids[self.in_box(latitude, longitude, bbox)])

    def placed(self, ids):
        """(ids, latitudes, longitudes) of the clusters of `ids` that the map places."""
        ids = np.frombuffer(ids.to_array(), dtype=np.uint32)
        latitude = self.latitude[ids]
        on_the_map = ~np.isnan(latitude)
        ids = ids[on_the_map]
        return ids, latitude[on_the_map], self.longitude[ids]

    @staticmethod
    def in_box(latitude, longitude, bbox):
        west, south, east, north = bbox
        return (south <= latitude) & (latitude <= north) & (west <= longitude) & (longitude <= east)

    def grid(self, ids, bbox, height, width):
        """([Cell], extent): the clusters of `ids` inside the box, gathered into cells
        `height` degrees of latitude by `width` of longitude counted from the equator and the
        meridian, and the extent (west, south, east, north) they cover, None for none."""
        ids, latitude, longitude = self.placed(ids)
        inside = self.in_box(latitude, longitude, bbox)
        ids, latitude, longitude = ids[inside], latitude[inside], longitude[inside]
        if not len(ids):
            return [], None
        rows = np.floor(latitude / height).astype(np.int64)
        columns = np.floor(longitude / width).astype(np.int64)
        columns -= columns.min()
        key = (rows - rows.min()) * (columns.max() + 1) + columns
        # By cell; the sort is stable, so each cell's ids stay in order, lowest first.
        order = np.argsort(key, kind="stable")
        ids, latitude, longitude, key = ids[order], latitude[order], longitude[order], key[order]
        starts = np.flatnonzero(np.diff(key, prepend=-1))
        count = np.diff(starts, append=len(key))
        country = self.country[ids]
        single_country = np.minimum.reduceat(country, starts) == np.maximum.reduceat(
            country, starts
        )
        cells = zip(
            count.tolist(),
            (np.add.reduceat(latitude, starts) / count).tolist(),
            (np.add.reduceat(longitude, starts) / count).tolist(),
            np.add.reduceat(self.approximate[ids].astype(np.int64), starts).tolist(),
            ids[starts].tolist(),
            [
                self.countries[place] if alone else ""
                for place, alone in zip(
                    country[starts].tolist(), single_country.tolist(), strict=True
                )
            ],
            strict=True,
        )
        extent = (longitude.min(), latitude.min(), longitude.max(), latitude.max())
        return [Cell(*cell) for cell in cells], tuple(float(edge) for edge in extent)
