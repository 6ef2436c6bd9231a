from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import CaseStudy
from clusters.models import Cluster
from themes.models import ThematicArea


class StaticPageSitemap(Sitemap):
    def items(self):
        return ["home", "clusters:list", "themes:list", "cases:list", "about", "privacy"]

    def location(self, item):
        return reverse(item)


class ClusterSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Cluster.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, cluster):
        return cluster.updated_at


class ThematicAreaSitemap(Sitemap):
    def items(self):
        return ThematicArea.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, thematic_area):
        return thematic_area.updated_at


class CaseStudySitemap(Sitemap):
    def items(self):
        return CaseStudy.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, case_study):
        return case_study.updated_at


sitemaps = {
    "pages": StaticPageSitemap,
    "clusters": ClusterSitemap,
    "themes": ThematicAreaSitemap,
    "cases": CaseStudySitemap,
}
