from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from clusters import exports, open_data
from clusters.urls import api_urlpatterns, embed_urlpatterns, thematic_area_urlpatterns
from core.page_cache import cached_page
from csei import views
from csei.sitemaps import sitemaps
from network.urls import data_urlpatterns as network_data_urlpatterns
from themes.urls import urlpatterns as themes_urlpatterns

# Machines, open data and staff: one address each, whatever the language.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # An index of the sitemaps, each section split in files of Sitemap.limit addresses.
    path(
        "sitemap.xml",
        cached_page()(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(parameters=("p",))(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("clusters/export.csv", exports.clusters_csv, name="export_csv"),
    path("clusters/export.json", exports.clusters_json_file, name="export_json"),
    path("api/", include((api_urlpatterns, "api"))),
    path("", include(network_data_urlpatterns)),
    path("admin/", admin.site.urls),
]

# Pages for people: English unprefixed, each other language under /<code>/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("jsi18n/", views.javascript_catalogue, name="javascript_catalogue"),
    path("clusters/", include("clusters.urls")),
    path("organisations/", include("clusters.organisation_urls")),
    path("data/", open_data.data_page, name="data"),
    path("embed/", include((embed_urlpatterns, "embeds"))),
    path(
        "themes/",
        include((themes_urlpatterns + thematic_area_urlpatterns, "themes")),
    ),
    path("cases/", include("cases.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("network.urls")),
    prefix_default_language=False,
)

handler400 = "csei.views.bad_request"
handler500 = "core.outages.server_error"
