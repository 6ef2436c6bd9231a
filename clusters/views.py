from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from clusters.filters import ClusterFilter, active_filters, facets
from clusters.models import Cluster


def cluster_list(request):
    filterset = ClusterFilter(request.GET, queryset=Cluster.objects.published())
    paginator = Paginator(filterset.qs.for_list(), settings.CLUSTER_LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    panel = facets(filterset)
    return render(
        request,
        "clusters/cluster_list.html",
        {
            "filterset": filterset,
            "page": page,
            "facets": panel,
            "active_filters": active_filters(filterset, panel),
            "navigation": "clusters",
        },
    )


def cluster_detail(request, slug):
    cluster = get_object_or_404(
        Cluster.objects.published().prefetch_related(
            "fields_of_activity", "services", "innovation_types"
        ),
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
