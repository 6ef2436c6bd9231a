"""Where each fact comes from, three-valued ECCP registration, and folded name and text.

Existing rows are corrected as they stand: an ECCP "no" of the seed meant "the mapping does
not say", and a seed entry nobody has changed since it was loaded is "listed in the 2021
mapping", not "active", with no "last updated" date of its own; its facts count as guesses until
load_seed records which ones the mapping states.
"""

import datetime
from collections import defaultdict

from django.db import migrations, models

from core.text import fold

PROVENANCE_CHOICES = [
    ("confirmed", "Given or confirmed by the cluster or staff"),
    ("source", "As the GECES mapping states it"),
    ("name", "Read from the cluster's name"),
    ("inferred", "Inferred, not yet confirmed"),
    ("unknown", "Unknown"),
]
# load_seed writes each row in one go: a later change is a person's.
UNTOUCHED_WITHIN = datetime.timedelta(minutes=1)
MEMBER_TYPES = [
    "social_economy_enterprise", "mainstream_enterprise", "civil_society", "local_authority",
    "education_research", "other",
]  # fmt: skip
SEARCHED_FIELDS = [
    "name", "also_known_as", "city", "region", "short_description", "description",
]  # fmt: skip


def correct_existing_rows(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    Membership = apps.get_model("clusters", "Membership")
    member_names = defaultdict(list)
    member_types = defaultdict(set)
    for cluster_id, name, kind in Membership.objects.values_list(
        "cluster_id", "organisation__name", "organisation__type"
    ):
        member_names[cluster_id].append(name)
        member_types[cluster_id].add(kind)
    for cluster in Cluster.objects.all():
        seed = cluster.source == "seed"
        untouched = seed and cluster.updated_at - cluster.created_at < UNTOUCHED_WITHIN
        if cluster.eccp_registered_old:
            cluster.eccp_registered = "yes"
        else:
            cluster.eccp_registered = "unknown" if seed else "no"
        if seed:
            # Until load_seed records what the mapping says, claim no more than a guess.
            cluster.country_from = cluster.place_from = cluster.model_from = "inferred"
        if untouched:
            cluster.updated_at = None
            if cluster.activity_status == "active":
                cluster.activity_status = "listed"
        cluster.sort_name = fold(cluster.name)
        cluster.search_text = fold(
            " ".join(
                [*(getattr(cluster, name) for name in SEARCHED_FIELDS), *member_names[cluster.pk]]
            )
        )
        cluster.member_types = " ".join(
            kind for kind in MEMBER_TYPES if kind in member_types[cluster.pk]
        )
        # update() rather than save(): auto_now would stamp every row as changed today.
        Cluster.objects.filter(pk=cluster.pk).update(
            eccp_registered=cluster.eccp_registered,
            country_from=cluster.country_from,
            place_from=cluster.place_from,
            model_from=cluster.model_from,
            updated_at=cluster.updated_at,
            activity_status=cluster.activity_status,
            sort_name=cluster.sort_name,
            search_text=cluster.search_text,
            member_types=cluster.member_types,
        )


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


REBUILD_SEARCH_DOCUMENTS = """
UPDATE clusters_cluster SET search_document =
    setweight(to_tsvector('simple', sort_name), 'A')
    || setweight(to_tsvector('simple', search_text), 'C')
"""
NAME_TRIGRAM_INDEX = (
    "CREATE INDEX clusters_cluster_sort_name_trgm "
    "ON clusters_cluster USING gin (sort_name gin_trgm_ops)"
)
DROP_NAME_TRIGRAM_INDEX = "DROP INDEX IF EXISTS clusters_cluster_sort_name_trgm"


class Migration(migrations.Migration):
    dependencies = [("clusters", "0005_search_document")]

    operations = [
        migrations.AlterModelOptions(
            name="cluster",
            options={
                "ordering": ["sort_name", "name"],
                "verbose_name": "cluster",
                "verbose_name_plural": "clusters",
            },
        ),
        migrations.RemoveConstraint(
            model_name="cluster", name="cluster_eccp_profile_only_when_registered"
        ),
        migrations.RemoveIndex(model_name="cluster", name="clusters_cl_status_3e75e7_idx"),
        migrations.RemoveIndex(model_name="cluster", name="clusters_cl_eccp_re_626f34_idx"),
        migrations.RenameField(
            model_name="cluster", old_name="eccp_registered", new_name="eccp_registered_old"
        ),
        migrations.AddField(
            model_name="cluster",
            name="eccp_registered",
            field=models.CharField(
                choices=[("yes", "Registered"), ("no", "Not registered"), ("unknown", "Not known")],
                default="unknown",
                help_text="Registered on the European Cluster Collaboration Platform.",
                max_length=10,
                verbose_name="registered on the ECCP",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="also_known_as",
            field=models.CharField(
                blank=True,
                help_text="Another name: in the cluster's own language, a subtitle, an old spelling.",
                max_length=300,
                verbose_name="also known as",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="country_from",
            field=models.CharField(
                choices=PROVENANCE_CHOICES,
                default="confirmed",
                max_length=10,
                verbose_name="country from",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="place_from",
            field=models.CharField(
                choices=PROVENANCE_CHOICES,
                default="confirmed",
                max_length=10,
                verbose_name="place from",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="model_from",
            field=models.CharField(
                choices=PROVENANCE_CHOICES,
                default="confirmed",
                max_length=10,
                verbose_name="model from",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="name_in_source",
            field=models.CharField(
                blank=True,
                help_text="The line as the GECES page of 2021 wrote it; empty for other entries.",
                max_length=500,
                verbose_name="listed in the GECES mapping as",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="member_types",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="cluster",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="cluster",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="cluster",
            name="activity_status",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("listed", "Listed in the 2021 mapping"),
                    ("unknown", "Activity unknown"),
                    ("inactive", "Inactive"),
                ],
                default="active",
                max_length=10,
                verbose_name="activity status",
            ),
        ),
        migrations.AlterField(
            model_name="cluster",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, null=True, verbose_name="last updated"),
        ),
        migrations.RunPython(correct_existing_rows, migrations.RunPython.noop),
        migrations.RemoveField(model_name="cluster", name="eccp_registered_old"),
        migrations.AddIndex(
            model_name="cluster",
            index=models.Index(fields=["status", "sort_name"], name="clusters_cl_status_70d026_idx"),
        ),
        migrations.AddIndex(
            model_name="cluster",
            index=models.Index(fields=["eccp_registered"], name="clusters_cl_eccp_re_626f34_idx"),
        ),
        migrations.AddConstraint(
            model_name="cluster",
            constraint=models.CheckConstraint(
                condition=models.Q(("eccp_registered", "yes"), ("eccp_profile_url", ""), _connector="OR"),
                name="cluster_eccp_profile_only_when_registered",
            ),
        ),
        migrations.RunPython(
            on_postgresql(REBUILD_SEARCH_DOCUMENTS, NAME_TRIGRAM_INDEX),
            on_postgresql(DROP_NAME_TRIGRAM_INDEX),
        ),
    ]
