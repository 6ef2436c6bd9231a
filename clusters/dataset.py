"""The open data described once: every field of the exports with its type, meaning and how
sure it is, and the licence they are published under.

The exports read their columns from here, and the data page and the OpenAPI document are
generated from the same definitions, so that what is described is what is downloaded.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Membership, Organisation

# How sure a field is, in the words the data page uses.
AS_GIVEN = _(
    "As the cluster or staff gave it; for an entry of the 2021 mapping, as the mapping "
    "states it until the cluster changes it."
)
WORKED_OUT = _("Worked out by the directory from the other fields.")


@dataclass(frozen=True)
class Field:
    """One field of an export: its name, its JSON type (`format` and `choices` narrow it),
    what it means and how sure it is."""

    name: str
    type: str
    meaning: str
    certainty: str = AS_GIVEN
    format: str = ""
    nullable: bool = False
    choices: tuple = ()
    # Whether a field with choices may also be empty.
    blank: bool = False
    items: str = ""

    @property
    def values(self):
        return [value for value, _label in self.choices]

    @property
    def described_type(self):
        """The type in words, for the data page."""
        if self.choices:
            return _("text: one of the values given")
        words = {
            ("string", "uri"): _("web address"),
            ("string", "date-time"): _("date and time (ISO 8601)"),
            ("string", ""): _("text"),
            ("number", ""): _("number"),
            ("integer", ""): _("whole number"),
            ("boolean", ""): _("true or false"),
            ("array", ""): _("list"),
            ("object", ""): _("object"),
        }[self.type, self.format]
        return format_lazy(_("{type} or null"), type=words) if self.nullable else words

    def schema(self):
        """The field as a JSON Schema (OpenAPI 3.1 speaks JSON Schema 2020-12)."""
        schema = {"type": [self.type, "null"] if self.nullable else self.type}
        if self.format:
            schema["format"] = self.format
        if self.choices:
            schema["enum"] = [*self.values, ""] if self.blank else self.values
        if self.items:
            schema["items"] = {"type": self.items}
        schema["description"] = str(self.meaning)
        return schema


def provenance(fact):
    return format_lazy(
        _(
            "Where the cluster's {fact} comes from: confirmed (given or confirmed by the "
            "cluster or staff), source (as the GECES mapping states it), name (read from the "
            "cluster's name), inferred (a guess, not yet confirmed) or unknown."
        ),
        fact=fact,
    )


def said_by(provenance_field):
    return format_lazy(_("As sure as `{field}` says."), field=provenance_field)


CLUSTER_FIELDS = [
    Field("name", "string", _("The cluster's name.")),
    Field("also_known_as", "string", _("Another name it is known by; empty when none.")),
    Field("url", "string", _("The cluster's page in the directory."), WORKED_OUT, format="uri"),
    Field(
        "country",
        "string",
        _("ISO 3166-1 alpha-2 code of its country; empty when not known."),
        said_by("country_from"),
    ),
    Field("country_name", "string", _("The country's name in English."), WORKED_OUT),
    Field(
        "country_from",
        "string",
        provenance(_("country")),
        choices=tuple(Cluster.Provenance.choices),
    ),
    Field("region", "string", _("Its region; empty when not known."), said_by("place_from")),
    Field("city", "string", _("Its town or city; empty when not known."), said_by("place_from")),
    Field(
        "place_from", "string", provenance(_("place")), choices=tuple(Cluster.Provenance.choices)
    ),
    Field(
        "latitude",
        "number",
        _("Latitude in degrees (WGS 84); null when not known."),
        _("As exact as `location_precision` says."),
        nullable=True,
    ),
    Field(
        "longitude",
        "number",
        _("Longitude in degrees (WGS 84); null when not known."),
        _("As exact as `location_precision` says."),
        nullable=True,
    ),
    Field(
        "location_precision",
        "string",
        _(
            "What the coordinates locate: the town or city, the region or only the country; "
            "empty when nobody has said."
        ),
        choices=tuple(Cluster.LocationPrecision.choices),
        blank=True,
    ),
    Field(
        "model",
        "string",
        _("The kind of cluster."),
        said_by("model_from"),
        choices=tuple(Cluster.Model.choices),
    ),  # fmt: skip
    Field(
        "model_from", "string", provenance(_("model")), choices=tuple(Cluster.Provenance.choices)
    ),
    Field(
        "legal_structure",
        "string",
        _("The legal form of the cluster's own body, if it has one."),
        AS_GIVEN,
        choices=tuple(Cluster.LegalStructure.choices),
    ),
    Field("legal_entity_name", "string", _("The name of that legal entity; empty when none.")),
    Field(
        "initiated_by",
        "string",
        _("Who started the cluster."),
        choices=tuple(Cluster.InitiatedBy.choices),
    ),
    Field(
        "year_founded", "integer", _("The year it was founded; null when not known."), nullable=True
    ),
    Field(
        "member_count",
        "integer",
        _("How many members the cluster says it has; the members listed may be fewer."),
        nullable=True,
    ),
    Field(
        "eccp_registered",
        "string",
        _("Whether it is registered on the European Cluster Collaboration Platform."),
        _("The 2021 mapping marks registered clusters only: its silence is `unknown`, not `no`."),
        choices=tuple(Cluster.EccpRegistration.choices),
    ),
    Field("eccp_profile_url", "string", _("Its profile on that platform; empty when none.")),
    Field(
        "activity_status",
        "string",
        _("Whether the cluster is active."),
        _("`listed` until a person confirms an entry of the 2021 mapping."),
        choices=tuple(Cluster.ActivityStatus.choices),
    ),
    Field(
        "fields_of_activity",
        "array",
        _("The slugs of its fields of activity (in CSV, separated by “; ”)."),
        items="string",
    ),
    Field(
        "thematic_areas",
        "array",
        _("The slugs of the thematic areas it has joined (in CSV, separated by “; ”)."),
        items="string",
    ),
    Field("website", "string", _("Its website; empty when not known.")),
    Field(
        "name_in_source",
        "string",
        _("The line of the GECES mapping of 2021 it comes from; empty for other entries."),
        _("Quoted as the mapping wrote it."),
    ),
    Field(
        "updated_at",
        "string",
        _("When a person last changed the entry; null when nobody has since the 2021 mapping."),
        WORKED_OUT,
        format="date-time",
        nullable=True,
    ),
    Field(
        "last_verified_at",
        "string",
        _("When a person last confirmed that the entry is true; null when nobody has."),
        WORKED_OUT,
        format="date-time",
        nullable=True,
    ),
]

MEMBER_FIELDS = [
    Field("name", "string", _("The member organisation's name.")),
    Field("slug", "string", _("Its stable identifier in the directory."), WORKED_OUT),
    Field("url", "string", _("Its page in the directory."), WORKED_OUT, format="uri"),
    Field(
        "type", "string", _("The kind of organisation."), choices=tuple(Organisation.Type.choices)
    ),
    Field("country", "string", _("ISO 3166-1 alpha-2 code of its country; empty when not known.")),
    Field("role", "string", _("Its role in the cluster."), choices=tuple(Membership.Role.choices)),
    Field("since", "integer", _("The year it joined; null when not known."), nullable=True),
]

POINT_PROPERTIES = [
    Field("name", "string", _("The cluster's name.")),
    Field("url", "string", _("The cluster's page."), WORKED_OUT, format="uri"),
    Field(
        "precision",
        "string",
        _(
            "Where the point is: the town or city, the region, or the middle of the "
            "country when only the country is known."
        ),
        WORKED_OUT,
        choices=tuple(choice for choice in Cluster.MapPrecision.choices if choice[0] != "none"),
    ),
    Field("place", "string", _("Town, region and country, as known."), said_by("place_from")),
    Field("model", "string", _("The kind of cluster, in words; absent when not known.")),
    Field(
        "eccp",
        "string",
        _("`yes` or `no` for registration on the ECCP; absent when not known."),
    ),
    Field("members", "integer", _("How many members it says it has; absent when not known.")),
    Field(
        "stale",
        "boolean",
        _("Present and true when nobody has verified the entry for eighteen months."),
        WORKED_OUT,
    ),
]

ORGANISATION_FIELDS = [
    Field("name", "string", _("The organisation's name.")),
    Field("slug", "string", _("Its stable identifier in the directory."), WORKED_OUT),
    Field("url", "string", _("Its page in the directory."), WORKED_OUT, format="uri"),
    Field(
        "type", "string", _("The kind of organisation."), choices=tuple(Organisation.Type.choices)
    ),
    Field("country", "string", _("ISO 3166-1 alpha-2 code of its country; empty when not known.")),
    Field("country_name", "string", _("The country's name in English."), WORKED_OUT),
    Field("website", "string", _("Its website; empty when not known.")),
    Field(
        "cluster_count",
        "integer",
        _("How many published clusters list it as a member."),
        WORKED_OUT,
    ),
    Field(
        "clusters",
        "array",
        _("Those clusters: name, slug, url, its role there and since when."),
        items="object",
    ),
]

EXPORT_FIELDS = [field.name for field in CLUSTER_FIELDS]

# A change in the changes API (clusters.changes).
CHANGE_FIELDS = [
    Field(
        "id",
        "integer",
        _(
            "The cluster's number in the directory, which never changes: a mirror keeps its copy "
            "under it, whatever its address becomes."
        ),
        WORKED_OUT,
    ),
    Field(
        "change",
        "string",
        _("What a mirror does with its copy."),
        WORKED_OUT,
        choices=(
            ("published", _("Published: replace it with `cluster`, the record as it is now.")),
            ("withdrawn", _("Withdrawn (archived, rejected or removed): delete it.")),
        ),
    ),
    Field(
        "url",
        "string",
        _("The cluster's page; for a withdrawn cluster, the address it had."),
        WORKED_OUT,
        format="uri",
    ),
    Field(
        "cluster",
        "object",
        _("The published cluster's record, as in JSON; null when it is withdrawn."),
        WORKED_OUT,
        nullable=True,
    ),
    Field(
        "merged_into",
        "string",
        _(
            "For a cluster merged into another, the other's page, where its address now leads; "
            "null otherwise."
        ),
        WORKED_OUT,
        format="uri",
        nullable=True,
    ),
]


def license_members():
    """The `license` and `attribution` members of the JSON and GeoJSON documents."""
    return {"license": settings.DATA_LICENSE, "attribution": settings.DATA_ATTRIBUTION}


def licensed(view):
    """The view's answer carries the data's licence as a `Link` header (RFC 8288), which any
    client can read whatever the format. Put outside `cached_page`: a cached answer gets it
    too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Link"] = f'<{settings.DATA_LICENSE}>; rel="license"'
        return response

    return wrapper
