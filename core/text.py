"""Text as people compare it: without case or accents, and as parts of page addresses."""

import unicodedata

from django.utils.text import slugify

# Letters that Unicode does not decompose into a base letter and an accent, so they would
# survive accent-stripping: "Łomża" must fold to "lomza", not "łomza".
_TRANSLITERATION = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
        "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th",
        "ı": "i", "&": " and ",
    }
)  # fmt: skip


def printable(text):
    """`text` without control and format characters (NUL, bidirectional overrides, zero-width
    spaces): they are invisible, and some databases refuse them."""
    return "".join(
        char for char in text if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf")
    )


def fold(text):
    """Lower case, without accents and with single spaces: "ŁOMŻA  Örebro" -> "lomza orebro".

    The same on every database, so that search and name order behave alike everywhere.
    """
    if text.isascii() and text.isprintable():
        # Nothing to strip nor decompose, and lower() is casefold() in ASCII: ten times
        # faster, which counts when a hundred thousand clusters are generated.
        return " ".join(text.replace("&", " and ").lower().split())
    decomposed = unicodedata.normalize("NFKD", printable(text).translate(_TRANSLITERATION))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def make_slug(text, max_length=80):
    return slugify(text.translate(_TRANSLITERATION))[:max_length].strip("-") or "item"


def free_slug(text, max_length, taken):
    """The slug of `text`, at most `max_length` long, numbered from 2 while `taken` (a
    function of the slug) says it is used: "torino-social-impact", "torino-social-impact-2"."""
    base = make_slug(text, max_length - 4)
    candidate, number = base, 2
    while taken(candidate):
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def unique_slug(instance, text, field="slug", reserved=(), taken_elsewhere=None):
    """A slug for `text` not yet used by another row of the instance's model, nor reserved,
    nor taken elsewhere (a function of the slug that says so)."""
    model = type(instance)
    others = model._default_manager.exclude(pk=instance.pk)
    return free_slug(
        text,
        model._meta.get_field(field).max_length,
        lambda candidate: (
            candidate in reserved
            or others.filter(**{field: candidate}).exists()
            or (taken_elsewhere is not None and taken_elsewhere(candidate))
        ),
    )
