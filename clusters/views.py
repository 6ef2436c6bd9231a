from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django_countries.fields import Country
from django_ratelimit.decorators import ratelimit

from clusters.forms import ClusterRegistrationForm, CorrectionSuggestionForm
from clusters.listing import ClusterListing
from clusters.map_data import GRID_ABOVE
from clusters.models import Cluster

# Sends per visitor address and hour, counted in the shared cache (CACHE_URL).
FORM_RATE_LIMIT = "10/h"
# The map page names the clusters below the map only up to this many.
MAP_PAGE_NAMES_AT_MOST = 200
RATE_LIMITED_MESSAGE = (
    "You have sent this form many times in the last hour. Nothing was saved; "
    "please try again later."
)


def cluster_list(request):
    listing = ClusterListing(request.GET)
    return render(
        request,
        "clusters/cluster_list.html",
        {
            "listing": listing,
            "page": listing.page(request.GET.get("page")),
            "navigation": "clusters",
        },
    )


def cluster_detail(request, slug):
    cluster = get_object_or_404(
        Cluster.objects.published()
        .with_map_precision()
        .prefetch_related("fields_of_activity", "services", "innovation_types"),
        slug=slug,
    )
    memberships = cluster.memberships.select_related("organisation").order_by(
        "organisation__type", "role", "organisation__name"
    )
    members_by_type = {}
    for membership in memberships:
        kind = membership.organisation.get_type_display()
        members_by_type.setdefault(kind, []).append(membership)
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "members_by_type": members_by_type,
            "member_total": len(memberships),
            "thematic_areas": cluster.thematic_areas.public(),
            "case_studies": cluster.case_studies.published(),
            "navigation": "clusters",
        },
    )


def cluster_map(request):
    listing = ClusterListing(request.GET)
    # Named only while they are few, so that the page weighs the same at any size of the
    # directory; the countries, at most some two hundred, link to the rest in the list.
    names = {}
    names_shown = listing.total <= MAP_PAGE_NAMES_AT_MOST
    if names_shown:
        for cluster in listing.clusters.order_by("sort_name").only(
            "name", "slug", "country", "city", "region"
        ):
            names.setdefault(cluster.country.code, []).append(cluster)
    by_country = listing.counts_within("country")
    countries = sorted(
        (
            (Country(code), count, listing.query_with("country", [code]), names.get(code, []))
            for code, count in by_country.items()
            if count
        ),
        key=lambda row: row[0].name,
    )
    precision = listing.counts_within("precision")
    unplaced = precision.get(Cluster.MapPrecision.NONE, 0)
    return render(
        request,
        "clusters/cluster_map.html",
        {
            "listing": listing,
            "countries": countries,
            "country_unknown": listing.total - sum(by_country.values()),
            "country_unknown_clusters": names.get("", []),
            "names_shown": names_shown,
            "placed": listing.total - unplaced,
            "approximate": sum(
                precision.get(value, 0)
                for value in (Cluster.MapPrecision.REGION, Cluster.MapPrecision.COUNTRY)
            ),
            "approximate_query": listing.query_with(
                "precision", [Cluster.MapPrecision.REGION, Cluster.MapPrecision.COUNTRY]
            ),
            "unplaced": unplaced,
            "unplaced_query": listing.query_with("precision", [Cluster.MapPrecision.NONE]),
            "grid_above": GRID_ABOVE,
            "navigation": "map",
        },
    )


@ratelimit(key="ip", rate=FORM_RATE_LIMIT, method="POST", block=False)
def register(request):
    status = 200
    if request.method == "POST":
        form = ClusterRegistrationForm(request.POST)
        if request.limited:
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            cluster = form.save()
            # The thanks page names the cluster from the session, so a link cannot fake it.
            request.session["registered_cluster"] = cluster.name
            return redirect("clusters:register_done")
    else:
        form = ClusterRegistrationForm()
    return render(
        request,
        "clusters/register.html",
        {"form": form, "navigation": "register"},
        status=status,
    )


def register_done(request):
    return render(
        request,
        "clusters/register_done.html",
        {"name": request.session.pop("registered_cluster", ""), "navigation": "register"},
    )


@ratelimit(key="ip", rate=FORM_RATE_LIMIT, method="POST", block=False)
def suggest_correction(request, slug):
    cluster = get_object_or_404(Cluster.objects.published(), slug=slug)
    status = 200
    if request.method == "POST":
        form = CorrectionSuggestionForm(request.POST)
        if request.limited:
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            form.save(cluster)
            messages.success(request, "Thank you. Staff will check your correction.")
            return redirect(cluster)
    else:
        form = CorrectionSuggestionForm()
    return render(
        request,
        "clusters/suggest.html",
        {"form": form, "cluster": cluster, "navigation": "clusters"},
        status=status,
    )
