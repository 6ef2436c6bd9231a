"""The organisations' public pages: the list, each organisation, and the JSON API."""

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_countries import countries

from clusters.exports import page_address, page_size
from clusters.models import Cluster, Organisation, OrganisationRedirect
from clusters.organisations import (
    CLUSTERS_PER_PAGE,
    PARAMETERS,
    OrganisationListing,
    clusters_of,
    partners,
)
from core.page_cache import cached_page


@cached_page(parameters=PARAMETERS)
def organisation_list(request):
    listing = OrganisationListing(request.GET)
    return render(
        request,
        "clusters/organisation_list.html",
        {
            "listing": listing,
            "page": listing.page(request.GET.get("page")),
            "navigation": "organisations",
        },
    )


@cached_page(parameters=("page",))
def organisation_detail(request, slug):
    """A public organisation: its published clusters, a page at a time, and the
    organisations it cooperates with there. A merged one's address leads to the one kept."""
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        moved = OrganisationRedirect.objects.filter(
            old_slug=slug, organisation__in=Organisation.objects.public()
        ).first()
        if moved is None:
            raise Http404
        return redirect(moved.organisation, permanent=True)
    memberships = (
        organisation.memberships.filter(cluster__status=Cluster.Status.PUBLISHED)
        .select_related("cluster")
        .only(
            "organisation_id", "role", "since", "cluster__name", "cluster__slug", "cluster__country"
        )
        .order_by("cluster__sort_name", "cluster_id")
    )
    paginator = Paginator(memberships, CLUSTERS_PER_PAGE)
    paginator.count = organisation.published_cluster_count
    found = partners(organisation)
    return render(
        request,
        "clusters/organisation_detail.html",
        {
            "organisation": organisation,
            "page": paginator.get_page(request.GET.get("page")),
            "partners": found,
            "partner_total": found[0].partner_total if found else 0,
            "navigation": "organisations",
        },
    )


@cached_page(parameters=(*PARAMETERS, "page_size"))
def organisations_json(request):
    """The public organisations a page at a time, with their published clusters, by the
    conventions of /api/clusters.json."""
    size = page_size(request.GET.get("page_size", ""))
    listing = OrganisationListing(request.GET)
    paginator = Paginator(listing.organisations, size)
    paginator.count = listing.total
    page = paginator.get_page(request.GET.get("page"))
    organisations = list(page.object_list)
    memberships = clusters_of(organisations)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_size": size,
            "next": page_address(request, page=page.next_page_number())
            if page.has_next()
            else None,
            "previous": page_address(request, page=page.previous_page_number())
            if page.has_previous()
            else None,
            "organisations": [
                organisation_record(request, organisation, memberships.get(organisation.pk, []))
                for organisation in organisations
            ],
        }
    )


def organisation_record(request, organisation, memberships):
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "type": organisation.type,
        "country": organisation.country.code,
        "country_name": countries.name(organisation.country.code),
        "website": organisation.website,
        "cluster_count": organisation.published_cluster_count,
        "clusters": [
            {
                "name": membership.cluster.name,
                "slug": membership.cluster.slug,
                "url": request.build_absolute_uri(
                    reverse("clusters:detail", args=[membership.cluster.slug])
                ),
                "role": membership.role,
                "since": membership.since,
            }
            for membership in memberships
        ],
    }
