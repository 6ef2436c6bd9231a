"""Any query string on the list, the map and the open data: never a server error, and what
it says is never sent back unescaped.

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
from clusters.models import Cluster, FieldOfActivity
from tests.fuzzing import assert_nothing_injected, rolled_back, texts
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

PAGES = ["/clusters/", "/clusters/map/"]
DATA = ["/clusters/export.csv", "/api/clusters.json", "/api/clusters.geojson"]
GRID = "/api/clusters/grid.geojson"

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
    ):  # fmt: skip
        values += choices.values
    return values + ["yes", "no", "unknown", "name", "-updated", "country", "-name"]


def queries():
    """{parameter: [values]} over every filter, the page and the map grid's view."""
    bbox = st.lists(numbers, min_size=0, max_size=5).map(",".join)
    value = st.one_of(st.sampled_from(known_values()), texts, numbers, bbox)
    names = sorted({*PARAMETERS, "page_size", "zoom", "bbox", "utm_source"})
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
                list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
            else:
                json.loads(response.content)

    check()
