import json
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import CaseStudy
from clusters.models import (
    Cluster,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from themes.models import ThematicArea

FIXTURES = settings.BASE_DIR / "fixtures"


def read(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = (
        "Load the GECES mapping: taxonomies, thematic areas, clusters, members and case "
        "studies. Rows that exist already (by name) are left as they are, so staff edits "
        "survive and running it twice changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = {
            "terms": self.load_taxonomies(),
            "thematic areas": self.load_thematic_areas(),
            "clusters": self.load_clusters(),
            "memberships": self.load_memberships(),
            "case studies": self.load_case_studies(),
        }
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Seed loaded. Created {summary}."))

    def load_taxonomies(self):
        created = 0
        taxonomies = read("taxonomies")
        for key, model in [
            ("fields_of_activity", FieldOfActivity),
            ("member_services", MemberService),
            ("innovation_types", InnovationType),
        ]:
            for position, term in enumerate(taxonomies[key]):
                _, was_created = model.objects.get_or_create(
                    slug=term["slug"], defaults={"name": term["name"], "position": position}
                )
                created += was_created
        return created

    def load_thematic_areas(self):
        created = 0
        for row in read("thematic_areas"):
            _, was_created = ThematicArea.objects.get_or_create(
                name=row["name"],
                defaults={"status": row["status"], "description": row["description"]},
            )
            created += was_created
        return created

    def load_clusters(self):
        created = 0
        fields = {term.slug: term for term in FieldOfActivity.objects.all()}
        for row in read("clusters"):
            if Cluster.objects.filter(name=row["name"]).exists():
                continue
            cluster = Cluster.objects.create(**self.cluster_values(row))
            cluster.fields_of_activity.set([fields[slug] for slug in row["fields_of_activity"]])
            created += 1
        return created

    def cluster_values(self, row):
        has_coordinates = row["latitude"] is not None
        notes = [f"Listed in the GECES mapping as: {row['name_in_source']}"]
        if row["country_from"] == "inferred":
            notes.append("Country inferred from the place or the name: confirm it.")
        elif row["country_from"] == "unknown":
            notes.append("Country unknown.")
        if not has_coordinates:
            notes.append("No coordinates.")
        if row["note"]:
            notes.append(row["note"])
        return {
            "name": row["name"],
            "country": row["country"],
            "region": row["region"],
            "city": row["city"],
            "latitude": Decimal(row["latitude"]) if has_coordinates else None,
            "longitude": Decimal(row["longitude"]) if has_coordinates else None,
            "location_precision": row["location_precision"],
            "model": row["model"],
            "eccp_registered": row["eccp_registered"],
            "activity_status": row["activity_status"],
            "status": Cluster.Status.PUBLISHED,
            "source": Cluster.Source.SEED,
            "needs_review": row["country_from"] != "source" or not has_coordinates,
            "staff_notes": "\n".join(notes),
        }

    def load_memberships(self):
        created = 0
        for row in read("memberships"):
            organisation = Organisation.objects.matching(
                row["organisation"], row["country"]
            ).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=row["organisation"], type=row["type"], country=row["country"]
                )
            _, was_created = Membership.objects.get_or_create(
                cluster=Cluster.objects.get(name=row["cluster"]),
                organisation=organisation,
                defaults={"role": row["role"]},
            )
            created += was_created
        return created

    def load_case_studies(self):
        created = 0
        for row in read("case_studies"):
            if CaseStudy.objects.filter(title=row["title"]).exists():
                continue
            case_study = CaseStudy.objects.create(
                title=row["title"],
                cluster=Cluster.objects.filter(name=row["cluster"]).first()
                if row["cluster"]
                else None,
                summary=row["summary"],
                presenter=row["presenter"],
                presenter_role=row["presenter_role"],
                country=row["country"],
                event=row["event"],
                event_date=row["event_date"],
                status=CaseStudy.Status.PUBLISHED,
            )
            case_study.thematic_areas.set(
                ThematicArea.objects.filter(name__in=row["thematic_areas"])
            )
            created += 1
        return created
