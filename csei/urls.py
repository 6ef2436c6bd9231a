from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clusters.urls import api_urlpatterns
from csei import views
from csei.sitemaps import sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("clusters/", include("clusters.urls")),
    path("api/", include((api_urlpatterns, "api"))),
    path("themes/", include("themes.urls")),
    path("cases/", include("cases.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "csei.outages.server_error"
