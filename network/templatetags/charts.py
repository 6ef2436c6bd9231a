from django import template

from network.charts import choropleth

register = template.Library()


@register.inclusion_tag("network/_country_map.html")
def country_map(counts, title, description=""):
    """A small map of Europe, each country coloured by its count ({code: count})."""
    return {"drawing": choropleth(counts), "title": title, "description": description}
