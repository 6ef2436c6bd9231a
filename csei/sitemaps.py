"""The sitemaps of /sitemap.xml, an index of one file per section and per LIMIT addresses."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from cases.models import CaseStudy
from clusters.models import Cluster, Organisation
from themes.models import ThematicArea


class InEveryLanguage:
    """Each address in each language, with its alternates and English as the default."""

    i18n = True
    alternates = True
    x_default = True


class StaticPageSitemap(InEveryLanguage, Sitemap):
    def items(self):
        return [
            "home", "clusters:list", "organisations:list", "themes:list", "cases:list",
            "about", "privacy",
        ]  # fmt: skip

    def location(self, item):
        return reverse(item)


# Addresses in one sitemap file (each page in each language counts once): a fifth of what
# search engines accept, so that a file of the largest directory is read in a few hundred
# milliseconds.
LIMIT = 10_000


class LatestInQuery:
    """The index's lastmod of a section from one aggregate, not from every item read."""

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ClusterSitemap(InEveryLanguage, LatestInQuery, Sitemap):
    changefreq = "monthly"
    limit = LIMIT

    def items(self):
        return Cluster.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, cluster):
        return cluster.updated_at


class OrganisationSitemap(InEveryLanguage, Sitemap):
    """The public organisations only: one in no published cluster has no page."""

    changefreq = "monthly"
    limit = LIMIT

    def items(self):
        return Organisation.objects.public().only("slug").order_by("pk")


class ThematicAreaSitemap(InEveryLanguage, LatestInQuery, Sitemap):
    limit = LIMIT

    def items(self):
        return ThematicArea.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, thematic_area):
        return thematic_area.updated_at


class CaseStudySitemap(InEveryLanguage, LatestInQuery, Sitemap):
    limit = LIMIT

    def items(self):
        return CaseStudy.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, case_study):
        return case_study.updated_at


sitemaps = {
    "pages": StaticPageSitemap,
    "clusters": ClusterSitemap,
    "organisations": OrganisationSitemap,
    "themes": ThematicAreaSitemap,
    "cases": CaseStudySitemap,
}
