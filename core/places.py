"""Where a country is on the map, for clusters known only to their country."""

import json
from functools import cache
from pathlib import Path

# Built from Natural Earth by `manage.py build_basemap`, which says how.
COUNTRY_POINTS = Path(__file__).parent / "data" / "country_points.json"


@cache
def _country_points():
    return {
        code: (latitude, longitude)
        for code, (latitude, longitude) in json.loads(COUNTRY_POINTS.read_text()).items()
    }


def country_points():
    """{ISO code: (latitude, longitude)} of every country's point (see country_point)."""
    return _country_points()


def country_point(code):
    """(latitude, longitude) of a point well inside the country with this ISO 3166 alpha-2
    code, such as ("FR" →) (47.24, 2.44); None for an unknown or empty code.

    The point lies inside the country's largest piece of land (mainland France, not an
    overseas region), as far from its borders and coasts as it can: a fair place to show a
    cluster whose town is not known. Every code django-countries knows has one.
    """
    return _country_points().get(str(code).upper())


def map_point(latitude, longitude, country):
    """(latitude, longitude) where the map shows a cluster: its own coordinates when it has
    them, else its country's point; None when neither is known."""
    if latitude is not None:
        return float(latitude), float(longitude)
    return country_point(country)
