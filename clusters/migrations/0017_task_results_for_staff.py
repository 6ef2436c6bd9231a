"""Both staff roles see the task queue's results: e-mails that could not be sent."""

from django.db import migrations

from clusters.roles import create_roles


def update_roles(apps, schema_editor):
    create_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0016_web_addresses"),
        # Last of the migrations that set the roles: each sets every permission it knows.
        ("alerts", "0002_staff_roles"),
        ("cases", "0005_web_addresses"),
        ("themes", "0005_bounded_text_field"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
