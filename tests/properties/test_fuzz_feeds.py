"""Any query string on the feed of the list, and on the page that follows a list by e-mail:
never an error, always a feed a reader parses, nothing sent back unescaped.

Property tests: `make fuzz` tries a thousand examples of each (see tests/conftest.py).
"""

import feedparser
import pytest
from hypothesis import given

from tests.fuzzing import assert_nothing_injected
from tests.properties.test_fuzz_queries import get, queries

pytestmark = pytest.mark.usefixtures("seed")


def test_any_query_gives_a_feed_a_reader_parses(client):
    @given(query=queries())
    def check(query):
        response = get(client, "/clusters/feed.atom", query)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception

    check()


def test_no_query_breaks_the_page_to_follow_a_list_or_injects_markup(client):
    @given(query=queries())
    def check(query):
        assert_nothing_injected(get(client, "/alerts/new/", query))

    check()
