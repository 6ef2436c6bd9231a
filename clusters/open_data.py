"""The dataset described for people and machines: the /data/ page and the DCAT-AP catalogue
that European data portals harvest (the OpenAPI description: clusters.openapi)."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters import dataset
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
        "json-file",
        _("JSON, one file"),
        "export_json",
        "application/json",
        "JSON",
        _(
            "The CSV's records as one JSON document, with the lists of fields of activity "
            "and thematic areas as lists; downloaded and limited as the CSV is."
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
