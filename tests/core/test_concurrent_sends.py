"""The forms' rate limit under concurrency: sends that arrive together are counted one by
one, and only the first ten of the hour get in."""

import threading

import pytest
from django.db import connection
from django.test import Client

from clusters.forms import CorrectionSuggestionForm
from clusters.models import Cluster, CorrectionSuggestion
from tests.pages import form_fields, get_page

LIMIT = 10
SENDS = 30
AT_ONCE = 3


@pytest.fixture
def cluster(transactional_db):
    # Committed, so that the requests on other threads (other connections) see it.
    return Cluster.objects.create(name="Concurrent Cluster", country="FR", status="published")


def test_thirty_corrections_sent_three_at_a_time_from_one_address_accept_exactly_ten(
    cluster, monkeypatch
):
    # The sends of a round that pass the limit's first check are all checked as forms
    # before any is counted: the moment where a check and a count made apart let one too
    # many through, made to happen every time rather than now and then.
    checked = threading.Barrier(AT_ONCE, timeout=30)
    clean = CorrectionSuggestionForm.clean

    def clean_together(form):
        checked.wait()
        return clean(form)

    monkeypatch.setattr(CorrectionSuggestionForm, "clean", clean_together)
    url = f"{cluster.get_absolute_url()}suggest/"
    form = form_fields(get_page(Client(), url).soup.find("form", method="post"))
    answers = form | {"kind": ["wrong"], "field": ["website"], "proposed_value": ["https://x.eu"]}
    statuses = []
    together = threading.Barrier(AT_ONCE)

    def send():
        client = Client()
        together.wait()
        statuses.append(client.post(url, answers).status_code)
        connection.close()

    for _ in range(SENDS // AT_ONCE):
        threads = [threading.Thread(target=send) for _ in range(AT_ONCE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(statuses) == [302] * LIMIT + [429] * (SENDS - LIMIT)
    assert CorrectionSuggestion.objects.filter(cluster=cluster).count() == LIMIT
