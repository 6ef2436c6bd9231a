"""Rebuild the map's country outlines and each country's reference point from Natural Earth.

The data comes from Natural Earth's Admin 0 countries (public domain), as the `world-atlas`
package on the npm registry redistributes them in TopoJSON (version 2.0.2 holds Natural
Earth 4.1.0). Node is not needed; npm only fetches the files. `make basemap` does it all:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python manage.py build_basemap package

It writes two files that are committed with the code, so that no set-up step needs them:

- static/map/countries.geo.json: the outlines as GeoJSON, for the map drawn when no tile
  server is configured. From the 1:50m scale, simplified (shared borders stay shared) to
  about 2 km in and around Europe and about 30 km elsewhere, and rounded to match.
- core/data/country_points.json: {"FR": [latitude, longitude], ...}, for each country
  the point inside its largest polygon that lies farthest from its edges ("pole of
  inaccessibility", from the more exact 1:10m scale); a few by hand, see
  POINTS_NOT_IN_NATURAL_EARTH. core.places.country_point reads it.

Shapely, a development dependency, does the geometry.
"""

import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_countries import countries

BASEMAP = settings.BASE_DIR / "static" / "map" / "countries.geo.json"
COUNTRY_POINTS = settings.BASE_DIR / "clusters" / "data" / "country_points.json"

# Longitude and latitude of the part of the world drawn in detail: Europe from the Azores
# to the Caucasus, from the Canaries and Cyprus to the North Cape.
EUROPE = (-32.0, 27.0, 50.0, 72.0)
# Simplification tolerances, in degrees, inside and outside that frame, and the decimals
# kept there (0.01° is about 1 km).
DETAIL = {"inside": (0.02, 2), "outside": (0.3, 1)}
# Islands smaller than this many square degrees (about 5 km² in Europe) are left out.
SMALLEST_ISLAND = 0.0005
# Natural Earth's countries fold these into another country (the French overseas regions,
# Svalbard, the Caribbean Netherlands) or leave them out: their main island or town, by hand.
POINTS_NOT_IN_NATURAL_EARTH = {
    "BQ": [12.17, -68.26], "BV": [-54.42, 3.36], "CC": [-12.17, 96.87], "CX": [-10.49, 105.62],
    "GF": [4.0, -53.0], "GP": [16.2, -61.55], "MQ": [14.65, -61.02], "RE": [-21.12, 55.53],
    "SJ": [78.5, 16.0], "TK": [-9.2, -171.85], "VA": [41.9, 12.45], "YT": [-12.83, 45.14],
}  # fmt: skip


class Command(BaseCommand):
    help = (
        "Rebuild static/map/countries.geo.json and core/data/country_points.json from "
        "the world-atlas package (Natural Earth). See the module docstring."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "world_atlas", type=Path, help="The unpacked world-atlas package (its folder)."
        )

    def handle(self, *args, world_atlas, **options):
        try:
            import shapely  # noqa: F401 - only this command needs it
        except ImportError as error:
            raise CommandError(
                "Install the development dependencies: pip install '.[dev]'"
            ) from error
        sources = {scale: world_atlas / f"countries-{scale}.json" for scale in ("50m", "10m")}
        for path in sources.values():
            if not path.exists():
                raise CommandError(f"{path} does not exist: unpack world-atlas there first.")

        outlines = basemap(read_countries(sources["50m"]))
        write_json(BASEMAP, outlines)
        points = reference_points(read_countries(sources["10m"]))
        write_json(COUNTRY_POINTS, points, sort_keys=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(outlines['features'])} country outlines to {BASEMAP} "
                f"({BASEMAP.stat().st_size:,} bytes) and {len(points)} country points to "
                f"{COUNTRY_POINTS}."
            )
        )


def read_countries(path):
    """[(ISO alpha-2 code or "", name, MultiPolygon)] from a world-atlas TopoJSON file.

    TopoJSON stores each border once, as an arc of delta-encoded integers shared by the
    countries on both sides; a ring is a list of arc indexes (~i: arc i reversed).
    """
    from shapely.geometry import MultiPolygon, Polygon

    topology = json.loads(path.read_text())
    (scale_x, scale_y), (move_x, move_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for delta_x, delta_y in arc:
            x, y = x + delta_x, y + delta_y
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)

    def ring(indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            # Consecutive arcs share their end point.
            points.extend(arc[1:] if points else arc)
        return points

    countries_read = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs")], "MultiPolygon": geometry.get("arcs")}.get(
            geometry["type"]
        )
        if not polygons:
            continue
        # Quantizing can shrink a tiny island to fewer points than a ring needs.
        polygons = [[ring(indexes) for indexes in rings] for rings in polygons]
        parts = [
            part
            for rings in polygons
            if len(rings[0]) >= 4
            for part in on_one_side(
                Polygon(rings[0], [hole for hole in rings[1:] if len(hole) >= 4])
            )
        ]
        if not parts:
            continue
        shape = MultiPolygon(parts)
        # ISO 3166 numeric codes; a few places (Kosovo, Northern Cyprus) have none.
        code = countries.alpha2(geometry["id"]) if geometry.get("id") else ""
        countries_read.append((code or "", geometry["properties"]["name"], shape))
    return countries_read


def on_one_side(polygon):
    """The polygon as parts that do not cross the 180th meridian.

    A ring that runs from 179.9° east to 179.9° west (eastern Russia, Fiji) would span the
    whole world once drawn flat: it is moved east of 180°, cut there, and the eastern part
    moved back by 360°. A ring around a pole (Antarctica) cannot be drawn on the map's
    projection at all and is left out.
    """
    import shapely
    from shapely.geometry import box

    west, _, east, _ = polygon.bounds
    if east - west <= 180:
        return [polygon]

    def move_east(points):
        points[:, 0] += (points[:, 0] < 0) * 360
        return points

    moved = shapely.make_valid(shapely.transform(polygon, move_east))
    west, _, east, _ = moved.bounds
    if east - west > 180:
        return []
    pieces = [shapely.intersection(moved, box(-180, -90, 180, 90))]
    beyond = shapely.intersection(moved, box(180, -90, 540, 90))
    pieces.append(shapely.transform(beyond, lambda points: points - [360, 0]))
    return [
        part
        for piece in pieces
        for part in getattr(piece, "geoms", [piece])
        if part.geom_type == "Polygon" and not part.is_empty
    ]


def basemap(countries_read):
    """A GeoJSON FeatureCollection of the outlines, detailed in Europe only."""
    import shapely
    from shapely.geometry import box

    shapes = [shape for _, _, shape in countries_read]
    # Simplifying the countries together moves each shared border once, the same way for
    # both neighbours: no gaps or overlaps appear between them.
    detailed = shapely.make_valid(shapely.coverage_simplify(shapes, DETAIL["inside"][0]))
    rough = shapely.make_valid(shapely.coverage_simplify(shapes, DETAIL["outside"][0]))
    europe = box(*EUROPE)
    features = []
    for (code, name, _), fine, coarse in zip(countries_read, detailed, rough, strict=True):
        shape = shapely.union(
            shapely.intersection(fine, europe), shapely.difference(coarse, europe)
        )
        polygons = [
            [rounded(polygon.exterior.coords)]
            + [rounded(hole.coords) for hole in polygon.interiors]
            for polygon in getattr(shape, "geoms", [shape])
            if polygon.geom_type == "Polygon" and polygon.area >= SMALLEST_ISLAND
        ]
        polygons = [rings for rings in polygons if len(rings[0]) >= 4]
        if polygons:
            features.append(
                {
                    "type": "Feature",
                    "id": code or None,
                    "properties": {"name": name},
                    "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def rounded(coordinates):
    """A ring rounded to the decimals its part of the world keeps, without repeated points."""
    west, south, east, north = EUROPE
    ring = []
    for x, y in coordinates:
        inside = west <= x <= east and south <= y <= north
        digits = DETAIL["inside" if inside else "outside"][1]
        point = [round(x, digits), round(y, digits)]
        if not ring or ring[-1] != point:
            ring.append(point)
    return ring


def reference_points(countries_read):
    """{code: [latitude, longitude]}: the pole of inaccessibility of the largest polygon."""
    from shapely import affinity
    from shapely.ops import polylabel

    polygons = {}
    for code, _, shape in countries_read:
        if code:
            polygons.setdefault(code, []).extend(shape.geoms)
    points = dict(POINTS_NOT_IN_NATURAL_EARTH)
    for code, parts in polygons.items():
        # Degrees of longitude shrink away from the equator: compare areas and find the
        # point on a map stretched back to true proportions around the country.
        def true_area(polygon):
            return polygon.area * math.cos(math.radians(polygon.centroid.y))

        largest = max(parts, key=true_area)
        shrink = math.cos(math.radians(largest.centroid.y))
        point = polylabel(affinity.scale(largest, xfact=shrink, origin=(0, 0)), tolerance=0.01)
        points[code] = [round(point.y, 2), round(point.x / shrink, 2)]
    return points


def write_json(path, data, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False, **options) + "\n")
