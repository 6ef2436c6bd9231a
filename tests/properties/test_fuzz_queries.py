"""Any query string on the list, the map, the open data and the JSON the forms ask for as a
person types: never a server error, and what it says is never sent back unescaped.

Property tests: `make fuzz` tries a thousand examples of each (see tests/conftest.py).
"""

import csv
import io
import json

import pytest
from django_countries import countries
from hypothesis import given
from hypothesis import strategies as st

from clusters.listing import PARAMETERS
from clusters.models import Cluster, FieldOfActivity, Organisation
from clusters.organisations import CLUSTER_RANGES
from clusters.organisations import PARAMETERS as ORGANISATION_PARAMETERS
from core.text import fold
from tests.fuzzing import assert_nothing_injected, rolled_back, texts
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

PAGES = ["/clusters/", "/clusters/map/", "/organisations/", "/statistics/"]
DATA = [
    "/clusters/export.csv", "/api/clusters.json", "/api/clusters.geojson",
    "/api/organisations.json", "/statistics/countries.csv", "/statistics/members-by-model.csv",
]  # fmt: skip
GRID = "/api/clusters/grid.geojson"
# What the registration form's pin and the cluster fields ask for as a person types.
PLACES = "/api/places.json"
CLUSTER_NAMES = "/api/cluster-names.json"

numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20), st.floats(allow_nan=True)
).map(str)


def known_values():
    """The values the filters know, of every filter."""
    values = [code for code, _name in countries][:20]
    values += FieldOfActivity.objects.values_list("slug", flat=True)
    values += ThematicArea.objects.values_list("slug", flat=True)
    for choices in (
        Cluster.Model, Cluster.LegalStructure, Cluster.MapPrecision, Cluster.ActivityStatus,
        Organisation.Type,
    ):  # fmt: skip
        values += choices.values
    values += CLUSTER_RANGES
    return values + ["yes", "no", "unknown", "name", "-updated", "country", "-name", "-clusters"]


def queries():
    """{parameter: [values]} over every filter, the page and the map grid's view."""
    bbox = st.lists(numbers, min_size=0, max_size=5).map(",".join)
    value = st.one_of(st.sampled_from(known_values()), texts, numbers, bbox)
    names = sorted(
        {*PARAMETERS, *ORGANISATION_PARAMETERS, "page_size", "zoom", "bbox", "utm_source"}
    )
    return st.dictionaries(st.sampled_from(names), st.lists(value, max_size=3), max_size=6)


def get(client, url, query):
    response = client.get(url, query)
    assert response.status_code < 500
    return response


@pytest.mark.parametrize("url", PAGES)
def test_no_query_breaks_a_page_or_injects_markup(client, url):
    @given(query=queries())
    def check(query):
        assert_nothing_injected(get(client, url, query))

    check()


@pytest.mark.parametrize("url", [*DATA, GRID])
def test_no_query_breaks_the_open_data(client, url):
    @given(query=queries())
    def check(query):
        # The CSV export counts each download against the address's limit.
        with rolled_back():
            response = get(client, url, query)
            if response.status_code != 200:
                return
            if url.endswith(".csv"):
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                list(csv.reader(io.StringIO(content.decode())))
            else:
                json.loads(response.content)

    check()


def test_any_place_typed_gets_a_place_on_the_globe_or_none(client):
    codes = [code for code, _name in countries]

    @given(country=st.one_of(st.sampled_from(codes), texts), region=texts, city=texts)
    def check(country, region, city):
        response = get(client, PLACES, {"country": country, "region": region, "city": city})
        place = json.loads(response.content)
        assert place["precision"] in Cluster.LocationPrecision.values
        if place["latitude"] is not None:
            assert -90 <= place["latitude"] <= 90
            assert -180 <= place["longitude"] <= 180

    check()


def test_any_name_typed_suggests_only_published_clusters_whose_name_holds_it(client):
    published = set(Cluster.objects.published().values_list("slug", flat=True))
    names = st.sampled_from(["lo", "ŁOMŻA", "social  ", "Torino", "pôle"])

    @given(typed=st.one_of(names, texts))
    def check(typed):
        response = get(client, CLUSTER_NAMES, {"q": typed})
        for suggestion in json.loads(response.content)["clusters"]:
            assert suggestion["slug"] in published
            assert fold(typed)[:100] in fold(suggestion["name"])

    check()
