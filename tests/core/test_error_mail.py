"""Error mail to ADMINS: none for a bad Host header, no people's data or passwords in it, and
a bounded number for a flood of one error."""

import logging

import pytest
from django.core import mail

from clusters.listing import ClusterListing
from clusters.models import Cluster
from core.error_mail import ThrottledAdminEmailHandler
from csei import views
from tests.clusters.test_register import VALID, registration_page
from tests.pages import form_fields


@pytest.fixture
def admins(settings, anonymous):
    """ADMINS to mail, errors answered with a 500 page as in production, and a mail handler
    that has sent nothing yet in this process."""
    settings.ADMINS = [("Staff", "staff@example.org")]
    anonymous.raise_request_exception = False
    for handler in logging.getLogger("django").handlers:
        if isinstance(handler, ThrottledAdminEmailHandler):
            handler.last_sent.clear()


def test_a_bad_host_header_gets_a_400_and_sends_no_mail(anonymous, db, admins):
    response = anonymous.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert mail.outbox == []


def test_an_error_mail_names_the_fault_but_not_the_sender_nor_any_password(
    anonymous, empty_directory, admins, settings, monkeypatch
):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    settings.EMAIL_URL = "smtp+tls://mailer:mail-password@mail.example.org:587"
    settings.CACHE_URL = "redis://:cache-password@cache.example.org:6379/0"

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    form = registration_page(anonymous).soup.find("form", method="post")
    data = form_fields(form) | VALID
    monkeypatch.setattr(Cluster, "save", fail)

    response = anonymous.post(
        "/clusters/register/",
        data,
        REMOTE_ADDR="198.51.100.23",
        HTTP_X_REAL_IP="203.0.113.9",
        HTTP_USER_AGENT="Camille's browser",
        HTTP_REFERER="https://example.org/camille",
    )

    assert response.status_code == 500
    (message,) = mail.outbox
    assert "RuntimeError" in message.subject + message.body
    assert "the disk is full" in message.body
    assert "submitter_email = '********************'" in message.body
    for private in [
        VALID["submitter_name"], VALID["submitter_email"], VALID["name"],
        VALID["members-0-name"], "203.0.113.9",
        "198.51.100.23", "Camille's browser", "example.org/camille", "mail-password",
        "cache-password",
    ]:  # fmt: skip
        assert private not in message.body, private


def test_a_flood_of_one_error_sends_one_mail_and_another_error_its_own(
    anonymous, db, admins, monkeypatch
):
    def broken_listing(*args, **kwargs):
        raise ZeroDivisionError

    def broken_render(*args, **kwargs):
        raise LookupError

    monkeypatch.setattr(ClusterListing, "__init__", broken_listing)
    for url in ["/clusters/", "/clusters/map/"] * 25:
        assert anonymous.get(url).status_code == 500
    assert len(mail.outbox) == 1

    monkeypatch.setattr(views, "render", broken_render)
    for _ in range(25):
        assert anonymous.get("/about/").status_code == 500

    assert [message.subject.split(":")[0] for message in mail.outbox] == [
        "[Django] ERROR (EXTERNAL IP)"
    ] * 2
    assert "LookupError" in mail.outbox[1].body
