"""The staff roles see the e-mail alerts (clusters.roles says how much of them)."""

from django.db import migrations

from clusters.roles import create_roles


def update_roles(apps, schema_editor):
    create_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("clusters", "0016_web_addresses"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
