"""The geometry of the statistics' charts, drawn as SVG by the templates on the server.

Bars are laid out in percentages of the chart's width, so that labels keep their size on a
phone and a laptop alike; the map projects the site's own Natural Earth outlines
(static/map/countries.geo.json) once per process. Colours come from palettes that stay apart
for the common kinds of colour blindness, and each member type has a pattern as well as a
colour, so that the charts read in greyscale too.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

# A bar is at most this share of the chart's width: its value is written after it.
LONGEST_BAR = 78
ROW_HEIGHT = 44
STACKED_ROW_HEIGHT = 46
# Sequential classes of the map, light to dark (viridis): they differ in lightness too.
MAP_CLASSES = ["#b5de2b", "#35b779", "#1f9e89", "#31688e", "#443983"]
MAP_EMPTY = "#f1f3f2"
# The map's frame, in degrees, and its projection: Lambert azimuthal equal-area centred on
# Europe, as the EU's own maps are (EPSG:3035).
FRAME = {"west": -25.0, "east": 45.0, "south": 34.0, "north": 71.5}
CENTRE = (10.0, 52.0)
MAP_WIDTH = 1000


@dataclass
class Bar:
    label: str
    value: int
    width: float  # percent of the chart
    y: int
    link: str = ""


@dataclass
class BarChart:
    bars: list
    height: int


def bar_chart(rows):
    """`rows` of (label, value, link): one bar each, in this order."""
    largest = max((value for _, value, _ in rows), default=0) or 1
    bars = [
        Bar(label, value, round(LONGEST_BAR * value / largest, 2), index * ROW_HEIGHT, link)
        for index, (label, value, link) in enumerate(rows)
    ]
    return BarChart(bars, max(len(bars), 1) * ROW_HEIGHT)


@dataclass
class Segment:
    kind: str
    value: int
    x: float  # percent
    width: float  # percent
    share: int  # whole percent, as the table shows it


@dataclass
class StackedBar:
    label: str
    total: int
    segments: list
    y: int
    shares: dict = field(default_factory=dict)


@dataclass
class StackedChart:
    bars: list
    height: int


def stacked_chart(rows, kinds):
    """`rows` of (label, {kind: value}): one bar each, its parts in the order of `kinds`,
    each part's width its share of the row's total."""
    bars = []
    for index, (label, values) in enumerate(rows):
        total = sum(values.get(kind, 0) for kind in kinds)
        segments, x = [], 0.0
        for kind in kinds:
            value = values.get(kind, 0)
            width = 100 * value / total if total else 0
            segments.append(Segment(kind, value, round(x, 3), round(width, 3), round(width)))
            x += width
        bars.append(
            StackedBar(
                label,
                total,
                [segment for segment in segments if segment.value],
                index * STACKED_ROW_HEIGHT,
                {segment.kind: segment.share for segment in segments},
            )
        )
    return StackedChart(bars, max(len(bars), 1) * STACKED_ROW_HEIGHT)


def project(longitude, latitude):
    """Lambert azimuthal equal-area: (x, y) on a unit sphere, y growing southwards."""
    lon0, lat0 = (math.radians(value) for value in CENTRE)
    lon, lat = math.radians(longitude), math.radians(latitude)
    k = math.sqrt(
        2
        / (
            1
            + math.sin(lat0) * math.sin(lat)
            + math.cos(lat0) * math.cos(lat) * math.cos(lon - lon0)
        )
    )
    x = k * math.cos(lat) * math.sin(lon - lon0)
    y = k * (math.cos(lat0) * math.sin(lat) - math.sin(lat0) * math.cos(lat) * math.cos(lon - lon0))
    return x, -y


@dataclass
class Basemap:
    width: int
    height: int
    # {country code: SVG path data}, for the countries inside the frame.
    paths: dict


@cache
def basemap():
    """The country outlines that fall in the frame, projected to a MAP_WIDTH-wide box."""
    corners = [
        project(longitude, latitude)
        for longitude in (FRAME["west"], CENTRE[0], FRAME["east"])
        for latitude in (FRAME["south"], FRAME["north"])
    ]
    left, right = min(x for x, _ in corners), max(x for x, _ in corners)
    top, bottom = min(y for _, y in corners), max(y for _, y in corners)
    scale = MAP_WIDTH / (right - left)
    height = round((bottom - top) * scale)

    def inside(ring):
        return any(
            FRAME["west"] - 5 <= lon <= FRAME["east"] + 5
            and FRAME["south"] - 5 <= lat <= FRAME["north"] + 5
            for lon, lat in ring
        )

    path = settings.BASE_DIR / "static" / "map" / "countries.geo.json"
    paths = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        code = feature.get("id")
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        parts = []
        for polygon in polygons:
            for ring in polygon:
                if not inside(ring):
                    continue
                projected = [project(longitude, latitude) for longitude, latitude in ring]
                clipped = clip(
                    [((x - left) * scale, (y - top) * scale) for x, y in projected],
                    MAP_WIDTH,
                    height,
                )
                points, last = [], None
                for x, y in clipped:
                    point = (round(x), round(y))
                    if point != last:
                        points.append(point)
                        last = point
                if len(points) > 2:
                    parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
        if code and parts:
            paths[code] = "".join(parts)
    return Basemap(MAP_WIDTH, height, paths)


def clip(ring, width, height):
    """The part of a ring inside the box from (0, 0) to (width, height), by clipping it
    against each edge in turn (Sutherland and Hodgman)."""
    edges = [
        (lambda p: p[0] >= 0, lambda a, b: crossing(a, b, 0, None)),
        (lambda p: p[0] <= width, lambda a, b: crossing(a, b, width, None)),
        (lambda p: p[1] >= 0, lambda a, b: crossing(a, b, None, 0)),
        (lambda p: p[1] <= height, lambda a, b: crossing(a, b, None, height)),
    ]
    for inside, cross in edges:
        if not ring:
            break
        kept = []
        for index, point in enumerate(ring):
            previous = ring[index - 1]
            if inside(point):
                if not inside(previous):
                    kept.append(cross(previous, point))
                kept.append(point)
            elif inside(previous):
                kept.append(cross(previous, point))
        ring = kept
    return ring


def crossing(a, b, x=None, y=None):
    """Where the segment from a to b crosses the vertical line x or the horizontal line y."""
    (ax, ay), (bx, by) = a, b
    if x is not None:
        t = (x - ax) / (bx - ax)
        return x, ay + t * (by - ay)
    t = (y - ay) / (by - ay)
    return ax + t * (bx - ax), y


@dataclass
class MapClass:
    low: int
    high: int
    colour: str


@dataclass
class Area:
    code: str
    path: str
    colour: str
    count: int


@dataclass
class Choropleth:
    width: int
    height: int
    areas: list
    classes: list
    counts: dict = field(default_factory=dict)
    empty_colour: str = MAP_EMPTY
    # Countries with clusters that the frame leaves out, by code.
    outside: list = field(default_factory=list)


def map_classes(largest):
    """Up to five classes of counts from 1 to `largest`: one a count while they are few,
    else each wider than the one before; their colours spread over the palette."""
    steps = len(MAP_CLASSES)
    if largest <= steps:
        bounds = list(range(1, largest + 1))
    else:
        bounds = []
        for step in range(1, steps + 1):
            bound = math.ceil(largest ** (step / steps))
            if not bounds or bound > bounds[-1]:
                bounds.append(bound)
    if len(bounds) == 1:
        colours = [MAP_CLASSES[steps // 2]]
    else:
        colours = [
            MAP_CLASSES[round(i * (steps - 1) / (len(bounds) - 1))] for i in range(len(bounds))
        ]
    classes, low = [], 1
    for colour, high in zip(colours, bounds, strict=True):
        classes.append(MapClass(low, high, colour))
        low = high + 1
    return classes


def choropleth(counts):
    """The basemap with each country coloured by its count ({code: count})."""
    base = basemap()
    classes = map_classes(max(counts.values(), default=0))

    def colour(count):
        for map_class in classes:
            if map_class.low <= count <= map_class.high:
                return map_class.colour
        return MAP_EMPTY

    areas = [
        Area(code, path, colour(counts.get(code, 0)), counts.get(code, 0))
        for code, path in base.paths.items()
    ]
    outside = sorted(code for code, count in counts.items() if count and code not in base.paths)
    return Choropleth(base.width, base.height, areas, classes, counts, outside=outside)
