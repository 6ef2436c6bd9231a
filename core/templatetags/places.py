"""A country as the pages show it: its flag, then its name. Tags rather than included
templates: a list of forty clusters showed them through two includes a card, a tenth of the
page's time."""

from functools import cache

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def flag(country):
    """The country's flag, for beside its name (so the image says nothing itself)."""
    return format_html(
        '<img class="flag" src="{}" alt="" width="16" height="11">', flag_address(country.code)
    )


@register.simple_tag
def country_with_flag(country):
    """The flag and name of the country, or that it is not yet confirmed."""
    if not country:
        return gettext("Country not yet confirmed")
    return format_html("{} {}", flag(country), country.name)


@cache
def flag_address(code):
    # The static files' manifest does not change while the process runs.
    return static(f"flags/{code.lower()}.gif")
