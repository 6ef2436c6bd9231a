"""The table of the page cache (settings.CACHES["pages"], core.page_cache), by `migrate`."""

from django.core.management import call_command
from django.db import migrations

TABLE = "csei_page_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("csei", "0001_cache_table")]

    operations = [migrations.RunPython(create_table, drop_table)]
