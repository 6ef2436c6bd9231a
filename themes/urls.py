from django.urls import path

from themes import views

# The areas' list, pages and join requests show clusters: the clusters app serves them
# (clusters.urls.thematic_area_urlpatterns), in the same namespace, by the root URLconf.
urlpatterns = [
    path("propose/", views.propose, name="propose"),
    path("propose/thanks/", views.propose_done, name="propose_done"),
]
