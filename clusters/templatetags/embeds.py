from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

# The frame's size in the code to copy; a site that wants another changes the numbers.
WIDTH = 600
HEIGHTS = {"embeds:list": 600, "embeds:map": 450, "embeds:cluster": 260}


@register.inclusion_tag("includes/_embed_code.html")
def embed_code(url_name, title, query="", slug=None):
    """ "Embed this": the HTML another site pastes to frame this view, with its filters.
    Plain text in a box, so that it is there to select and copy without JavaScript."""
    address = settings.SITE_URL + reverse(url_name, args=[slug] if slug else [])
    if query:
        address += f"?{query}"
    return {
        "address": address,
        "code": format_html(
            '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
            'style="max-width: 100%; border: 0"></iframe>',
            address,
            title,
            WIDTH,
            HEIGHTS[url_name],
        ),
    }
