from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Text search on PostgreSQL; both operations do nothing on other databases."""

    dependencies = [("clusters", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
