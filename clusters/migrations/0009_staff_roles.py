"""The two staff roles, as groups (clusters.roles says what each may do)."""

from django.db import migrations

from clusters.roles import ADMINISTRATOR, EDITOR, create_roles


def create(apps, schema_editor):
    create_roles(apps)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, ADMINISTRATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0008_history_moderation_and_duplicates"),
        ("cases", "0002_edit_history"),
        ("themes", "0003_edit_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create, remove)]
