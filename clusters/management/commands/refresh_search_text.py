from django.core.management.base import BaseCommand
from django.db import transaction

from clusters.models import Cluster
from core.page_cache import directory_changed

# Clusters refreshed in one transaction: a few seconds each, whatever the directory's size.
BATCH_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Recompute every cluster's search text (its text, its members, and the names of its "
        "country, terms and thematic areas in every language). Writes keep it up to date; "
        "run it once after adding a language, or after upgrading to a version that searches "
        "more."
    )

    def handle(self, *args, **options):
        ids = list(Cluster.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            with transaction.atomic():
                Cluster.objects.filter(pk__gte=batch[0], pk__lte=batch[-1]).refresh_derived()
        directory_changed()
        self.stdout.write(self.style.SUCCESS(f"Refreshed the search text of {len(ids)} clusters."))
