"""The open data: the filtered clusters as CSV and as pages of JSON (GeoJSON:
clusters.map_data)."""

import csv
from collections import defaultdict
from itertools import islice

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django_countries import countries

from clusters.data_files import is_whole, whole_file
from clusters.listing import PARAMETERS, ClusterListing
from clusters.models import Cluster
from clusters.organisations import members_of
from core.page_cache import cached_page
from core.ratelimits import count_export
from themes.models import ThematicArea

# Rows are read in chunks; each chunk costs one query more for each taxonomy.
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


EXPORT_FIELDS = [
    "name", "also_known_as", "url", "country", "country_name", "country_from", "region",
    "city", "place_from", "latitude", "longitude", "location_precision", "model", "model_from",
    "legal_structure", "legal_entity_name", "initiated_by", "year_founded", "member_count",
    "eccp_registered", "eccp_profile_url", "activity_status", "fields_of_activity",
    "thematic_areas", "website", "name_in_source", "updated_at", "last_verified_at",
]  # fmt: skip
# The fields read as they are stored; the others are worked out in `records`.
STORED_FIELDS = [
    field
    for field in EXPORT_FIELDS
    if field not in ("url", "country_name", "fields_of_activity", "thematic_areas")
]


def records(clusters, request, keyed=False):
    """The export record of each of these clusters, read a chunk at a time; with `keyed`,
    (the cluster's key, its record).

    Rows are read as values, not model instances, and each chunk's taxonomies in one query
    each: three to five times faster, 1.6 s for a full export of 10,000 clusters.
    """
    rows = clusters.values("pk", "slug", *STORED_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row["pk"] for row in chunk]
        fields = slugs_by_cluster(
            Cluster.fields_of_activity.through.objects.filter(cluster__in=ids), "fieldofactivity"
        )
        themes = slugs_by_cluster(
            Cluster.thematic_areas.through.objects.filter(
                cluster__in=ids, thematicarea__status__in=ThematicArea.PUBLIC_STATUSES
            ),
            "thematicarea",
        )
        for row in chunk:
            row.update(
                url=request.build_absolute_uri(reverse("clusters:detail", args=[row["slug"]])),
                country_name=countries.name(row["country"]),
                fields_of_activity=fields[row["pk"]],
                thematic_areas=themes[row["pk"]],
            )
            for field in ("latitude", "longitude"):
                if row[field] is not None:
                    row[field] = float(row[field])
            for field in ("updated_at", "last_verified_at"):
                if row[field] is not None:
                    row[field] = row[field].isoformat()
            record = {field: row[field] for field in EXPORT_FIELDS}
            yield (row["pk"], record) if keyed else record


def slugs_by_cluster(links, term):
    """{cluster id: [slug, ...]} of these links from clusters to `term`, in the terms' own
    order, as the pages list them."""
    ordering = links.model._meta.get_field(term).related_model._meta.ordering
    found = defaultdict(list)
    for cluster_id, slug in links.order_by(*(f"{term}__{field}" for field in ordering)).values_list(
        "cluster_id", f"{term}__slug"
    ):
        found[cluster_id].append(slug)
    return found


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
    may download it EXPORT_RATE_LIMIT times; the JSON API is there for more. Without
    filters, the whole file (clusters.data_files), which costs no more than a page."""
    if is_whole(request) and (response := whole_file(request, "clusters.csv")):
        return response
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
    for record in records(ClusterListing(request.GET).clusters, request):
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
    clusters = clusters.order_by(*clusters.query.order_by, "pk")
    page = Paginator(clusters, size).get_page(request.GET.get("page"))
    found = list(records(page.object_list, request, keyed=True))
    members = members_of([pk for pk, _ in found])
    for pk, record in found:
        record["members"] = [
            member_record(request, membership) for membership in members.get(pk, [])
        ]
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
            "clusters": [record for _, record in found],
        }
    )


def member_record(request, membership):
    """A member of a cluster in the JSON API: the organisation, its page, and its role."""
    organisation = membership.organisation
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "type": organisation.type,
        "country": organisation.country.code,
        "role": membership.role,
        "since": membership.since,
    }


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
