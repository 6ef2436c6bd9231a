from django.core.management.base import BaseCommand

from alerts.services import send_due_alerts


class Command(BaseCommand):
    help = (
        "E-mail each alert that is due the clusters published since its last e-mail, and "
        "delete requests nobody confirmed within a week. For cron, every few minutes: "
        "runs at the same time, on one machine or several, never send an alert twice."
    )

    def handle(self, *args, **options):
        sent = send_due_alerts()
        self.stdout.write(f"{sent} alert e-mail(s) sent.")
