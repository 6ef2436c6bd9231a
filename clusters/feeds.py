"""Atom feeds of newly published clusters: for any filters of the list, and for each
thematic area. Newest first, each entry with the cluster's summary and place."""

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.listing import ClusterListing, describe
from clusters.models import Cluster
from core.feeds import FEED_ENTRIES, AtomFeed
from themes.models import ThematicArea


def newest(clusters):
    return clusters.order_by("-published_at", "-pk")[:FEED_ENTRIES]


class NewClustersFeed(AtomFeed):
    kind = "cluster"

    def feed_copyright(self):
        """The data's licence and credit, as Atom's <rights>."""
        return _("%(license)s (%(url)s); credit: %(attribution)s") % {
            "license": settings.DATA_LICENSE_NAME,
            "url": settings.DATA_LICENSE,
            "attribution": settings.DATA_ATTRIBUTION,
        }

    def item_title(self, cluster):
        return cluster.name

    def item_description(self, cluster):
        place = ", ".join(part for part in (cluster.place, cluster.country.name) if part)
        lines = [
            cluster.short_description,
            _("Place: %(place)s") % {"place": place} if place else "",
        ]
        return "\n".join(line for line in lines if line)


class ClusterFeed(NewClustersFeed):
    """The clusters the list shows for the same query string, newest first."""

    def get_object(self, request):
        return ClusterListing(request.GET)

    def title(self, listing):
        return _("%(clusters)s · CSEI Directory") % {"clusters": describe(listing)}

    def link(self, listing):
        query = listing.query_string
        return reverse("clusters:list") + (f"?{query}" if query else "")

    def feed_url(self, listing):
        query = listing.query_string
        return reverse("clusters:feed") + (f"?{query}" if query else "")

    def items(self, listing):
        return newest(listing.clusters)


class ThematicAreaFeed(NewClustersFeed):
    """The published clusters that joined one thematic area, those that joined last first:
    an entry is dated by the day its cluster joined the area, which for a cluster known
    for years is not the day it was published."""

    def get_object(self, request, slug):
        return get_object_or_404(ThematicArea.objects.public(), slug=slug)

    def title(self, thematic_area):
        return _("New clusters in the thematic area %(name)s · CSEI Directory") % {
            "name": thematic_area.name
        }

    def link(self, thematic_area):
        return reverse("themes:detail", args=[thematic_area.slug])

    def feed_url(self, thematic_area):
        return reverse("themes:feed", args=[thematic_area.slug])

    def items(self, thematic_area):
        # Filtered and ordered through one join: the index of the area's newest members
        # gives the first entries, whatever the size of the directory.
        return (
            Cluster.objects.published()
            .filter(joined_areas__thematic_area=thematic_area)
            .annotate(joined_at=F("joined_areas__joined_at"))
            .order_by("-joined_at", "-pk")[:FEED_ENTRIES]
        )

    def item_pubdate(self, cluster):
        return cluster.joined_at
