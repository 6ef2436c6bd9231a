"""Organisations in public: each gets a slug (its page's address) and the number of published
clusters it is a member of (public while above zero); a merged organisation's address leads
to the one kept. Clusters store how many members of each type they list, so that statistics
and the ECCP's criteria add up columns rather than join every membership.

The slugs are made here from the names as the model makes them: the name, then the name and
country, then a number. A cluster's ECCP profile must be an address on the platform.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

import clusters.eccp
from clusters.roles import create_roles
from core.text import free_slug, make_slug

MEMBER_TYPES = [
    "social_economy_enterprise", "mainstream_enterprise", "civil_society", "local_authority",
    "education_research", "other",
]  # fmt: skip
# Rows written at a time.
BATCH = 5000


def fill_slugs(apps, schema_editor):
    Organisation = apps.get_model("clusters", "Organisation")
    HistoricalOrganisation = apps.get_model("clusters", "HistoricalOrganisation")
    taken = set()
    slugs = []
    for pk, name, country in Organisation.objects.order_by("pk").values_list(
        "pk", "name", "country"
    ):
        # As clusters.models.organisations.organisation_slug: the name, else the name and
        # country, else the name and a number.
        base = make_slug(name, 212)
        qualified = f"{base}-{country.lower()}"
        if country and base in taken and qualified not in taken:
            slug = qualified
        else:
            slug = free_slug(name, 216, taken.__contains__)
        taken.add(slug)
        slugs.append((slug, pk))
    table = schema_editor.quote_name(Organisation._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(slugs), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET slug = %s WHERE id = %s", slugs[start : start + BATCH]
            )
    HistoricalOrganisation.objects.update(
        slug=Coalesce(
            Subquery(Organisation.objects.filter(pk=OuterRef("id")).values("slug")),
            models.Value(""),
        )
    )


def fill_counts(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    Membership = apps.get_model("clusters", "Membership")
    Organisation = apps.get_model("clusters", "Organisation")

    def count(**condition):
        return Coalesce(
            Subquery(
                Membership.objects.filter(**condition)
                .order_by()
                .values(next(iter(condition)))
                .annotate(count=Count("pk"))
                .values("count")
            ),
            0,
        )

    Cluster.objects.update(
        **{
            f"{kind}_members": count(cluster=OuterRef("pk"), organisation__type=kind)
            for kind in MEMBER_TYPES
        }
    )
    Organisation.objects.update(
        published_cluster_count=count(
            organisation=OuterRef("pk"), cluster__status="published"
        )
    )


def create_name_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX clusters_organisation_name_key_trgm "
            "ON clusters_organisation USING gin (name_key gin_trgm_ops)"
        )


def drop_name_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS clusters_organisation_name_key_trgm")


def update_roles(apps, schema_editor):
    # Staff curate the old organisation addresses as they do the clusters' ones.
    create_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0014_bounded_text_field"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(
                db_index=False, editable=False, max_length=220, null=True, verbose_name="slug"
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="slug",
            field=models.SlugField(
                default="", editable=False, max_length=220, verbose_name="slug"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(editable=False, max_length=220, unique=True, verbose_name="slug"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="published_cluster_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="published clusters"
            ),
        ),
        *(
            migrations.AddField(
                model_name="cluster",
                name=f"{kind}_members",
                field=models.PositiveIntegerField(default=0, editable=False),
            )
            for kind in MEMBER_TYPES
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
        migrations.CreateModel(
            name="OrganisationRedirect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "old_slug",
                    models.SlugField(max_length=220, unique=True, verbose_name="old address"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="since")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="clusters.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "old organisation address",
                "verbose_name_plural": "old organisation addresses",
            },
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("published_cluster_count__gt", 0)),
                fields=["name_key"],
                include=("id", "type", "country", "published_cluster_count"),
                name="organisation_public_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("published_cluster_count__gt", 0)),
                fields=["country", "name_key"],
                name="organisation_country_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("published_cluster_count__gt", 0)),
                fields=["published_cluster_count", "name_key"],
                name="organisation_clusters_idx",
            ),
        ),
        migrations.RunPython(create_name_trigram_index, drop_name_trigram_index),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model,
                name="eccp_profile_url",
                field=models.URLField(
                    blank=True,
                    max_length=300,
                    validators=[clusters.eccp.validate_profile_url],
                    verbose_name="ECCP profile",
                ),
            )
            for model in ("cluster", "historicalcluster")
        ),
    ]
