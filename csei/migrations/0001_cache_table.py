"""The table of the database cache (core.cache.DatabaseCache), made by `migrate`.

It is made whatever cache is configured, so that a site can drop CACHE_URL later.
"""

from django.core.management import call_command
from django.db import migrations

# settings.CACHES names the same table.
TABLE = "csei_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table)]
