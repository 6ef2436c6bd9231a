import csv

from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render

from clusters.eccp import (
    MANAGEMENT_TEAM_FTE,
    MINIMUM_MEMBER_TYPES,
    MINIMUM_MEMBERS,
    criteria_source_url,
    meeting_criteria,
)
from clusters.exports import spreadsheet_safe
from clusters.listing import PARAMETERS
from clusters.models import Cluster, Organisation
from core.page_cache import cached_page
from network.statistics import CHARTS, SHORT_NAMES, Statistics


@cached_page()
def eccp(request):
    """What the European Cluster Collaboration Platform is, why and how a social economy
    cluster registers there, and how many of the directory's clusters have."""
    published = Cluster.objects.published()
    registered = Q(eccp_registered=Cluster.EccpRegistration.YES)
    figures = published.aggregate(clusters=Count("pk"), registered=Count("pk", filter=registered))
    figures["ready"] = meeting_criteria(published).exclude(registered).count()
    return render(
        request,
        "network/eccp.html",
        {
            "figures": figures,
            "source_url": criteria_source_url(),
            "minimum_members": MINIMUM_MEMBERS,
            "minimum_member_types": MINIMUM_MEMBER_TYPES,
            "management_team_fte": MANAGEMENT_TEAM_FTE,
            "navigation": "eccp",
        },
    )


@cached_page(parameters=PARAMETERS)
def statistics(request):
    """The clusters the list's filters ask for, as charts, tables and CSVs."""
    figures = Statistics(request.GET)
    return render(
        request,
        "network/statistics.html",
        {
            "statistics": figures,
            "listing": figures.listing,
            "member_types": [
                (kind, str(label), str(SHORT_NAMES[kind]))
                for kind, label in Organisation.Type.choices
            ],
            "navigation": "statistics",
        },
    )


@cached_page(parameters=PARAMETERS)
def statistics_csv(request, chart):
    """The numbers of one chart, with the same filters."""
    if chart not in CHARTS:
        raise Http404
    figures = Statistics(request.GET).chart(chart)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="csei-{chart}.csv"'
    writer = csv.writer(response)
    writer.writerow(figures.csv_header())
    for row in figures.csv_rows():
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response
