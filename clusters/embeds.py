"""The map, the list and a cluster's card made to be framed by other sites.

Only these pages may be framed (`frame-ancestors *`; every other page says `'none'`). They
set no cookie, so the page cache keeps them like every public page, and their links open
on the directory in a new browsing context, not inside the frame.
"""

from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from clusters.listing import PARAMETERS, ClusterListing
from clusters.map_data import GRID_ABOVE
from clusters.models import Cluster
from core.page_cache import cached_page

# Clusters a page of the embedded list shows: a frame is smaller than the site's list.
EMBED_PAGE_SIZE = 20


def embeddable(view):
    """Any site may frame the view's answer, cached or not."""
    view = csp_replace({"frame-ancestors": ["*"]})(view)
    return xframe_options_exempt(view)


def site_address(url_name, listing):
    """The same clusters on the site: the list or the map, with the filters and the box."""
    query = listing.query_string
    return reverse(url_name) + (f"?{query}" if query else "")


@embeddable
@cached_page(parameters=PARAMETERS)
def embed_list(request):
    """The list's filters, `bbox` among them: the list holds only the clusters the map
    places inside the box."""
    listing = ClusterListing(request.GET)
    page = listing.page(request.GET.get("page"), size=EMBED_PAGE_SIZE)
    return render(
        request,
        "embeds/list.html",
        {
            "listing": listing,
            "page": page,
            "site_address": site_address("clusters:list", listing),
        },
    )


@embeddable
@cached_page(parameters=PARAMETERS)
def embed_map(request):
    """The list's filters, `bbox` among them: the map frames the box and holds only the
    clusters inside it (the map's script keeps what it asks for inside the box)."""
    listing = ClusterListing(request.GET)
    return render(
        request,
        "embeds/map.html",
        {
            "listing": listing,
            "placed": listing.placed,
            "grid_above": GRID_ABOVE,
            "site_address": site_address("clusters:map", listing),
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
