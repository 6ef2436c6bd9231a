from django.urls import path

from network import views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("eccp/", views.eccp, name="eccp"),
]

# The charts' numbers are open data: one address each, outside the languages' prefixes.
data_urlpatterns = [
    path("statistics/<slug:chart>.csv", views.statistics_csv, name="statistics_csv"),
]
