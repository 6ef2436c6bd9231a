"""The public pages of the thematic areas, which show the clusters that joined them and take
requests to join: they live with the clusters, above the themes app, which knows nothing of
clusters."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from clusters.forms import JoinRequestForm
from clusters.listing import ClusterListing
from clusters.services import join_requests
from core.forms import error_summary, receive
from core.page_cache import cached_page
from core.vocabulary import alphabetical
from themes.models import ThematicArea

# The clusters a thematic area's page shows as cards.
CLUSTERS_SHOWN = 12


@cached_page()
def theme_list(request):
    # Counted by the facet index, as the list's filter of thematic areas counts them: a
    # count through the links read every published cluster's on each uncached page.
    counts = ClusterListing(QueryDict()).facet_counts("theme")
    thematic_areas = alphabetical(ThematicArea.objects.public(), "name")
    for thematic_area in thematic_areas:
        thematic_area.cluster_count = counts.get(thematic_area.slug, 0)
    return render(
        request,
        "themes/theme_list.html",
        {"thematic_areas": thematic_areas, "navigation": "themes"},
    )


def theme_detail(request, slug):
    thematic_area = get_object_or_404(ThematicArea.objects.public(), slug=slug)
    # The list of the area's clusters: the first of them, and their count by country.
    listing = ClusterListing(QueryDict(urlencode({"theme": slug})))
    by_country = listing.counts_within("country")
    return render(
        request,
        "themes/theme_detail.html",
        {
            "thematic_area": thematic_area,
            # The first of them: the list, the map and the statistics show them all.
            "clusters": listing.clusters.for_list()[:CLUSTERS_SHOWN],
            "cluster_total": listing.total,
            "by_country": {code: count for code, count in by_country.items() if code},
            "case_studies": thematic_area.case_studies.published(),
            "form": JoinRequestForm(thematic_area=thematic_area),
            "navigation": "themes",
        },
    )


@sensitive_post_parameters("email")
def join(request, slug):
    thematic_area = get_object_or_404(ThematicArea.objects.public(), slug=slug)
    form = JoinRequestForm(request.POST or None, thematic_area=thematic_area)
    receipt = receive(request, "join", form)
    if receipt.accepted:
        join_request = join_requests.ask(form, request.LANGUAGE_CODE)
        messages.success(
            request,
            _(
                "Thank you. Staff will add %(cluster)s to this area once they have checked "
                "the request."
            )
            % {"cluster": join_request.cluster},
        )
    if receipt.accepted or receipt.caught_a_bot:
        return redirect(thematic_area)
    return render(
        request,
        "themes/join.html",
        {
            "form": form,
            "thematic_area": thematic_area,
            "errors": error_summary(form) if request.method == "POST" else [],
            "navigation": "themes",
        },
        status=receipt.status,
    )
