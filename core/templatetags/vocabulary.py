from django import template

from core.vocabulary import translated as translated_text

register = template.Library()


@register.filter
def translated(instance, field):
    """`{{ thematic_area|translated:"name" }}`: the name in the page's language, else the
    English name marked lang="en" (core.vocabulary.Translated)."""
    return translated_text(instance, field)
