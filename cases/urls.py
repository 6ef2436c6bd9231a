from django.urls import path

from cases import views
from cases.feeds import CaseStudyFeed
from core.page_cache import cached_page

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("feed.atom", cached_page()(CaseStudyFeed()), name="feed"),
    path("<slug:slug>/", views.case_detail, name="detail"),
]
