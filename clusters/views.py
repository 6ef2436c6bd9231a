from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_countries.fields import Country

from clusters.forms import (
    MODEL_EXPLANATIONS,
    ClusterDetailsForm,
    ClusterRegistrationForm,
    CorrectionSuggestionForm,
    ManageLinkRequestForm,
    OtherLanguagesForm,
)
from clusters.geocoding import locate
from clusters.listing import PARAMETERS, ClusterListing
from clusters.map_data import GRID_ABOVE
from clusters.member_forms import member_formset
from clusters.models import Cluster, SlugRedirect
from clusters.organisations import sharing_members
from clusters.services import corrections, registration, self_service
from clusters.structured_data import cluster_json_ld
from core.forms import error_summary, receive
from core.page_cache import cached_page
from core.text import fold

# How many names a cluster field suggests at a time.
SUGGESTED_NAMES = 10
# The map page names the clusters below the map only up to this many.
MAP_PAGE_NAMES_AT_MOST = 200


@cached_page(parameters=PARAMETERS)
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


@cached_page()
def cluster_detail(request, slug):
    """A published cluster's page; staff may preview any entry, under a banner. An address
    the cluster had before a rename or a merge answers with a permanent redirect."""
    visible = Cluster.objects.all() if can_preview(request) else Cluster.objects.published()
    cluster = (
        visible.with_map_precision()
        .prefetch_related("fields_of_activity", "services", "innovation_types")
        .filter(slug=slug)
        .first()
    )
    if cluster is None:
        moved = SlugRedirect.objects.filter(old_slug=slug, cluster__in=visible).first()
        if moved is None:
            raise Http404
        return redirect(moved.cluster, permanent=True)
    memberships = cluster.memberships.select_related("organisation").order_by(
        "organisation__type", "role", "organisation__name"
    )
    members_by_type = {}
    for membership in memberships:
        kind = membership.organisation.get_type_display()
        members_by_type.setdefault(kind, []).append(membership)
    thematic_areas = list(cluster.thematic_areas.public())
    words = cluster.words_for(request.LANGUAGE_CODE)
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "words": words,
            "members_by_type": members_by_type,
            "member_total": len(memberships),
            "thematic_areas": thematic_areas,
            "case_studies": cluster.case_studies.published(),
            "sharing": sharing_members(cluster),
            "structured_data": cluster_json_ld(cluster, words, memberships, thematic_areas),
            "navigation": "clusters",
        },
    )


def can_preview(request):
    return request.user.is_authenticated and request.user.has_perm("clusters.view_cluster")


@cached_page(parameters=PARAMETERS)
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
            "placed": listing.placed,
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


@sensitive_post_parameters("submitter_name", "submitter_email")
def register(request):
    more_rows = "more_member_rows" in request.POST
    form = ClusterRegistrationForm(request.POST or None)
    members = member_formset(request.POST or None, more_rows=more_rows)
    receipt = receive(
        request, "register", form, members, sent=request.method == "POST" and not more_rows
    )
    if receipt.accepted:
        cluster = registration.register(form, members, request.LANGUAGE_CODE)
        # The thanks page names the cluster from the session, so a link cannot fake it.
        request.session["registered_cluster"] = [cluster.name, cluster.reference]
    if receipt.accepted or receipt.caught_a_bot:
        return redirect("clusters:register_done")
    return render(
        request,
        "clusters/register.html",
        {
            "form": form,
            "members": members,
            **form_page(request, form, members),
            "navigation": "register",
        },
        status=receipt.status,
    )


def register_done(request):
    name, reference = request.session.pop("registered_cluster", ["", ""])
    return render(
        request,
        "clusters/register_done.html",
        {"name": name, "reference": reference, "navigation": "register"},
    )


@sensitive_post_parameters("email")
def request_manage_link(request, slug):
    """Send the link to update the entry, to the address on file and nowhere else."""
    cluster = get_object_or_404(Cluster.objects.published(), slug=slug)
    form = ManageLinkRequestForm(request.POST or None)
    receipt = receive(
        request, "manage_link", form, sent=request.method == "POST" and cluster.has_contact
    )
    if receipt.accepted:
        self_service.send_manage_link(cluster, form.cleaned_data["email"])
    if receipt.accepted or receipt.caught_a_bot:
        # The same answer whatever the address: the page never tells which one is on file.
        messages.success(
            request,
            _(
                "If this is the address the directory has for the cluster, a link to update "
                "its entry is on its way. It works for seven days."
            ),
        )
        return redirect("clusters:request_manage_link", slug=cluster.slug)
    return render(
        request,
        "clusters/manage_request.html",
        {"form": form, "cluster": cluster, **form_page(request, form), "navigation": "clusters"},
        status=receipt.status,
    )


@sensitive_post_parameters()
def manage(request, slug, token):
    """The contact's own page: confirm the entry is still right, or correct it."""
    cluster = get_object_or_404(Cluster.objects.published(), slug=slug)
    try:
        self_service.check_manage_token(cluster, token)
    except signing.BadSignature as problem:
        expired = isinstance(problem, signing.SignatureExpired)
        return render(
            request,
            "clusters/manage_invalid.html",
            {"cluster": cluster, "expired": expired, "navigation": "clusters"},
            status=403,
        )
    updating = request.POST.get("action") == "update"
    form = ClusterDetailsForm(request.POST if updating else None, instance=cluster)
    other_languages = OtherLanguagesForm(request.POST if updating else None, cluster=cluster)
    members = member_formset(
        request.POST if updating else None,
        cluster=cluster,
        more_rows="more_member_rows" in request.POST,
    )
    if request.method == "POST" and "more_member_rows" not in request.POST:
        if request.POST.get("action") == "confirm":
            self_service.confirm(cluster)
            messages.success(
                request, _("Thank you: the entry now shows that you verified it today.")
            )
            return redirect(cluster)
        if form.is_valid() & members.is_valid() & other_languages.is_valid():
            self_service.update(form, members, other_languages)
            messages.success(request, _("Thank you: your changes are on the cluster's page now."))
            return redirect(cluster)
    return render(
        request,
        "clusters/manage.html",
        {
            "cluster": cluster,
            "form": form,
            "members": members,
            "other_languages": other_languages,
            **form_page(request, form, members, other_languages),
            "navigation": "clusters",
        },
    )


@sensitive_post_parameters("name", "email")
def suggest(request, slug):
    cluster = get_object_or_404(Cluster.objects.published(), slug=slug)
    form = CorrectionSuggestionForm(request.POST or None, cluster=cluster)
    receipt = receive(request, "suggest", form)
    if receipt.accepted:
        corrections.suggest(form, request.LANGUAGE_CODE)
        messages.success(request, _("Thank you. Staff will check your correction."))
    if receipt.accepted or receipt.caught_a_bot:
        return redirect(cluster)
    return render(
        request,
        "clusters/suggest.html",
        {"form": form, "cluster": cluster, **form_page(request, form), "navigation": "clusters"},
        status=receipt.status,
    )


def form_page(request, *forms):
    """What a page with a form shows: the summary of its errors once it has been sent (not
    when the person only asked for more member rows), and the models explained."""
    hide_errors = "more_member_rows" in request.POST
    sent = request.method == "POST" and not hide_errors
    return {
        "errors": error_summary(*forms) if sent else [],
        "hide_errors": hide_errors,
        "model_explanations": MODEL_EXPLANATIONS,
    }


def locate_place(request):
    """Where the registration form's pin goes for a place typed in it: JSON."""
    latitude, longitude, precision = locate(
        request.GET.get("country", "")[:2].upper(),
        request.GET.get("region", "")[:150],
        request.GET.get("city", "")[:150],
    )
    return JsonResponse({"latitude": latitude, "longitude": longitude, "precision": precision})


def cluster_names(request):
    """Published clusters whose name contains what was typed, for cluster fields: JSON."""
    typed = fold(request.GET.get("q", ""))[:100]
    clusters = (
        Cluster.objects.published().filter(sort_name__contains=typed).order_by("sort_name")
        if len(typed) >= 2
        else Cluster.objects.none()
    )
    return JsonResponse(
        {
            "clusters": [
                {"name": name, "slug": slug}
                for name, slug in clusters.values_list("name", "slug")[:SUGGESTED_NAMES]
            ]
        }
    )
