"""Clusters as spreadsheet rows (CSV and XLSX), for staff to export and import in the admin.

One row a cluster, with its taxonomies as slugs and its members one a line. The columns of
the seed's clusters.csv are among them, so that file imports as it is. A row is matched to
an existing cluster by its slug, or else by its name and country; a row that changes nothing
is skipped, so exporting everything and importing it again changes nothing.
"""

from django.core.exceptions import ValidationError
from django_countries import countries
from import_export import fields, resources, widgets

from clusters.duplicates import flag_possible_duplicates
from clusters.models import (
    Cluster,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from clusters.services import moderation
from clusters.services.members import set_members
from core.page_cache import directory_changed
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


class TermsWidget(widgets.ManyToManyWidget):
    def __init__(self, model):
        super().__init__(model, separator=";", field="slug")

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()]
        found = self.model.objects.filter(slug__in=slugs)
        unknown = set(slugs) - set(found.values_list("slug", flat=True))
        if unknown:
            raise ValueError(f"Unknown: {', '.join(sorted(unknown))}.")
        return found

    def render(self, value, obj=None, **kwargs):
        return "; ".join(sorted(term.slug for term in value.all())) if value is not None else ""


class MembersWidget(widgets.Widget):
    """Members one a line: "name | type | role | website | country"."""

    def clean(self, value, row=None, **kwargs):
        members = []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")] + [""] * len(MEMBER_PARTS)
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
        return "\n".join(
            " | ".join(
                [
                    membership.organisation.name,
                    membership.organisation.type,
                    membership.role,
                    membership.organisation.website,
                    membership.organisation.country.code or obj.country.code,
                ]
            )
            for membership in obj.memberships.select_related("organisation").order_by(
                "organisation__name"
            )
        )


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
        use_transactions = True

    def dehydrate_members(self, cluster):
        return self.fields["members"].widget.render(None, obj=cluster)

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
        clusters = Cluster.objects.all()
        if row.get("slug"):
            return clusters.filter(slug=row["slug"]).first()
        return clusters.filter(name=row.get("name", ""), country=row.get("country", "")).first()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "slug" and not row.get("slug"):
            return
        if field.column_name == "status":
            # The status changes through moderation once the row is saved, so that a
            # publication e-mails the submitter as the buttons of the entry's form do.
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = IMPORT_REASON
        instance._imported_new = instance.pk is None
        if kwargs.get("user"):
            instance._history_user = kwargs["user"]

    def after_save_instance(self, instance, row, **kwargs):
        if "members" in row:
            members = self.fields["members"].clean(row)
            for member in members:
                member["country"] = member["country"] or instance.country.code
            set_members(instance, members, reason=IMPORT_REASON)
        if instance._imported_new:
            flag_possible_duplicates(instance)
        if row.get("status") in Cluster.Status.values:
            moderation.change_status(
                instance, row["status"], by=kwargs.get("user"), reason=IMPORT_REASON
            )
        directory_changed()

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
        if "members" in row:
            # Checked now, so that a bad member line is reported with the row's other errors.
            try:
                self.fields["members"].clean(row)
            except ValueError as problem:
                raise ValidationError({"members": str(problem)}) from problem

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if unchanged and row.get("status") not in (None, original.status):
            return False
        if not unchanged or "members" not in row or original.pk is None:
            return unchanged
        return self.dehydrate_members(original) == "\n".join(
            line.strip() for line in str(row["members"]).splitlines() if line.strip()
        )
