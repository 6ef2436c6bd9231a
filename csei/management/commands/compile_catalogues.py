from django.core.management.base import BaseCommand

from core.catalogues import compile_all


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo in Python, without GNU gettext."

    def handle(self, *args, **options):
        for path in compile_all():
            self.stdout.write(f"Compiled {path}")
