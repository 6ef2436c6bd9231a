import json
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import CaseStudy
from clusters.models import (
    Cluster,
    ClusterChange,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from core.page_cache import directory_changed
from themes.models import ThematicArea

FIXTURES = settings.BASE_DIR / "fixtures"
# The facts of a seed entry whose provenance the fixture records, and the fields of each.
SEED_FACTS = {"country": ["country"], "place": ["region", "city"], "model": ["model"]}


def read(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = (
        "Load the GECES mapping: taxonomies, thematic areas, clusters, members and case "
        "studies. Missing rows are created. Seed clusters loaded before are brought up to "
        "date with the fixtures, except what a person has changed since; running it twice "
        "changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Corrections are written in bulk, which no signal reports to the page cache.
        directory_changed()
        terms = self.load_taxonomies()
        thematic_areas = self.load_thematic_areas()
        clusters, corrected = self.load_clusters()
        created = {
            "terms": terms,
            "thematic areas": thematic_areas,
            "clusters": clusters,
            "memberships": self.load_memberships(),
            "case studies": self.load_case_studies(),
        }
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed loaded. Created {summary}; corrected {corrected} clusters loaded before."
            )
        )

    def load_taxonomies(self):
        created = 0
        taxonomies = read("taxonomies")
        for key, model in [
            ("fields_of_activity", FieldOfActivity),
            ("member_services", MemberService),
            ("innovation_types", InnovationType),
        ]:
            for position, term in enumerate(taxonomies[key]):
                row, was_created = model.objects.get_or_create(
                    slug=term["slug"], defaults={"name_en": term["name"], "position": position}
                )
                self.add_translations(row, term["translations"])
                created += was_created
        return created

    def load_thematic_areas(self):
        created = 0
        for row in read("thematic_areas"):
            thematic_area, was_created = ThematicArea.objects.get_or_create(
                name_en=row["name"],
                defaults={"status": row["status"], "description_en": row["description"]},
            )
            self.add_translations(thematic_area, row["translations"])
            created += was_created
        return created

    def add_translations(self, instance, translations):
        """Fill in the translations it lacks ({language: {field: text}}); staff's own stay."""
        missing = {
            f"{field}_{language}": text
            for language, fields in translations.items()
            for field, text in fields.items()
            if not getattr(instance, f"{field}_{language}")
        }
        if missing:
            type(instance).objects.filter(pk=instance.pk).update(**missing)

    def load_clusters(self):
        """Create the mapped clusters that are missing; correct the ones loaded before.

        A seed entry nobody has changed since it was loaded takes the fixture as it is now.
        One a person has changed keeps their values: only the provenance of the facts still
        as the seed gave them, and the source line and other names, are filled in.
        """
        created, corrected = 0, []
        fields = {term.slug: term for term in FieldOfActivity.objects.all()}
        existing = {cluster.name: cluster for cluster in Cluster.objects.all()}
        for row in read("clusters"):
            values = self.cluster_values(row)
            cluster = existing.get(row["name"])
            if cluster is None:
                cluster = Cluster.objects.create(**values)
                cluster.fields_of_activity.set([fields[slug] for slug in row["fields_of_activity"]])
                # Loading is not an update by a person: the public page shows none.
                Cluster.objects.filter(pk=cluster.pk).update(updated_at=None)
                created += 1
            elif cluster.source == Cluster.Source.SEED:
                changes = self.corrections(cluster, values)
                if changes:
                    # update(), so that auto_now does not date the correction as a person's.
                    Cluster.objects.filter(pk=cluster.pk).update(**changes)
                    corrected.append(cluster.pk)
        Cluster.objects.filter(pk__in=corrected).refresh_derived()
        # Corrected by update(), which sends no signal: the changes API hears of them here.
        ClusterChange.objects.record(Cluster.objects.filter(pk__in=corrected))
        return created, len(corrected)

    def corrections(self, cluster, values):
        if cluster.updated_at is None:
            wanted = {
                name: value
                for name, value in values.items()
                if name not in ("status", "source", "name")
            }
        else:
            wanted = {
                f"{fact}_from": values[f"{fact}_from"]
                for fact, names in SEED_FACTS.items()
                if all(getattr(cluster, name) == values[name] for name in names)
            }
            for name in ("name_in_source", "also_known_as"):
                if not getattr(cluster, name):
                    wanted[name] = values[name]
        return {name: value for name, value in wanted.items() if getattr(cluster, name) != value}

    def cluster_values(self, row):
        has_coordinates = row["latitude"] is not None
        return {
            "name": row["name"],
            "name_in_source": row["name_in_source"],
            "also_known_as": row["also_known_as"],
            "country": row["country"],
            "country_from": row["country_from"],
            "region": row["region"],
            "city": row["city"],
            "place_from": row["place_from"],
            "latitude": Decimal(row["latitude"]) if has_coordinates else None,
            "longitude": Decimal(row["longitude"]) if has_coordinates else None,
            "location_precision": row["location_precision"],
            "model": row["model"],
            "model_from": row["model_from"],
            "eccp_registered": row["eccp_registered"],
            "activity_status": row["activity_status"],
            "status": Cluster.Status.PUBLISHED,
            "source": Cluster.Source.SEED,
            "staff_notes": row["note"],
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
                ThematicArea.objects.filter(name_en__in=row["thematic_areas"])
            )
            created += 1
        return created
