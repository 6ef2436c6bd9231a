from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.catalogues import DOMAINS, compile_all

# Not the site's code: the virtual environment, collected files, tests and tools.
IGNORED = [".venv", "var", "build", "tests", "bench", "*.egg-info"]


class Command(BaseCommand):
    help = (
        "Gather the interface's sentences into the catalogue of every language of "
        "settings.LANGUAGES (GNU gettext's xgettext and msgmerge do this), then compile them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-compile", action="store_true", help="Leave the .mo files.")

    def handle(self, *args, no_compile=False, **options):
        languages = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=languages,
                domain=domain,
                no_location=True,
                no_obsolete=True,
                ignore_patterns=IGNORED,
                verbosity=options["verbosity"],
            )
        if not no_compile:
            for path in compile_all():
                self.stdout.write(f"Compiled {path}")
