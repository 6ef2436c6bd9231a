"""The open data: the filtered clusters as CSV and as pages of JSON (GeoJSON:
clusters.map_data)."""

import csv
import json
import math
from collections import defaultdict
from itertools import islice

from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.data_files import is_whole, whole_file
from clusters.dataset import EXPORT_FIELDS, license_members, licensed
from clusters.listing import PARAMETERS, ClusterListing
from clusters.models import Cluster
from clusters.ordering import SORT_KEYS, after, in_order
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
# Signs the keys of the JSON API's pages: a key is read back only as this site wrote it.
PAGE_KEY_SALT = "clusters.exports.page_key"
BAD_PAGE_KEY = _(
    "This page key is not one this site gave for this order of clusters. Follow the "
    "`next` or `previous` address of a page as it was given, or leave out `after` and "
    "`before` to start from the first page."
)
EXPORT_LIMITED_MESSAGE = (
    "This address has downloaded the export many times in the last hour. Please try "
    "again later, or read the same data from the JSON API, /api/clusters.json, a page at "
    "a time."
)


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
    cluster_url = slug_address(request, "clusters:detail")
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
                url=cluster_url(row["slug"]),
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


@licensed
def clusters_csv(request):
    """Every filtered cluster, one row each, sent as the rows are read: the first arrives
    before the last is fetched, and a worker holds one chunk of rows at a time. Each address
    may download it EXPORT_RATE_LIMIT times; the JSON API is there for more. Without
    filters, the whole file (clusters.data_files), which costs no more than a page."""
    if is_whole(request) and (response := whole_file(request, "clusters.csv")):
        return response
    if not count_export(request):
        return export_limited()
    response = StreamingHttpResponse(csv_lines(request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="csei-clusters.csv"'
    return response


@licensed
def clusters_json_file(request):
    """The CSV's records as one JSON document, sent and limited as the CSV is; without
    filters, the whole file."""
    if is_whole(request) and (response := whole_file(request, "clusters.json")):
        return response
    if not count_export(request):
        return export_limited()
    response = StreamingHttpResponse(json_lines(request), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="csei-clusters.json"'
    return response


def export_limited():
    response = HttpResponse(
        f"{EXPORT_LIMITED_MESSAGE}\n", status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(60 * 60)
    return response


def csv_lines(request):
    writer = csv.DictWriter(Line(), fieldnames=EXPORT_FIELDS)
    yield writer.writeheader()
    for record in records(ClusterListing(request.GET).clusters, request):
        record["fields_of_activity"] = "; ".join(record["fields_of_activity"])
        record["thematic_areas"] = "; ".join(record["thematic_areas"])
        yield writer.writerow({key: spreadsheet_safe(value) for key, value in record.items()})


def json_lines(request):
    """{"license": …, "attribution": …, "clusters": [record, …]}, a chunk of records at a
    time."""
    yield json.dumps(license_members(), ensure_ascii=False)[:-1] + ', "clusters": ['
    chunk = []
    separator = ""
    for record in records(ClusterListing(request.GET).clusters, request):
        chunk.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if len(chunk) == CHUNK_SIZE:
            yield separator + ",".join(chunk)
            chunk, separator = [], ","
    yield (separator + ",".join(chunk) if chunk else "") + "]}"


@licensed
@cached_page(parameters=(*PARAMETERS, "page_size", "after", "before"))
def clusters_json(request):
    """The filtered clusters a page at a time: `page_size` of them (up to MAX_PAGE_SIZE),
    with the total and the addresses of the next and previous pages.

    Those addresses name the page by a key (`after` or `before` a cluster), so that a page
    far in is read as fast as the first. A page number (`page`, from 1) still works, and
    costs more the further it goes; as on the list, a page past the last gives the last,
    anything else the first, and the size used is in the answer. A key this site did not
    make, or made for another order, is refused with a 400 that says why.
    """
    size = page_size(request.GET.get("page_size", ""))
    listing = ClusterListing(request.GET)
    try:
        page = KeyedPage(listing, request.GET, size)
    except signing.BadSignature:
        return JsonResponse({"error": str(BAD_PAGE_KEY)}, status=400)
    found = api_records(Cluster.objects.filter(pk__in=page.ids), request)
    return JsonResponse(
        {
            "count": listing.total,
            "page": page.number,
            "pages": max(math.ceil(listing.total / size), 1),
            "page_size": size,
            "next": page_address(request, after=page.next_key) if page.next_key else None,
            "previous": page_address(request, before=page.previous_key)
            if page.previous_key
            else (page_address(request) if page.number == 2 else None),
            "clusters": [found[pk] for pk in page.ids if pk in found],
            **license_members(),
        }
    )


class KeyedPage:
    """A page of the listing's clusters: the one `after` or `before` the cluster a signed
    key names, else the page numbered `page`. Reads the page's ids and sort keys only; the
    keys of its first and last clusters lead to the pages beside it."""

    def __init__(self, listing, query, size):
        self.order = listing.filterset.order
        self.keys = SORT_KEYS[self.order]
        clusters = listing.clusters
        names = [key.name for key in self.keys]
        if query.get("after") or query.get("before"):
            backwards = not query.get("after")
            values, self.number = self.read(query.get("after") or query.get("before"))
            keys = [key.reversed() for key in self.keys] if backwards else self.keys
            rows = list(
                in_order(clusters, keys).filter(after(keys, values)).values_list(*names)[: size + 1]
            )
            more = len(rows) > size
            rows = rows[:size]
            if backwards:
                rows.reverse()
            # Going backwards, the page the visitor came from follows.
            has_previous, has_next = (more, True) if backwards else (self.number > 1, more)
        else:
            paginator = Paginator(clusters, size)
            paginator.count = listing.total  # counted already, by the facet index
            numbered = paginator.get_page(query.get("page"))
            self.number = numbered.number
            start = (self.number - 1) * size
            rows = list(clusters.values_list(*names)[start : start + size])
            has_previous, has_next = numbered.has_previous(), numbered.has_next()
        self.ids = [row[-1] for row in rows]
        self.next_key = self.key(rows[-1], self.number + 1) if rows and has_next else None
        self.previous_key = (
            self.key(rows[0], self.number - 1)
            if rows and has_previous and self.number > 2
            else None
        )

    def key(self, row, number):
        values = [key.to_json(value) for key, value in zip(self.keys, row, strict=True)]
        return signing.dumps([self.order, number, values], salt=PAGE_KEY_SALT, compress=True)

    def read(self, text):
        order, number, values = signing.loads(text, salt=PAGE_KEY_SALT)
        if order != self.order:
            # A key of another order would start the page at a place that means nothing.
            raise signing.BadSignature("a key of another order")
        return [key.from_json(value) for key, value in zip(self.keys, values, strict=True)], number


def api_records(clusters, request):
    """{cluster id: record} of these clusters as the JSON API gives each, its members
    included: the JSON API's pages and the changes API share it. Four queries."""
    found = dict(records(clusters, request, keyed=True))
    members = members_of(list(found))
    organisation_url = slug_address(request, "organisations:detail")
    for pk, record in found.items():
        record["members"] = [
            member_record(member, organisation_url) for member in members.get(pk, [])
        ]
    return found


def slug_address(request, url_name):
    """slug -> the full address of the page `url_name` gives for that slug. Reversed once:
    a page of a hundred clusters names some fifteen hundred members, and reversing each
    took half its time."""
    before, after = request.build_absolute_uri(reverse(url_name, args=[SLUG_MARK])).split(SLUG_MARK)
    return lambda slug: f"{before}{slug}{after}"


# Stands for the slug in an address reversed once; no address of the site holds it.
SLUG_MARK = "slug-mark"


def member_record(member, organisation_url):
    """A member of a cluster in the JSON API: the organisation, its page, and its role."""
    name, slug, kind, country, role, since = member
    return {
        "name": name,
        "slug": slug,
        "url": organisation_url(slug),
        "type": kind,
        "country": country,
        "role": role,
        "since": since,
    }


def page_size(value):
    """The size asked for, at most MAX_PAGE_SIZE; PAGE_SIZE when it is not a number."""
    try:
        size = int(value)
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size >= 1 else PAGE_SIZE


def page_address(request, **parameters):
    """The address of this request with `parameters` in place of the page it named."""
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    query.update(parameters)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}".rstrip("?"))
