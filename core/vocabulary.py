"""The directory's own vocabulary in the page's language.

Taxonomy terms, thematic areas and case studies are written in English and translated as
data (django-modeltranslation: a `name_fr`, `name_de`… column beside `name_en`; see each
app's translation.py). Where a translation is missing, a page shows the English text and
says so with lang="en", so that screen readers and search engines read it right: a page
never shows an empty label.
"""

from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

ORIGINAL_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


class Translated(str):
    """Text in the page's language, or the original where there is no translation: then
    `lang` names the original's language (else it is empty). In a template it is marked:
    `{{ text }}` gives `<span lang="en">…</span>` for the original, the text alone else;
    a block that carries the attribute itself shows `{{ text.text }}` in it."""

    lang = ""

    @property
    def text(self):
        """The text alone, unmarked."""
        return str(self)

    def __html__(self):
        if self.lang:
            return format_html('<span lang="{}">{}</span>', self.lang, str(self))
        return escape(str(self))


def translated(instance, field):
    """The `field` of `instance` in the active language, else in English (Translated)."""
    language = get_language() or ORIGINAL_LANGUAGE
    text = getattr(instance, build_localized_fieldname(field, language), None)
    if text:
        return Translated(text)
    original = Translated(
        getattr(instance, build_localized_fieldname(field, ORIGINAL_LANGUAGE)) or ""
    )
    original.lang = "" if language == ORIGINAL_LANGUAGE else ORIGINAL_LANGUAGE
    return original


def in_every_language(field):
    """The columns of a translated field, the original's first: ["name_en", "name_fr", …]."""
    return [build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES]


def keep_the_original_column(instance, *fields):
    """Before a save: the field's own column (`name` beside `name_en`…) holds the English.

    modeltranslation keeps that column and writes into it whatever was set last, in any
    language; the unique constraints, the exports and the lookups through relations read
    it, so it must hold the original. A text given without its English (a form on /fr/
    that sets `name`) is the original until staff translate it."""
    for field in fields:
        original = build_localized_fieldname(field, ORIGINAL_LANGUAGE)
        if not getattr(instance, original):
            setattr(instance, original, instance.__dict__.get(field))
        instance.__dict__[field] = getattr(instance, original)
