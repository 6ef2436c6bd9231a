"""The JSON endpoints described in OpenAPI 3.1 at /api/openapi.json: their parameters, and
their records field by field from the same definitions the exports use (clusters.dataset)."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse

from clusters import dataset
from clusters.exports import MAX_PAGE_SIZE, PAGE_SIZE
from clusters.open_data import DATASET_DESCRIPTION, filter_parameters
from core.page_cache import cached_page


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
                [
                    *filters,
                    {
                        "name": "language",
                        "in": "query",
                        "description": "The language of the words (the kind of cluster, the "
                        "country) and of the page addresses; English when not given.",
                        "schema": {"enum": [code for code, _name in settings.LANGUAGES]},
                    },
                ],
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
