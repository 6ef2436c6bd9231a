"""Indexes for the list's orders "recently updated" and "by country" on PostgreSQL, where
they turn a scan and sort of every published cluster into reading the first rows of an
index; and the indexes of single facet columns dropped, since no plan used them (the facet
counts read cluster_facets_idx, the rows the index of their order).

The two orders put unknown values last (NULLS LAST, a CASE on the country), which Index in
a model's Meta cannot say on SQLite: they are PostgreSQL's alone, made here.
"""

from django.db import migrations

INDEXES = {
    "cluster_recently_updated_idx": (
        "(status, updated_at DESC NULLS LAST, sort_name)"
    ),
    "cluster_by_country_idx": (
        "(status, (CASE WHEN country = '' THEN 1 ELSE 0 END), country, sort_name)"
    ),
}


def create_sort_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON clusters_cluster {columns}")


def drop_sort_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0011_facet_and_home_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="cluster", name="clusters_cl_model_22c6ba_idx"),
        migrations.RemoveIndex(model_name="cluster", name="clusters_cl_legal_s_014f9a_idx"),
        migrations.RemoveIndex(model_name="cluster", name="clusters_cl_activit_b61620_idx"),
        migrations.RunPython(create_sort_indexes, drop_sort_indexes),
    ]
