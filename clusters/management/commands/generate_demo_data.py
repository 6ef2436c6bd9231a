import io
import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from clusters.demo.generator import DemoData
from clusters.models import FieldOfActivity, InnovationType, MemberService
from core.page_cache import directory_changed


class Command(BaseCommand):
    help = (
        "Add invented, published clusters with members, spread over Europe, to try the site "
        "at scale. Loads the seed first when the taxonomies are empty. Never for production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=1000, help="How many to add.")
        parser.add_argument(
            "--seed", type=int, default=2024, help="The same seed gives the same clusters."
        )

    def handle(self, *args, clusters, seed, **options):
        if clusters < 1:
            raise CommandError("--clusters must be at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            seed_loaded = self.ensure_taxonomies()
            counts = DemoData(random.Random(seed)).create(clusters)
            # Written in bulk, without the signals that tell the page cache.
            directory_changed()
        if connection.vendor == "postgresql":
            # ANALYZE: the planner would otherwise keep the statistics of tables that were
            # nearly empty (the seed's too, when it was loaded first), and scan where it
            # should look up. VACUUM: it clears the row versions the search-document UPDATE
            # left behind and marks the pages all-visible, without which the facet counts
            # read the table, not the covering index. Neither waits for autovacuum, which
            # may be slow or off. VACUUM cannot run inside a transaction the caller holds
            # open; ANALYZE can.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {counts['clusters']} published demo clusters in {counts['countries']} "
                f"countries, with {counts['memberships']} memberships and "
                f"{counts['organisations']} new organisations"
                f"{' (seed loaded first)' if seed_loaded else ''} in {seconds:.1f} s."
            )
        )

    def ensure_taxonomies(self):
        if all(
            model.objects.exists() for model in (FieldOfActivity, MemberService, InnovationType)
        ):
            return False
        call_command("load_seed", stdout=io.StringIO())
        return True
