from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from cases.models import CaseStudy
from clusters.models import Cluster
from core.page_cache import cached_page
from themes.models import ThematicArea

# A case study links to its cluster only while that cluster is public.
published_cluster = Prefetch("cluster", queryset=Cluster.objects.published())


public_thematic_areas = Prefetch("thematic_areas", queryset=ThematicArea.objects.public())


@cached_page()
def case_list(request):
    case_studies = CaseStudy.objects.published().prefetch_related(
        published_cluster, public_thematic_areas
    )
    return render(
        request,
        "cases/case_list.html",
        {"case_studies": case_studies, "navigation": "cases"},
    )


@cached_page()
def case_detail(request, slug):
    case_study = get_object_or_404(
        CaseStudy.objects.published().prefetch_related(
            Prefetch("cluster", queryset=Cluster.objects.published().for_list()),
            "links",
            public_thematic_areas,
        ),
        slug=slug,
    )
    return render(
        request,
        "cases/case_detail.html",
        {"case_study": case_study, "navigation": "cases"},
    )
