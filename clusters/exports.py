"""The open data: the filtered clusters as CSV and JSON (GeoJSON: clusters.map_data)."""

import csv

from django.http import HttpResponse, JsonResponse

from clusters.listing import ClusterListing

# Rows are read in chunks; each chunk costs one query per prefetched relation.
CHUNK_SIZE = 2000


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


def clusters_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="csei-clusters.csv"'
    writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for cluster in filtered_clusters(request):
        record = cluster_record(cluster, request)
        record["fields_of_activity"] = "; ".join(record["fields_of_activity"])
        record["thematic_areas"] = "; ".join(record["thematic_areas"])
        writer.writerow({key: spreadsheet_safe(value) for key, value in record.items()})
    return response


def clusters_json(request):
    records = [cluster_record(cluster, request) for cluster in filtered_clusters(request)]
    return JsonResponse({"count": len(records), "clusters": records})
