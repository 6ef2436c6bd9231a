"""The map's data: the filtered clusters as GeoJSON points, each one or gathered on a grid.

Both answers are kept in the page cache (core.page_cache) until the directory changes: the
same map seen by many visitors is built once.
"""

import functools
import itertools
import json
import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation

from clusters.data_files import is_whole, whole_file
from clusters.dataset import license_members, licensed
from clusters.geocoding import country_names
from clusters.listing import PARAMETERS, ClusterListing
from clusters.models import Cluster
from core.page_cache import cached_page
from core.places import map_point

# Above this many clusters on the map, the map page asks for the grid, not every point.
GRID_ABOVE = 3000
# A filtered GeoJSON of more clusters than the map asks for is streamed, not built whole and
# kept in the page cache: only open-data clients ask for it, and it starts at once.
STREAM_ABOVE = GRID_ABOVE
STREAM_CHUNK = 2000
# Coordinates keep what their precision allows: about 1 km for a town, 10 km otherwise.
DECIMALS = {
    Cluster.MapPrecision.CITY: 2,
    Cluster.MapPrecision.REGION: 1,
    Cluster.MapPrecision.COUNTRY: 1,
}
# What a cluster's feature is made of, in this order.
FEATURE_FIELDS = [
    "name", "slug", "country", "city", "region", "latitude", "longitude", "map_precision",
    "model", "eccp_registered", "member_count", "stale",
]  # fmt: skip
# A grid cell is about this many pixels wide on the screen, at the zoom asked for.
CELL_PIXELS = 120
# The most cells one answer may hold: wider views get wider cells.
MAX_CELLS = 4000
MAX_ZOOM = 18


def in_words_language(view):
    """Answer in the language `language` names, where the site speaks it, else in English:
    the kind of cluster and the country in words, and the page addresses. The map pages ask
    for their own language; the address stays one for every language."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = request.GET.get("language", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            return view(request, *args, **kwargs)

    return wrapper


@licensed
@in_words_language
def clusters_geojson(request):
    """Every filtered cluster that the map can place, as a GeoJSON point; without filters,
    the whole file (clusters.data_files), which is in English."""
    in_english = translation.get_language() == settings.LANGUAGE_CODE
    if in_english and is_whole(request) and (response := whole_file(request, "clusters.geojson")):
        return response
    return filtered_geojson(request)


@cached_page(parameters=PARAMETERS)
def filtered_geojson(request):
    """Built whole and kept, unless it holds more clusters than the map ever asks for: then
    streamed (and so not kept), for the open-data clients that ask for so many."""
    listing = ClusterListing(request.GET)
    feature = feature_maker(request)
    if listing.total > STREAM_ABOVE:
        return StreamingHttpResponse(
            streamed_points(listing, feature), content_type="application/geo+json"
        )
    return geojson_response(feature_collection([feature(row) for row in map_rows(listing)]))


def streamed_points(listing, feature):
    """The same document as all_points(), written as the rows are read: the answer starts
    at once, and a worker holds one chunk of rows at a time."""
    yield '{"type":"FeatureCollection","features":['
    rows = map_rows(listing).iterator(chunk_size=STREAM_CHUNK)
    separator = ""
    while chunk := list(itertools.islice(rows, STREAM_CHUNK)):
        features = ",".join(
            json.dumps(feature(row), separators=(",", ":"), ensure_ascii=False) for row in chunk
        )
        yield separator + features
        separator = ","
    yield "]," + json.dumps(license_members(), separators=(",", ":"), ensure_ascii=False)[1:]


@licensed
@in_words_language
@cached_page(parameters=(*PARAMETERS, "zoom", "bbox"))
def clusters_grid(request):
    """The filtered clusters that lie in `bbox` (west,south,east,north, in degrees),
    gathered into cells about CELL_PIXELS wide at `zoom`: a cell with one cluster is that
    cluster's feature, one with more is a point with their `count`."""
    try:
        zoom, bbox = grid_parameters(request.GET)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return geojson_response(grid(request, zoom, bbox))


def geojson_response(document):
    return HttpResponse(
        json.dumps(document, separators=(",", ":"), ensure_ascii=False),
        content_type="application/geo+json",
    )


def all_points(request):
    feature = feature_maker(request)
    return feature_collection([feature(row) for row in map_rows(ClusterListing(request.GET))])


def map_rows(listing):
    """FEATURE_FIELDS of each of the listing's clusters the map can place."""
    return (
        listing.clusters.exclude(map_precision=Cluster.MapPrecision.NONE)
        .with_staleness()
        # By place: neighbours in the document repeat each other's country, region and town,
        # which compresses to a fraction. The key settles ties, so that the same clusters
        # give the same document, and the same ETag.
        .order_by("country", "region", "city", "sort_name", "pk")
        .values_list(*FEATURE_FIELDS)
    )


def feature_maker(request):
    """A function that turns a row of FEATURE_FIELDS into the cluster's GeoJSON feature."""
    # reverse() once, not once a row: at a hundred thousand rows that is a second.
    before, after = request.build_absolute_uri(reverse("clusters:detail", args=["slug"])).rsplit(
        "slug", 1
    )
    names = country_names()
    # Translated once here: a lazy label is translated again each time it is read.
    model_names = {model: str(label) for model, label in Cluster.Model.choices}

    def feature(row):
        name, slug, country, city, region, latitude, longitude, precision, *facts = row
        model, eccp_registered, member_count, stale = facts
        latitude, longitude = map_point(latitude, longitude, country)
        place = (city, region if region != city else "", names.get(country, ""))
        properties = {
            "name": name,
            "url": before + slug + after,
            "precision": precision,
            "place": ", ".join(filter(None, place)),
        }
        if model != Cluster.Model.OTHER:
            properties["model"] = model_names[model]
        if eccp_registered != Cluster.EccpRegistration.UNKNOWN:
            properties["eccp"] = eccp_registered
        if member_count:
            properties["members"] = member_count
        if stale:
            properties["stale"] = True
        return point(latitude, longitude, properties, DECIMALS[precision])

    return feature


def point(latitude, longitude, properties, decimals):
    coordinates = [round(longitude, decimals), round(latitude, decimals)]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": properties,
    }


def feature_collection(features):
    return {"type": "FeatureCollection", "features": features, **license_members()}


def grid_parameters(query):
    """(zoom, (west, south, east, north)) from the query, or ValueError saying what is wrong."""
    zoom = query.get("zoom", "0")
    # isdigit() alone takes "²", which int() does not.
    if not (zoom.isascii() and zoom.isdigit()) or int(zoom) > MAX_ZOOM:
        raise ValueError(f"zoom must be a whole number from 0 to {MAX_ZOOM}.")
    try:
        west, south, east, north = (float(part) for part in query.get("bbox", "").split(","))
    except ValueError:
        if "bbox" in query:
            raise ValueError("bbox must be four numbers: west,south,east,north.") from None
        west, south, east, north = -180, -90, 180, 90
    west, east = max(west, -180), min(east, 180)
    south, north = max(south, -90), min(north, 90)
    # NaN fails every comparison, so it ends here too.
    if not (west < east and south < north):
        raise ValueError("bbox must have west < east and south < north, in degrees.")
    return int(zoom), (west, south, east, north)


def cell_size(zoom, bbox):
    """(degrees of latitude, degrees of longitude) of a cell: about CELL_PIXELS square on
    the map at `zoom`, and wider where the box would hold more than MAX_CELLS of them."""
    west, south, east, north = bbox
    longitude = 360 / 2**zoom * CELL_PIXELS / 256
    # The map stretches latitudes away from the equator: a cell square on the screen is
    # shorter in degrees of latitude, by the cosine of its latitude.
    middle = max(min((south + north) / 2, 80), -80)
    latitude = longitude * math.cos(math.radians(middle))
    cells = (east - west) / longitude * (north - south) / latitude
    widen = max(1, math.sqrt(cells / MAX_CELLS))
    return latitude * widen, longitude * widen


def grid(request, zoom, bbox):
    """The features of `clusters_grid`, and as the collection's `bbox` the extent of the
    clusters they stand for: a map can frame them from a coarse grid. The cells are
    gathered in memory (clusters.map_points); only the clusters alone in their cell are read
    from the database, for their features."""
    # The grid keeps to its box, the map's view, itself: as the filters' bbox it would only
    # say the same again.
    filters = request.GET.copy()
    filters.pop("bbox", None)
    listing = ClusterListing(filters)
    cells, extent = listing.index.points.grid(listing.ids, bbox, *cell_size(zoom, bbox))
    alone = [cell.first for cell in cells if cell.count == 1]
    feature = feature_maker(request)
    singles = Cluster.objects.filter(pk__in=alone).with_map_precision().with_staleness()
    collection = feature_collection(
        [feature(row) for row in singles.values_list(*FEATURE_FIELDS)]
        + [cell_feature(cell) for cell in cells if cell.count > 1]
    )
    if extent:
        collection["bbox"] = [round(degrees, 3) for degrees in extent]
    return collection


def cell_feature(cell):
    properties = {"count": cell.count, "approximate": cell.approximate}
    if cell.country:
        properties["country"] = cell.country
    return point(cell.latitude, cell.longitude, properties, 3)
