from django.utils.text import slugify

# Letters that Unicode does not decompose into a base letter and an accent, so
# slugify() would drop them: "Łomża" must become "lomza", not "omza".
_TRANSLITERATION = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
        "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th",
        "ı": "i", "&": " and ",
    }
)  # fmt: skip


def make_slug(text, max_length=80):
    return slugify(text.translate(_TRANSLITERATION))[:max_length].strip("-") or "item"


def unique_slug(instance, text, field="slug", reserved=()):
    """A slug for `text` not yet used by another row of the instance's model, nor reserved."""
    model = type(instance)
    max_length = model._meta.get_field(field).max_length
    base = make_slug(text, max_length - 4)
    others = model._default_manager.exclude(pk=instance.pk)
    candidate, number = base, 2
    while candidate in reserved or others.filter(**{field: candidate}).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate
