from django.urls import path

from themes import views

app_name = "themes"

urlpatterns = [
    path("", views.theme_list, name="list"),
    path("propose/", views.propose, name="propose"),
    path("propose/thanks/", views.propose_done, name="propose_done"),
    path("<slug:slug>/", views.theme_detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
]
