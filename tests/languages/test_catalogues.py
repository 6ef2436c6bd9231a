"""Nothing half-translated lands: every catalogue complete, its placeholders and markup
those of its msgids, up to date with the code, and compiled as its source says."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from core.catalogues import DOMAINS, catalogue_paths, compiled

PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")
TAG = re.compile(r"</?([a-z]+)")
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_ids(path):
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in polib.pofile(str(path))}


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda path: str(path.parent.parent.name))
def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda path: str(path.parent.parent.name))
def test_each_translation_keeps_the_placeholders_and_markup_of_its_message(path):
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.msgid_plural:
            # A form may leave out what the English singular leaves out ("The one…").
            forms = [set(PLACEHOLDER.findall(text)) for text in (entry.msgid, entry.msgid_plural)]
            allowed, required = forms[0] | forms[1], forms[0] & forms[1]
            translations = entry.msgstr_plural.values()
        else:
            allowed = required = set(PLACEHOLDER.findall(entry.msgid))
            translations = [entry.msgstr]
        for translation in translations:
            placeholders = set(PLACEHOLDER.findall(translation))
            tags = sorted(TAG.findall(translation))
            if not required <= placeholders <= allowed or tags != sorted(TAG.findall(entry.msgid)):
                wrong.append((entry.msgid, translation))
    assert wrong == []


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda path: str(path.parent.parent.name))
def test_the_compiled_catalogue_is_its_source_compiled(path):
    assert path.with_suffix(".mo").read_bytes() == compiled(path), (
        f"{path.with_suffix('.mo')} is out of date: run `make messages`."
    )


def test_every_language_but_english_has_its_catalogues():
    for code in LANGUAGES:
        for domain in DOMAINS:
            assert (Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / f"{domain}.po").exists()


@pytest.mark.skipif(
    not shutil.which("xgettext") and not os.environ.get("REQUIRE_GETTEXT"),
    reason="GNU gettext gathers the messages (apt-get install gettext)",
)
def test_the_catalogues_hold_every_message_of_the_code_and_no_other(tmp_path):
    """Gather the messages of a copy of the site, as `make messages` does, and compare."""
    base = Path(settings.BASE_DIR)
    tree = tmp_path / "site"
    shutil.copytree(
        base,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv", "var", "build", "locale", "tests", "bench", ".git", "*.egg-info",
            "__pycache__", ".pytest_cache", ".ruff_cache", "fixtures",
        ),
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "update_catalogues", "--no-compile", "--verbosity", "0"],
        cwd=tree,
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": ""},
        check=True,
        capture_output=True,
    )
    for code in LANGUAGES:
        for domain in DOMAINS:
            relative = Path(code) / "LC_MESSAGES" / f"{domain}.po"
            gathered = catalogue_ids(tree / "locale" / relative)
            kept = catalogue_ids(Path(settings.LOCALE_PATHS[0]) / relative)
            assert sorted(gathered - kept, key=str) == [], (
                f"missing from {relative}: run `make messages`"
            )
            assert sorted(kept - gathered, key=str) == [], f"no longer used in {relative}"
