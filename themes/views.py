from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from cases.models import CaseStudy
from clusters.models import Cluster
from themes.models import ThematicArea


def theme_list(request):
    thematic_areas = ThematicArea.objects.public().annotate(
        cluster_count=Count("clusters", filter=Q(clusters__status=Cluster.Status.PUBLISHED))
    )
    return render(
        request,
        "themes/theme_list.html",
        {"thematic_areas": thematic_areas, "navigation": "themes"},
    )


def theme_detail(request, slug):
    thematic_area = get_object_or_404(ThematicArea.objects.public(), slug=slug)
    return render(
        request,
        "themes/theme_detail.html",
        {
            "thematic_area": thematic_area,
            "clusters": thematic_area.clusters.published().for_list(),
            "case_studies": CaseStudy.objects.published().filter(thematic_areas=thematic_area),
            "navigation": "themes",
        },
    )
