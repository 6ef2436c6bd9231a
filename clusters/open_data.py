"""The dataset described for people and machines: the /data/ page, the OpenAPI description of
the JSON endpoints and the DCAT-AP catalogue that European data portals harvest."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters import dataset
from clusters.exports import MAX_PAGE_SIZE, PAGE_SIZE
from clusters.filters import ClusterFilter
from clusters.models import Cluster
from core.page_cache import cached_page

DATASET_TITLE = _("Clusters of Social and Ecological Innovation in Europe")
DATASET_DESCRIPTION = _(
    "The published clusters of the CSEI Directory: where each is, how it is organised, what "
    "it does, its member organisations and how sure each fact is."
)
KEYWORDS = ["social economy", "clusters", "social innovation", "PTCE", "Europe"]
# The EU's vocabularies that DCAT-AP asks distributions and datasets to use.
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Distribution:
    """One way to download the data: its address, media type and what it holds."""

    key: str
    title: str
    url_name: str
    media_type: str
    file_type: str
    description: str
    # The id of the table of its fields on the data page.
    fields: str

    def url(self, request):
        return request.build_absolute_uri(reverse(self.url_name))


DISTRIBUTIONS = [
    Distribution(
        "csv",
        _("CSV"),
        "export_csv",
        "text/csv",
        "CSV",
        _(
            "Every cluster the filters give, one row each, in UTF-8. Each address may "
            "download it a limited number of times an hour; the JSON API is there for more."
        ),
        "clusters",
    ),
    Distribution(
        "json",
        _("JSON"),
        "api:clusters_json",
        "application/json",
        "JSON",
        _(
            "The same records a page at a time (`page`, `page_size`), each with its member "
            "organisations, and the addresses of the next and previous pages."
        ),
        "clusters",
    ),
    Distribution(
        "geojson",
        _("GeoJSON"),
        "api:clusters_geojson",
        "application/geo+json",
        "GEOJSON",
        _(
            "Every cluster the map can place, as a point with what the map shows; its "
            "coordinates are rounded to what is known of its place."
        ),
        "points",
    ),
    Distribution(
        "organisations",
        _("Organisations (JSON)"),
        "api:organisations_json",
        "application/json",
        "JSON",
        _(
            "The member organisations of the published clusters, a page at a time, each "
            "with its clusters: who cooperates with whom."
        ),
        "organisations",
    ),
    Distribution(
        "changes",
        _("Changes (JSON)"),
        "api:changes_json",
        "application/json",
        "JSON",
        _(
            "The published clusters created, changed or withdrawn since a cursor (`since`), "
            "oldest first, a page at a time: what a copy of the data reads to stay in step "
            "without downloading everything again."
        ),
        "changes",
    ),
]


@dataclass(frozen=True)
class FieldTable:
    key: str
    title: str
    fields: list


FIELD_TABLES = [
    FieldTable(
        "clusters",
        _("A cluster, in CSV and JSON"),
        [
            *dataset.CLUSTER_FIELDS,
            dataset.Field(
                "members",
                "array",
                _("In JSON only: its member organisations, as the next table describes."),
                items="object",
            ),
        ],
    ),
    FieldTable("members", _("A member of a cluster, in JSON"), dataset.MEMBER_FIELDS),
    FieldTable("points", _("A cluster's point, in GeoJSON"), dataset.POINT_PROPERTIES),
    FieldTable("organisations", _("An organisation, in JSON"), dataset.ORGANISATION_FIELDS),
    FieldTable("changes", _("A change, in the changes API"), dataset.CHANGE_FIELDS),
]


def last_modified():
    """When the published clusters last changed, as far as the records say: the latest
    change a person made or publication."""
    latest = Cluster.objects.published().aggregate(
        updated=Max("updated_at"), published=Max("published_at")
    )
    return max(filter(None, latest.values()), default=None)


@cached_page()
def data_page(request):
    modified = last_modified()
    return render(
        request,
        "clusters/data.html",
        {
            "distributions": DISTRIBUTIONS,
            "field_tables": FIELD_TABLES,
            "modified": modified,
            "license_name": settings.DATA_LICENSE_NAME,
            "license_url": settings.DATA_LICENSE,
            "attribution": settings.DATA_ATTRIBUTION,
            "publisher": settings.DATA_PUBLISHER,
            "filters": filter_parameters(),
            "structured_data": dataset_json_ld(request, modified),
            "navigation": "data",
        },
    )


def dataset_json_ld(request, modified):
    """schema.org's Dataset for this page, so that dataset search engines index the data:
    only what the page itself says."""
    document = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": str(DATASET_TITLE),
        "description": str(DATASET_DESCRIPTION),
        "url": request.build_absolute_uri(reverse("data")),
        "license": settings.DATA_LICENSE,
        "creditText": settings.DATA_ATTRIBUTION,
        "publisher": {"@type": "Organization", "name": settings.DATA_PUBLISHER},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": str(distribution.title),
                "encodingFormat": distribution.media_type,
                "contentUrl": distribution.url(request),
            }
            for distribution in DISTRIBUTIONS
        ],
    }
    if modified:
        document["dateModified"] = modified.isoformat()
    return document


def filter_parameters():
    """(name, label, repeatable) of each query parameter that filters the clusters."""
    parameters = [("q", _("Search words"), False)]
    for name, item in ClusterFilter.base_filters.items():
        if name != "sort":
            parameters.append((name, item.label, getattr(item, "multiple", False)))
    return parameters


@dataset.licensed
@cached_page()
def openapi(request):
    """The JSON endpoints described in OpenAPI 3.1, their records from dataset's fields."""
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})


def openapi_document(request):
    filters = [
        {
            "name": name,
            "in": "query",
            "description": str(label),
            "schema": {"type": "array", "items": {"type": "string"}}
            if repeatable
            else {"type": "string"},
            **({"style": "form", "explode": True} if repeatable else {}),
        }
        for name, label, repeatable in filter_parameters()
    ]
    filters.append(
        {
            "name": "sort",
            "in": "query",
            "description": "The order: by name, most recently updated first, or by country; "
            "best match first when searching, unless asked.",
            "schema": {"type": "string", "enum": ["name", "-updated", "country"]},
        }
    )
    paging = [
        {
            "name": "page",
            "in": "query",
            "description": "The page, from 1.",
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "description": f"Records a page, {PAGE_SIZE} unless asked, at most {MAX_PAGE_SIZE}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        },
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CSEI Directory open data",
            "version": "1",
            "description": str(DATASET_DESCRIPTION),
            "license": {"name": settings.DATA_LICENSE_NAME, "url": settings.DATA_LICENSE},
        },
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "externalDocs": {"url": request.build_absolute_uri(reverse("data"))},
        "paths": {
            reverse("api:clusters_json"): get_operation(
                "listClusters",
                "The filtered clusters, a page at a time.",
                [*filters, *paging],
                "application/json",
                page_of("clusters", "Cluster"),
            ),
            reverse("api:clusters_geojson"): get_operation(
                "mapClusters",
                "Every filtered cluster the map can place, as GeoJSON points.",
                filters,
                "application/geo+json",
                {"$ref": "#/components/schemas/PointCollection"},
            ),
            reverse("api:organisations_json"): get_operation(
                "listOrganisations",
                "The member organisations of the published clusters, a page at a time.",
                [
                    *(
                        {"name": name, "in": "query", "schema": {"type": "string"}}
                        for name in ("q", "type", "country", "clusters", "sort")
                    ),
                    *paging,
                ],
                "application/json",
                page_of("organisations", "Organisation"),
            ),
            reverse("api:changes_json"): changes_operation(),
        },
        "components": {
            "schemas": {
                "Cluster": record_schema(
                    dataset.CLUSTER_FIELDS,
                    members={"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
                ),
                "Member": record_schema(dataset.MEMBER_FIELDS),
                "Organisation": record_schema(dataset.ORGANISATION_FIELDS),
                "Change": record_schema(
                    dataset.CHANGE_FIELDS,
                    cluster={
                        "oneOf": [{"$ref": "#/components/schemas/Cluster"}, {"type": "null"}],
                        "description": str(dataset.CHANGE_FIELDS[3].meaning),
                    },
                ),
                "PointCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"const": "FeatureCollection"},
                        "features": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "type": {"const": "Feature"},
                                    "geometry": {
                                        "type": "object",
                                        "properties": {
                                            "type": {"const": "Point"},
                                            "coordinates": {
                                                "type": "array",
                                                "items": {"type": "number"},
                                                "description": "Longitude, latitude.",
                                            },
                                        },
                                    },
                                    "properties": {
                                        "type": "object",
                                        "properties": {
                                            field.name: field.schema()
                                            for field in dataset.POINT_PROPERTIES
                                        },
                                    },
                                },
                            },
                        },
                        **LICENSE_PROPERTIES,
                    },
                },
            }
        },
    }


LICENSE_PROPERTIES = {
    "license": {"type": "string", "format": "uri", "description": "The data's licence."},
    "attribution": {"type": "string", "description": "The credit to give when reusing it."},
}


def get_operation(operation_id, summary, parameters, media_type, schema):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": summary,
                    "headers": {
                        "Link": {
                            "description": 'The licence: <…>; rel="license".',
                            "schema": {"type": "string"},
                        }
                    },
                    "content": {media_type: {"schema": schema}},
                }
            },
        }
    }


def changes_operation():
    operation = get_operation(
        "listChanges",
        "The published clusters created, changed or withdrawn since a cursor, oldest first.",
        [
            {
                "name": "since",
                "in": "query",
                "description": "The `cursor` of the last page read; leave it out to start "
                "from the beginning. Any other value is refused with a 400.",
                "schema": {"type": "string", "pattern": r"^\d{1,18}-\d{1,18}$"},
            },
            {
                "name": "page_size",
                "in": "query",
                "description": f"Changes a page, {PAGE_SIZE} unless asked, at most "
                f"{MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ],
        "application/json",
        {
            "type": "object",
            "required": ["since", "cursor", "next", "more", "waiting", "page_size", "changes"],
            "properties": {
                "since": {"type": "string", "description": "The cursor the page starts after."},
                "cursor": {
                    "type": "string",
                    "description": "Where the next request starts: keep it, and send it as "
                    "`since`.",
                },
                "next": {"type": "string", "format": "uri", "description": "That request."},
                "more": {
                    "type": "boolean",
                    "description": "Whether another page is ready now; else poll later.",
                },
                "waiting": {
                    "type": "boolean",
                    "description": "Whether changes are held back until writes still under "
                    "way end, which takes a moment: ask again soon.",
                },
                "page_size": {"type": "integer"},
                "changes": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}},
                **LICENSE_PROPERTIES,
            },
        },
    )
    operation["get"]["responses"]["400"] = {
        "description": "A cursor this site did not give.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                }
            }
        },
    }
    return operation


def page_of(member, schema):
    address = {"type": ["string", "null"], "format": "uri"}
    return {
        "type": "object",
        "required": ["count", "page", "pages", "page_size", "next", "previous", member],
        "properties": {
            "count": {"type": "integer", "description": "All the matching records."},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "page_size": {"type": "integer"},
            "next": address,
            "previous": address,
            member: {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
            **LICENSE_PROPERTIES,
        },
    }


def record_schema(fields, **more):
    return {
        "type": "object",
        "required": [field.name for field in fields],
        "properties": {**{field.name: field.schema() for field in fields}, **more},
    }


@dataset.licensed
@cached_page()
def catalog(request):
    """The dataset as a DCAT-AP catalogue in JSON-LD: one dcat:Dataset and a
    dcat:Distribution per format, for European data portals to harvest."""
    return HttpResponse(
        json.dumps(catalog_document(request), ensure_ascii=False, indent=1),
        content_type="application/ld+json",
    )


def catalog_document(request):
    modified = last_modified()
    data_url = request.build_absolute_uri(reverse("data"))
    publisher = {
        "@id": request.build_absolute_uri("/") + "#publisher",
        "@type": "foaf:Agent",
        "foaf:name": settings.DATA_PUBLISHER,
    }
    license = {"@id": settings.DATA_LICENSE, "@type": "dct:LicenseDocument"}
    modified_value = (
        {"dct:modified": {"@value": modified.isoformat(), "@type": "xsd:dateTime"}}
        if modified
        else {}
    )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": request.build_absolute_uri(reverse("api:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": {"@value": "CSEI Directory", "@language": "en"},
        "dct:description": {"@value": str(DATASET_DESCRIPTION), "@language": "en"},
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": request.build_absolute_uri("/")},
        "dcat:dataset": {
            "@id": data_url + "#dataset",
            "@type": "dcat:Dataset",
            "dct:title": {"@value": str(DATASET_TITLE), "@language": "en"},
            "dct:description": {"@value": str(DATASET_DESCRIPTION), "@language": "en"},
            "dct:publisher": publisher,
            "dcat:landingPage": {"@id": data_url},
            "dcat:keyword": [{"@value": keyword, "@language": "en"} for keyword in KEYWORDS],
            **modified_value,
            "dcat:distribution": [
                {
                    "@id": f"{data_url}#{distribution.key}",
                    "@type": "dcat:Distribution",
                    "dct:title": {"@value": str(distribution.title), "@language": "en"},
                    "dct:description": {
                        "@value": str(distribution.description),
                        "@language": "en",
                    },
                    "dcat:accessURL": {"@id": distribution.url(request)},
                    "dcat:downloadURL": {"@id": distribution.url(request)},
                    "dcat:mediaType": {"@id": IANA_MEDIA_TYPE + distribution.media_type},
                    "dct:format": {"@id": EU_FILE_TYPE + distribution.file_type},
                    "dct:license": license,
                    "dct:publisher": publisher,
                    **modified_value,
                }
                for distribution in DISTRIBUTIONS
            ],
        },
    }
