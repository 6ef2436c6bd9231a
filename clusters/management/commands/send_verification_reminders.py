from django.core.management.base import BaseCommand

from clusters.models import Cluster
from clusters.services import self_service


class Command(BaseCommand):
    help = (
        "E-mail the contact of every published cluster the link to verify its entry. Run it "
        "once a year (from cron); clusters without an address on file are left out."
    )

    def handle(self, *args, **options):
        sent = self_service.send_verification_links(Cluster.objects.published())
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} verification links."))
