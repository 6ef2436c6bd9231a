import django.contrib.postgres.search
from django.db import migrations

# GIN indexes and unaccent() exist only on PostgreSQL; on SQLite the column stays empty.
INDEX_SQL = (
    "CREATE INDEX clusters_cluster_search_document_gin "
    "ON clusters_cluster USING gin (search_document)"
)
FILL_SQL = """
UPDATE clusters_cluster AS cluster SET search_document =
    setweight(to_tsvector('simple', unaccent(cluster.name)), 'A')
    || setweight(to_tsvector('simple', unaccent(cluster.city) || ' ' || unaccent(cluster.region)), 'B')
    || setweight(to_tsvector('simple',
        unaccent(cluster.short_description) || ' ' || unaccent(cluster.description) || ' '
        || unaccent(coalesce((
            SELECT string_agg(organisation.name, ' ')
            FROM clusters_membership AS membership
            JOIN clusters_organisation AS organisation ON organisation.id = membership.organisation_id
            WHERE membership.cluster_id = cluster.id
        ), ''))), 'C')
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("clusters", "0004_reserved_slugs")]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(INDEX_SQL), migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(FILL_SQL), migrations.RunPython.noop),
    ]
