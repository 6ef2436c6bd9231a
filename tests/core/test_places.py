"""The map's geography: country outlines and each country's point, from Natural Earth."""

import gzip
import json

import pytest
from django.conf import settings
from django_countries import countries
from shapely.geometry import Point, shape

from core.places import country_point

BASEMAP = settings.BASE_DIR / "static" / "map" / "countries.geo.json"


@pytest.fixture(scope="module")
def outlines():
    """{ISO code: shape} of the basemap's countries."""
    document = json.loads(BASEMAP.read_text())
    return {feature["id"]: shape(feature["geometry"]) for feature in document["features"]}


def test_every_country_has_a_point_on_the_globe():
    for code, name in countries:
        latitude, longitude = country_point(code)
        assert -90 <= latitude <= 90 and -180 <= longitude <= 180, name


def test_a_country_point_is_inside_the_country_as_the_map_draws_it(outlines):
    # The seed's countries, and the smallest of Europe.
    for code in ["FR", "HR", "IT", "NO", "GB", "NL", "PT", "GR", "TR", "UA", "LU", "MT", "AD"]:
        latitude, longitude = country_point(code)
        assert outlines[code].contains(Point(longitude, latitude)), code


def test_a_country_point_is_in_its_mainland_not_overseas():
    latitude, longitude = country_point("FR")
    assert 42 < latitude < 51 and -5 < longitude < 8


def test_codes_are_read_in_any_case_and_unknown_ones_have_no_point():
    assert country_point("fr") == country_point("FR")
    assert country_point("") is None
    assert country_point("XX") is None


def test_the_basemap_is_small_once_compressed():
    compressed = gzip.compress(BASEMAP.read_bytes())

    assert len(compressed) <= 150 * 1024


def test_no_outline_crosses_the_whole_world(outlines):
    # A shape that runs across the 180th meridian would cover every longitude once drawn.
    for code, outline in outlines.items():
        assert not outline.contains(Point(5, 71.5)), code
