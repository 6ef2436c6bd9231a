"""A database or cache that does not answer: a branded 503 with Retry-After, one log line per
request, no mail, and no failure once it is back."""

import logging

import pytest
from bs4 import BeautifulSoup
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import OperationalError, ProgrammingError, connections

from clusters.models import Cluster
from tests.clusters.test_register import VALID, registration_page
from tests.pages import submit

PAGES = ["/", "/clusters/", "/clusters/map/", "/clusters/torino-social-impact/", "/themes/"]


@pytest.fixture
def outage(db, settings, client):
    """`outage.start()` makes the database refuse connections, `outage.end()` brings it back.

    The connection's cursor raises what psycopg and sqlite3 raise when the server is gone;
    it is mended before the test's transaction is rolled back, which needs one. The test
    client answers what the site answers instead of raising the error in the test.
    """
    settings.ADMINS = [("Staff", "staff@example.org")]
    client.raise_request_exception = False

    class Outage:
        def __init__(self, patch):
            self.patch = patch

        def start(self, error=OperationalError):
            def cursor(connection, *args, **kwargs):
                raise error("connection to server at 127.0.0.1 failed:\n\tConnection refused")

            self.patch.setattr(type(connections["default"]), "cursor", cursor)

        def end(self):
            self.patch.undo()

    with pytest.MonkeyPatch.context() as patch:
        yield Outage(patch)


def test_pages_answer_a_branded_503_with_retry_after_while_the_database_is_down(anonymous, outage):
    outage.start()
    for url in PAGES:
        response = anonymous.get(url)

        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "no-cache" in response["Cache-Control"]
        assert "Content-Security-Policy" in response
        page = BeautifulSoup(response.content, "html.parser")
        assert page.h1.get_text() == "The directory is briefly unavailable"
        assert page.find("link", rel="stylesheet")


def test_each_request_during_an_outage_is_one_log_line_and_no_mail(anonymous, outage, caplog):
    outage.start()
    for url in PAGES:
        anonymous.get(url)

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.name for record in errors] == ["core.outages"] * len(PAGES)
    for record in errors:
        assert record.exc_info is None
        assert "\n" not in record.getMessage()
    assert errors[1].getMessage() == (
        "503 for GET /clusters/: OperationalError: "
        "connection to server at 127.0.0.1 failed: Connection refused"
    )
    assert mail.outbox == []


def test_a_form_sent_during_the_outage_answers_503_not_a_redirect(anonymous, outage):
    page = registration_page(anonymous)
    outage.start()

    response = submit(anonymous, page, page.soup.find("form", method="post"), VALID).response

    assert response.status_code == 503
    assert not response.has_header("Location")
    outage.end()
    assert not Cluster.objects.filter(name=VALID["name"]).exists()


def test_once_the_database_is_back_the_next_request_succeeds(anonymous, outage):
    outage.start()
    assert anonymous.get("/clusters/").status_code == 503

    outage.end()

    assert anonymous.get("/clusters/").status_code == 200


def test_an_outage_met_after_the_view_answers_503_too(anonymous, outage, monkeypatch):
    """The session is saved by a middleware, once the view has answered."""

    def save(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    page = registration_page(anonymous)
    monkeypatch.setattr(SessionStore, "save", save)

    response = submit(anonymous, page, page.soup.find("form", method="post"), VALID).response

    assert response.status_code == 503
    assert not response.has_header("Location")


def test_a_fault_in_the_code_is_still_a_500(anonymous, outage):
    outage.start(error=ProgrammingError)

    response = anonymous.get("/clusters/")

    assert response.status_code == 500
    assert not response.has_header("Retry-After")


@pytest.mark.urls("tests.cache_urls")
def test_a_page_that_reads_the_cache_answers_503_while_redis_is_down(anonymous, db, redis_down):
    anonymous.raise_request_exception = False
    response = anonymous.get("/cached/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
