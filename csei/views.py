import json

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from clusters.geocoding import country_names
from clusters.member_forms import MAX_MEMBERS
from clusters.models import Cluster
from clusters.structured_data import website_json_ld
from core.page_cache import cached_page
from core.per_version import per_version
from core.places import country_point
from core.vocabulary import alphabetical
from themes.models import ThematicArea


@cached_page()
def home(request):
    published = Cluster.objects.published()
    counts = per_version("home-counts", lambda: counts_by_country(published))
    figures = dict.fromkeys(("clusters", "eccp", "from_mapping", "verified_from_mapping"), 0)
    for row in counts:
        for name in figures:
            figures[name] += row[name]
    names = country_names()
    list_url = reverse("clusters:list")
    # One entry a country for the chart and, as JSON in an attribute, the small map.
    by_country = [
        {
            "code": row["country"],
            "name": names.get(row["country"], row["country"]),
            "count": row["clusters"],
            "latitude": latitude,
            "longitude": longitude,
            "url": f"{list_url}?country={row['country']}",
        }
        for row in counts
        if row["country"]
        for latitude, longitude in [country_point(row["country"])]
    ]
    thematic_areas = alphabetical(ThematicArea.objects.public(), "name")
    figures.update(countries=len(by_country), thematic_areas=len(thematic_areas))
    return render(
        request,
        "csei/home.html",
        {
            "figures": figures,
            "by_country": by_country,
            "largest_country_count": by_country[0]["count"] if by_country else 0,
            "countries_on_map": json.dumps(by_country),
            "latest_clusters": published.order_by("-published_at", "name").for_list()[:6],
            "thematic_areas": thematic_areas,
            "structured_data": website_json_ld(),
            "navigation": "home",
        },
    )


def counts_by_country(published):
    """The figures and the chart from one pass over the clusters, by country: the whole
    table, so read once for each version of the directory."""
    return list(
        published.values("country")
        .annotate(
            clusters=Count("pk"),
            eccp=Count("pk", filter=Q(eccp_registered=Cluster.EccpRegistration.YES)),
            from_mapping=Count("pk", filter=Q(source=Cluster.Source.SEED)),
            verified_from_mapping=Count(
                "pk", filter=Q(source=Cluster.Source.SEED, last_verified_at__isnull=False)
            ),
        )
        .order_by("-clusters", "country")
    )


# The scripts' sentences in the page's language (the djangojs catalogue), one file a language.
javascript_catalogue = cached_page()(JavaScriptCatalog.as_view())


@cached_page()
def about(request):
    return render(request, "csei/about.html", {"navigation": "about"})


@cached_page()
def privacy(request):
    return render(request, "csei/privacy.html", {"navigation": "privacy"})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 while the database (and the shared cache, when one is set) answers; 503 if not."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        problems.append("database")
    if settings.CACHE_URL:
        try:
            cache.set("healthz", "ok", 5)
            if cache.get("healthz") != "ok":
                problems.append("cache")
        except Exception:  # noqa: BLE001 - any failure of the cache client means it is down
            problems.append("cache")
    if problems:
        return HttpResponse(
            "unavailable: " + ", ".join(problems) + "\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def signin_locked_out(request, response, credentials):
    """django-axes answers this to a sign-in while the account is locked out for the address."""
    context = admin.site.each_context(request) | {
        "title": "Too many failed sign-ins",
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)


def bad_request(request, exception):
    """The root URLconf's handler400, in the site's own page. A form past the limits of
    what Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_MEMORY_SIZE) is told
    what to do; the page reads nothing from the request, which may be what failed."""
    too_much = isinstance(exception, TooManyFieldsSent | RequestDataTooBig)
    return HttpResponseBadRequest(
        render_to_string("400.html", {"too_much": too_much, "max_members": MAX_MEMBERS})
    )
