"""The open data: the filtered clusters as CSV and as pages of JSON (GeoJSON:
clusters.map_data)."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse

from clusters.listing import PARAMETERS, ClusterListing
from csei.page_cache import cached_page
from csei.ratelimits import count_export

# Rows are read in chunks; each chunk costs one query per prefetched relation.
CHUNK_SIZE = 2000
# Clusters in a page of the JSON API, unless `page_size` asks for another number up to the
# most; a page of the most is built in about a tenth of a second.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
EXPORT_LIMITED_MESSAGE = (
    "This address has downloaded the CSV export many times in the last hour. Please try "
    "again later, or read the same data from the JSON API, /api/clusters.json, a page at "
    "a time."
)


def filtered_clusters(request):
    return (
        ClusterListing(request.GET)
        .clusters.prefetch_related("fields_of_activity", "thematic_areas")
        .iterator(chunk_size=CHUNK_SIZE)
    )


EXPORT_FIELDS = [
    "name", "also_known_as", "url", "country", "country_name", "country_from", "region",
    "city", "place_from", "latitude", "longitude", "location_precision", "model", "model_from",
    "legal_structure", "legal_entity_name", "initiated_by", "year_founded", "member_count",
    "eccp_registered", "eccp_profile_url", "activity_status", "fields_of_activity",
    "thematic_areas", "website", "name_in_source", "updated_at", "last_verified_at",
]  # fmt: skip


def cluster_record(cluster, request):
    return {
        "name": cluster.name,
        "also_known_as": cluster.also_known_as,
        "url": request.build_absolute_uri(cluster.get_absolute_url()),
        "country": cluster.country.code,
        "country_name": cluster.country.name,
        "country_from": cluster.country_from,
        "region": cluster.region,
        "city": cluster.city,
        "place_from": cluster.place_from,
        "latitude": float(cluster.latitude) if cluster.latitude is not None else None,
        "longitude": float(cluster.longitude) if cluster.longitude is not None else None,
        "location_precision": cluster.location_precision,
        "model": cluster.model,
        "model_from": cluster.model_from,
        "legal_structure": cluster.legal_structure,
        "legal_entity_name": cluster.legal_entity_name,
        "initiated_by": cluster.initiated_by,
        "year_founded": cluster.year_founded,
        "member_count": cluster.member_count,
        "eccp_registered": cluster.eccp_registered,
        "eccp_profile_url": cluster.eccp_profile_url,
        "activity_status": cluster.activity_status,
        "fields_of_activity": [field.slug for field in cluster.fields_of_activity.all()],
        "thematic_areas": [theme.slug for theme in cluster.thematic_areas.all() if theme.is_public],
        "website": cluster.website,
        "name_in_source": cluster.name_in_source,
        "updated_at": cluster.updated_at.isoformat() if cluster.updated_at else None,
        "last_verified_at": cluster.last_verified_at.isoformat()
        if cluster.last_verified_at
        else None,
    }


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula is kept as text, with a leading quote."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


class Line:
    """What csv.writer writes to: each row is handed back as a line to send."""

    def write(self, line):
        return line


def clusters_csv(request):
    """Every filtered cluster, one row each, sent as the rows are read: the first arrives
    before the last is fetched, and a worker holds one chunk of rows at a time. Each address
    may download it EXPORT_RATE_LIMIT times; the JSON API is there for more."""
    if not count_export(request):
        response = HttpResponse(
            f"{EXPORT_LIMITED_MESSAGE}\n", status=429, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(60 * 60)
        return response
    response = StreamingHttpResponse(csv_lines(request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="csei-clusters.csv"'
    return response


def csv_lines(request):
    writer = csv.DictWriter(Line(), fieldnames=EXPORT_FIELDS)
    yield writer.writeheader()
    for cluster in filtered_clusters(request):
        record = cluster_record(cluster, request)
        record["fields_of_activity"] = "; ".join(record["fields_of_activity"])
        record["thematic_areas"] = "; ".join(record["thematic_areas"])
        yield writer.writerow({key: spreadsheet_safe(value) for key, value in record.items()})


@cached_page(parameters=(*PARAMETERS, "page_size"))
def clusters_json(request):
    """The filtered clusters a page at a time: `page` (from 1) and `page_size` (up to
    MAX_PAGE_SIZE), with the total and the addresses of the next and previous pages.

    As on the list, a page or a size that cannot be read is not an error: a page past the
    last gives the last, anything else the first, and the size used is in the answer.
    """
    size = page_size(request.GET.get("page_size", ""))
    clusters = ClusterListing(request.GET).clusters
    # The key last, so that pages neither repeat nor skip clusters that sort alike.
    clusters = clusters.order_by(*clusters.query.order_by, "pk").prefetch_related(
        "fields_of_activity", "thematic_areas"
    )
    page = Paginator(clusters, size).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "page_size": size,
            "next": page_address(request, page.next_page_number()) if page.has_next() else None,
            "previous": page_address(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "clusters": [cluster_record(cluster, request) for cluster in page],
        }
    )


def page_size(value):
    """The size asked for, at most MAX_PAGE_SIZE; PAGE_SIZE when it is not a number."""
    try:
        size = int(value)
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size >= 1 else PAGE_SIZE


def page_address(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
