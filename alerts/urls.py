from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("new/", views.follow, name="follow"),
    path("new/sent/", views.follow_sent, name="follow_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("end/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("address/<str:token>/", views.address, name="address"),
]
