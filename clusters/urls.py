from django.urls import path

from clusters import (
    changes,
    embeds,
    exports,
    feeds,
    map_data,
    open_data,
    openapi,
    organisation_views,
    thematic_areas,
    views,
)
from clusters.dataset import licensed
from clusters.listing import PARAMETERS
from core.page_cache import cached_page

app_name = "clusters"

urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("map/", views.cluster_map, name="map"),
    path("register/", views.register, name="register"),
    path("register/thanks/", views.register_done, name="register_done"),
    path(
        "feed.atom",
        licensed(cached_page(parameters=PARAMETERS)(feeds.ClusterFeed())),
        name="feed",
    ),
    path("<slug:slug>/", views.cluster_detail, name="detail"),
    path("<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("<slug:slug>/manage/", views.request_manage_link, name="request_manage_link"),
    path("<slug:slug>/manage/<str:token>/", views.manage, name="manage"),
]

api_urlpatterns = [
    path("clusters.json", exports.clusters_json, name="clusters_json"),
    path("clusters.geojson", map_data.clusters_geojson, name="clusters_geojson"),
    path("organisations.json", organisation_views.organisations_json, name="organisations_json"),
    path("changes.json", changes.changes_json, name="changes_json"),
    path("clusters/grid.geojson", map_data.clusters_grid, name="clusters_grid"),
    path("places.json", views.locate_place, name="locate_place"),
    path("cluster-names.json", views.cluster_names, name="cluster_names"),
    path("openapi.json", openapi.openapi, name="openapi"),
    path("catalog.jsonld", open_data.catalog, name="catalog"),
]

# Under /embed/: the views other sites may frame.
embed_urlpatterns = [
    path("list/", embeds.embed_list, name="list"),
    path("map/", embeds.embed_map, name="map"),
    path("clusters/<slug:slug>/", embeds.embed_cluster, name="cluster"),
]

# Under /themes/, in the themes namespace, beside the themes app's own pages.
thematic_area_urlpatterns = [
    path("", thematic_areas.theme_list, name="list"),
    path("<slug:slug>/", thematic_areas.theme_detail, name="detail"),
    path("<slug:slug>/join/", thematic_areas.join, name="join"),
    path("<slug:slug>/feed.atom", licensed(cached_page()(feeds.ThematicAreaFeed())), name="feed"),
]
