"""The word index answers a search of frequent words exactly as the database does: the same
clusters, in the same best-match order, with the same counts, on every page."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from clusters import word_index
from core import per_version
from core.page_cache import pages

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the word index keeps PostgreSQL's document words"
)


@pytest.fixture
def generated(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_data", clusters=150, stdout=io.StringIO())


def keep_every_word(patch):
    """The index keeps every word that a cluster holds, however few clusters hold it (the
    index kept before, in this process and in the shared cache, forgotten)."""
    patch.setattr(word_index, "FREQUENT_SHARE", 0)
    patch.setattr(word_index, "FREQUENT_AT_LEAST", 1)
    per_version.forget()
    pages().clear()


@pytest.fixture
def every_word_kept(monkeypatch):
    keep_every_word(monkeypatch)


def listed(client, query):
    """What the list shows for `query`: the names in order, the total and the facets."""
    response = client.get("/clusters/", query)
    assert response.status_code == 200
    listing = response.context["listing"]
    return {
        "names": [cluster.name for cluster in response.context["page"].object_list],
        "total": listing.total,
        "counts": {name: listing.facet_counts(name) for name in listing.index.choices},
        "from the index": listing.held_by_frequent_words is not None,
    }


@pytest.mark.parametrize(
    "query",
    [
        {"q": "social"},
        {"q": "social", "page": "2"},
        {"q": "social", "page": "4"},
        {"q": "cluster network"},
        {"q": "social", "country": "FR"},
        {"q": "social", "sort": "name"},
        {"q": "social", "sort": "-updated", "page": "2"},
    ],
)
def test_a_search_of_frequent_words_lists_what_the_database_lists(client, generated, query):
    from_the_database = listed(client, query)
    assert not from_the_database.pop("from the index")

    with pytest.MonkeyPatch.context() as patch:
        keep_every_word(patch)
        from_the_index = listed(client, query)

    assert from_the_index.pop("from the index")
    assert from_the_database["total"] > 0
    assert from_the_index == from_the_database


@pytest.mark.parametrize("words", ["torino sociel", "zzzz", "social zzzz"])
def test_words_no_cluster_holds_all_are_left_to_the_database(client, generated, words):
    from_the_database = listed(client, {"q": words})

    with pytest.MonkeyPatch.context() as patch:
        keep_every_word(patch)
        # No cluster holds them all: the database looks for names close to them instead.
        assert listed(client, {"q": words}) == from_the_database

    assert not from_the_database["from the index"]
    if words == "torino sociel":
        assert from_the_database["names"] == ["Torino Social Impact"]


def test_the_index_follows_the_directory(
    client, generated, every_word_kept, make_cluster, django_capture_on_commit_callbacks
):
    assert listed(client, {"q": "wombat"})["total"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        make_cluster(name="Wombat Rescue Cluster")

    found = listed(client, {"q": "wombat"})
    assert found["from the index"]
    assert found["names"] == ["Wombat Rescue Cluster"]
