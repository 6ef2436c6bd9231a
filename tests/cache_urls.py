"""A page that reads the cache, as cached pages will: for the tests of a cache outage."""

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path


def cached_page(request):
    return HttpResponse(cache.get("cached-page", "rendered afresh"))


urlpatterns = [path("cached/", cached_page)]
handler500 = "core.outages.server_error"
