"""The translation catalogues under locale/: their sources (.po) and the compiled files
(.mo) Django reads, compiled here in Python (polib), so that no GNU gettext is needed to
serve the site in every language."""

from pathlib import Path

import polib
from django.conf import settings

DOMAINS = ("django", "djangojs")


def catalogue_paths():
    """The .po file of each domain of each language but English, which is the msgids'."""
    locale = Path(settings.LOCALE_PATHS[0])
    return [
        locale / code / "LC_MESSAGES" / f"{domain}.po"
        for code, _ in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
        for domain in DOMAINS
    ]


def compiled(po_path):
    """The .mo file `po_path` compiles to, as bytes."""
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo.tmp")
    try:
        catalogue.save_as_mofile(str(mo_path))
        return mo_path.read_bytes()
    finally:
        mo_path.unlink(missing_ok=True)


def compile_all():
    """Write each catalogue's .mo beside its .po. Returns the paths written."""
    written = []
    for po_path in catalogue_paths():
        po_path.with_suffix(".mo").write_bytes(compiled(po_path))
        written.append(po_path.with_suffix(".mo"))
    return written
