"""The map, the list and a cluster's card made to be framed by other sites.

Only these pages may be framed (`frame-ancestors *`; every other page says `'none'`). They
set no cookie, so the page cache keeps them like every public page, and their links open
on the directory in a new browsing context, not inside the frame.
"""

from csp.decorators import csp_replace
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from clusters.listing import PARAMETERS, ClusterListing
from clusters.map_data import GRID_ABOVE, grid_parameters
from clusters.models import Cluster
from core.page_cache import cached_page
from core.places import country_points

# Clusters a page of the embedded list shows: a frame is smaller than the site's list.
EMBED_PAGE_SIZE = 20


def embeddable(view):
    """Any site may frame the view's answer, cached or not."""
    view = csp_replace({"frame-ancestors": ["*"]})(view)
    return xframe_options_exempt(view)


def parse_bbox(query):
    """(west, south, east, north) from `bbox`, None when there is none; ValueError saying
    what is wrong with one that cannot be read."""
    if not query.get("bbox"):
        return None
    return grid_parameters({"bbox": query["bbox"]})[1]


def within(clusters, bbox):
    """The clusters the map places inside the box: by their coordinates, or by their
    country's point for those known only to their country."""
    west, south, east, north = bbox
    countries = [
        code
        for code, (latitude, longitude) in country_points().items()
        if south <= latitude <= north and west <= longitude <= east
    ]
    return clusters.filter(
        Q(latitude__range=(south, north), longitude__range=(west, east))
        | Q(latitude__isnull=True, country__in=countries)
    )


class EmbeddedListing:
    """What an embed shows: the list's filters, and the box when one is given."""

    def __init__(self, query):
        self.listing = ClusterListing(query)
        self.bbox_error = ""
        try:
            self.bbox = parse_bbox(query)
        except ValueError as error:
            self.bbox, self.bbox_error = None, str(error)

    @property
    def clusters(self):
        clusters = self.listing.clusters
        return within(clusters, self.bbox) if self.bbox else clusters

    @property
    def query_string(self):
        """The filters understood, and the box: the embed's own address."""
        query = self.listing.query_string
        if self.bbox:
            box = "bbox=" + ",".join(f"{degrees:g}" for degrees in self.bbox)
            query = f"{query}&{box}" if query else box
        return query

    def site_address(self, url_name):
        """The same clusters on the site: the list or the map, with the filters."""
        query = self.listing.query_string
        return reverse(url_name) + (f"?{query}" if query else "")


@embeddable
@cached_page(parameters=(*PARAMETERS, "bbox"))
def embed_list(request):
    embedded = EmbeddedListing(request.GET)
    page = Paginator(embedded.clusters.for_list(), EMBED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "embeds/list.html",
        {
            "embedded": embedded,
            "listing": embedded.listing,
            "page": page,
            "site_address": embedded.site_address("clusters:list"),
        },
    )


@embeddable
@cached_page(parameters=(*PARAMETERS, "bbox"))
def embed_map(request):
    embedded = EmbeddedListing(request.GET)
    # The box frames the map; the map holds every filtered cluster, as the site's does.
    placed = embedded.listing.clusters.exclude(map_precision=Cluster.MapPrecision.NONE)
    return render(
        request,
        "embeds/map.html",
        {
            "embedded": embedded,
            "listing": embedded.listing,
            "placed": placed.count(),
            "grid_above": GRID_ABOVE,
            "site_address": embedded.site_address("clusters:map"),
        },
    )


@embeddable
@cached_page()
def embed_cluster(request, slug):
    cluster = Cluster.objects.published().for_list().filter(slug=slug).first()
    if cluster is None:
        raise Http404
    return render(
        request,
        "embeds/cluster.html",
        {"cluster": cluster, "site_address": cluster.get_absolute_url()},
    )
