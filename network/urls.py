from django.urls import path

from network import views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<slug:chart>.csv", views.statistics_csv, name="statistics_csv"),
    path("eccp/", views.eccp, name="eccp"),
]
