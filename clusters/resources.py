"""Clusters as spreadsheet rows (CSV and XLSX), for staff to export and import in the admin.

One row a cluster, with its taxonomies as slugs and its members one a line. The columns of
the seed's spreadsheet (fixtures/geces-2021-clusters.csv) are among them, so that file
imports as it is. A row is matched to an existing cluster by its slug, or else by its name
and country; a row that changes nothing is skipped, so exporting everything and importing
it again changes nothing.

Reading a file writes nothing: each row is checked, and what it would change is kept in
`planned` (see clusters.imports, which saves it all at once). What the rows refer to (the
taxonomies, the clusters they match) is read in bulk before the first row, so that a row
costs no query of its own beyond its model's validation.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.resources import Diff

from clusters.models import (
    Cluster,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from themes.models import ThematicArea

IMPORT_REASON = "Spreadsheet import"
# In the seed's file an empty cell means the mapping says nothing.
WHEN_EMPTY = {
    "eccp_registered": Cluster.EccpRegistration.UNKNOWN,
    "activity_status": Cluster.ActivityStatus.LISTED,
    "country_from": Cluster.Provenance.UNKNOWN,
    "place_from": Cluster.Provenance.UNKNOWN,
    "model_from": Cluster.Provenance.UNKNOWN,
    "legal_structure": Cluster.LegalStructure.UNKNOWN,
    "initiated_by": Cluster.InitiatedBy.UNKNOWN,
    "model": Cluster.Model.OTHER,
    "status": Cluster.Status.PENDING,
}
MEMBER_PARTS = ["name", "type", "role", "website", "country"]


def member_line(parts):
    """A member as a line of the members cell; a "|" in a name is written "\\|"."""
    return " | ".join(" ".join(part.replace("|", "\\|").split()) for part in parts)


def member_parts(line):
    """The parts of a member's line, as member_line() wrote them."""
    return [part.replace("\\|", "|").strip() for part in re.split(r"(?<!\\)\|", line)]


class TermsWidget(widgets.ManyToManyWidget):
    def __init__(self, model):
        super().__init__(model, separator=";", field="slug")
        # {slug: term}, read once for the whole file by ClusterResource.before_import.
        self.known = None

    def clean(self, value, row=None, **kwargs):
        if self.known is None:
            self.known = {term.slug: term for term in self.model.objects.all()}
        slugs = [slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()]
        unknown = {slug for slug in slugs if slug not in self.known}
        if unknown:
            raise ValueError(f"Unknown: {', '.join(sorted(unknown))}.")
        return list({slug: self.known[slug] for slug in slugs}.values())

    def render(self, value, obj=None, **kwargs):
        """The slugs of the terms: a relation's, or a list a row plans to give it."""
        if value is None:
            return ""
        terms = value.all() if hasattr(value, "all") else value
        return "; ".join(sorted(term.slug for term in terms))


class MembersWidget(widgets.Widget):
    """Members one a line: "name | type | role | website | country"."""

    def clean(self, value, row=None, **kwargs):
        members = []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = member_parts(line) + [""] * len(MEMBER_PARTS)
            member = dict(zip(MEMBER_PARTS, parts, strict=False))
            member["type"] = member["type"] or Organisation.Type.OTHER
            member["role"] = member["role"] or Membership.Role.MEMBER
            if member["type"] not in Organisation.Type.values:
                raise ValueError(f"Member {number}: “{member['type']}” is not a type.")
            if member["role"] not in Membership.Role.values:
                raise ValueError(f"Member {number}: “{member['role']}” is not a role.")
            if not member["name"] or len(member["name"]) > 200:
                raise ValueError(f"Member {number}: the name is missing or too long.")
            if member["website"]:
                try:
                    Organisation._meta.get_field("website").run_validators(member["website"])
                except ValidationError:
                    raise ValueError(
                        f"Member {number}: the website is not a web address of at most "
                        "300 characters."
                    ) from None
            member["country"] = member["country"].upper()
            if member["country"] and member["country"] not in countries:
                raise ValueError(f"Member {number}: “{member['country']}” is not a country code.")
            members.append(member)
        return members

    def render(self, value, obj=None, **kwargs):
        if obj is None or obj.pk is None:
            return ""
        # The membership's organisation is read with it (prefetched) when the rows of a
        # file are compared with what the directory holds.
        return "\n".join(
            member_line(
                [
                    membership.organisation.name,
                    membership.organisation.type,
                    membership.role,
                    membership.organisation.website,
                    membership.organisation.country.code or obj.country.code,
                ]
            )
            for membership in sorted(
                obj.memberships.all(), key=lambda membership: membership.organisation.name
            )
        )


# The constraints of Cluster.Meta that no field validator checks, as conditions on one
# entry: {field: (whether an entry breaks it, what to tell the person)}.
CONSTRAINT_CHECKS = {
    "longitude": (
        lambda cluster: (cluster.latitude is None) != (cluster.longitude is None),
        "Give both the latitude and the longitude, or neither.",
    ),
    "eccp_profile_url": (
        lambda cluster: (
            bool(cluster.eccp_profile_url)
            and cluster.eccp_registered != Cluster.EccpRegistration.YES
        ),
        "An ECCP profile goes with eccp_registered “yes”.",
    ),
    "label_expires_on": (
        lambda cluster: (
            cluster.label_expires_on is not None and cluster.label == Cluster.Label.NONE
        ),
        "A label's expiry date goes with a label.",
    ),
}


# Rows of a file the preview shows field by field; the others are checked all the same.
PREVIEW_ROWS = 100


class PreviewDiff(Diff):
    """A row beside what the directory holds, for the preview: compared for the first
    PREVIEW_ROWS rows of a file only, so that the page of a file of thousands is quick to
    build and to read; values as the export writes them, the row's planned taxonomies and
    members included."""

    def __init__(self, resource, instance, new):
        resource.rows_compared += 1
        self.shown = resource.rows_compared <= PREVIEW_ROWS
        self.left = self.values(resource, instance) if self.shown else []
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        if self.shown:
            self.right = self.values(resource, instance)

    @staticmethod
    def values(resource, instance):
        return [resource.export_field(field, instance) for field in resource.get_import_fields()]


@dataclass
class PlannedRow:
    """What saving one row of a file will write."""

    cluster: Cluster
    new: bool
    terms: dict = field(default_factory=dict)  # {m2m field name: [terms]}
    members: list | None = None  # None: the file has no members column
    # The publication status the row asks for, which moderation gives it once it is saved.
    status: str | None = None


def cell_key(value):
    return str(value or "").strip()


class ClusterResource(resources.ModelResource):
    note = fields.Field(attribute="staff_notes", column_name="note")
    fields_of_activity = fields.Field(
        attribute="fields_of_activity", widget=TermsWidget(FieldOfActivity)
    )
    services = fields.Field(attribute="services", widget=TermsWidget(MemberService))
    innovation_types = fields.Field(
        attribute="innovation_types", widget=TermsWidget(InnovationType)
    )
    thematic_areas = fields.Field(attribute="thematic_areas", widget=TermsWidget(ThematicArea))
    members = fields.Field(column_name="members", widget=MembersWidget())

    class Meta:
        model = Cluster
        fields = [
            "slug", "name", "name_in_source", "also_known_as", "status", "country",
            "country_from", "region", "city", "place_from", "latitude", "longitude",
            "location_precision", "model", "model_from", "legal_structure",
            "legal_entity_name", "initiated_by", "year_founded", "member_count", "website",
            "contact_email", "eccp_registered", "eccp_profile_url", "activity_status",
            "short_description", "description", "label", "label_expires_on",
            "last_verified_at", "fields_of_activity", "services", "innovation_types",
            "thematic_areas", "members", "note",
        ]  # fmt: skip
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Reading writes nothing, so it needs no transaction; clusters.imports saves a
        # file's rows in one.
        use_transactions = False

    TERM_FIELDS = ["fields_of_activity", "services", "innovation_types", "thematic_areas"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.planned = []
        self.matches = {}
        self.new_slugs = set()
        self.rows_compared = 0

    def get_diff_class(self):
        return PreviewDiff

    def dehydrate_members(self, cluster):
        planned = getattr(cluster, "_planned_members", None)
        if planned is not None:
            return "\n".join(
                member_line(member[part] for part in MEMBER_PARTS) for member in planned
            )
        return self.fields["members"].widget.render(None, obj=cluster)

    def before_import(self, dataset, **kwargs):
        """Read at once what the rows refer to: the taxonomies' terms, and the clusters
        the rows match, with their taxonomies and members to compare."""
        for name in self.TERM_FIELDS:
            widget = self.fields[name].widget
            widget.known = {term.slug: term for term in widget.model.objects.all()}
        headers = dataset.headers or []
        slugs, names = set(), set()
        for row in dataset.dict:
            if "slug" in headers and cell_key(row.get("slug")):
                slugs.add(cell_key(row["slug"]))
            elif cell_key(row.get("name")):
                names.add(cell_key(row["name"]))
        matched = (
            Cluster.objects.filter(Q(slug__in=slugs) | Q(name__in=names))
            .prefetch_related(*self.TERM_FIELDS, "memberships__organisation")
            .order_by("pk")
        )
        for cluster in matched:
            self.matches.setdefault(("slug", cluster.slug), cluster)
            self.matches.setdefault(("name", cluster.name, cluster.country.code), cluster)

    def before_import_row(self, row, **kwargs):
        """Empty cells of the seed's format mean "not known", and are written so."""
        for name, value in WHEN_EMPTY.items():
            if name in row and not str(row[name] or "").strip():
                row[name] = value
        for name, value in row.items():
            if value is None:
                row[name] = ""

    def init_instance(self, row=None):
        """A new row waits for review, unless it says otherwise."""
        return Cluster(status=Cluster.Status.PENDING)

    def get_instance(self, instance_loader, row):
        if cell_key(row.get("slug")):
            return self.matches.get(("slug", cell_key(row["slug"])))
        return self.matches.get(
            ("name", cell_key(row.get("name")), cell_key(row.get("country")).upper())
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "slug" and not row.get("slug"):
            return
        if field.column_name == "status":
            # The status changes through moderation once the row is saved, so that a
            # publication e-mails the submitter as the buttons of the entry's form do.
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        status = row.get("status")
        if status is not None and status not in Cluster.Status.values:
            raise ValidationError(
                {"status": f"“{status}” is not a status: {', '.join(Cluster.Status.values)}."}
            )
        if status == Cluster.Status.REJECTED and status != instance.status:
            raise ValidationError(
                {
                    "status": "Reject an entry from its form in the admin, which asks for the "
                    "reason e-mailed to the submitter."
                }
            )
        # What the row gives the taxonomies and members, shown in the preview and saved by
        # save_instance(); checked now, so that a bad line is reported with the row's other
        # errors.
        instance._planned_terms = {}
        for name in self.TERM_FIELDS:
            if self.fields[name].column_name in row:
                try:
                    instance._planned_terms[name] = self.fields[name].clean(row)
                except ValueError as problem:
                    raise ValidationError({name: str(problem)}) from problem
        instance._planned_members = None
        if "members" in row:
            try:
                instance._planned_members = self.fields["members"].clean(row)
            except ValueError as problem:
                raise ValidationError({"members": str(problem)}) from problem
            for member in instance._planned_members:
                member["country"] = member["country"] or instance.country.code

    def export_field(self, field, instance, **kwargs):
        planned = getattr(instance, "_planned_terms", {})
        if field.attribute in planned:
            return field.widget.render(planned[field.attribute])
        return super().export_field(field, instance, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, but for its constraints and its slug's uniqueness, which
        Django checks with a query each (three quarters of a preview's time): each
        constraint is checked here in Python (CONSTRAINT_CHECKS), or by its field's
        validators, and a slug is unique when no other row of the file takes it, since an
        existing cluster's slug matches the row to it. The database enforces them all the
        same when the file is saved."""
        errors = dict(import_validation_errors or {})
        try:
            # The country too is checked here: django-countries' own check takes longer
            # than the rest of the row.
            instance.full_clean(
                exclude=[*errors, "country"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as problem:
            errors = problem.update_error_dict(errors)
        if instance.country.code and instance.country.code not in countries:
            errors.setdefault("country", []).append(
                f"Value '{instance.country.code}' is not a valid choice."
            )
        for name, (broken, message) in CONSTRAINT_CHECKS.items():
            if broken(instance):
                errors.setdefault(name, []).append(message)
        if instance.pk is None and instance.slug:
            if instance.slug in self.new_slugs:
                errors.setdefault("slug", []).append("Another row of the file has this slug.")
            self.new_slugs.add(instance.slug)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if unchanged and row.get("status") not in (None, original.status):
            return False
        if not unchanged or "members" not in row or original.pk is None:
            return unchanged
        return self.dehydrate_members(original) == "\n".join(
            line.strip() for line in str(row["members"]).splitlines() if line.strip()
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is written here: the row joins the plan that clusters.imports saves."""
        self.planned.append(
            PlannedRow(
                cluster=instance,
                new=is_create,
                terms=instance._planned_terms,
                members=instance._planned_members,
                status=row.get("status") or None,
            )
        )

    def save_m2m(self, instance, row, **kwargs):
        """Saved with the rest of the plan."""
