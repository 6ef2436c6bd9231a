"""An entry's publication status changes only through moderation, wherever staff change it,
so that every publication e-mails the person who registered the cluster, once."""

import pytest
from django.core import mail

from clusters.models import Cluster
from tests.clusters.test_admin import change_form
from tests.clusters.test_import_export import confirm, export, preview, rows_of
from tests.clusters.test_register import VALID, register

pytestmark = pytest.mark.usefixtures("seed")


@pytest.fixture
def registration(client):
    """A registration waiting for review, sent through the public form."""
    register(client)
    mail.outbox.clear()
    return Cluster.objects.get(name=VALID["name"])


def publication_mails():
    return [message for message in mail.outbox if "is in the CSEI Directory" in message.subject]


def test_the_change_form_cannot_set_the_status_itself(
    editor, registration, django_capture_on_commit_callbacks
):
    url, data = change_form(editor, registration)

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "status": "published"})

    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PENDING
    assert mail.outbox == []


def test_publishing_from_the_change_form_mails_the_submitter_once(
    editor, registration, django_capture_on_commit_callbacks
):
    url, data = change_form(editor, registration)

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "_publish": "Publish"})

    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PUBLISHED
    [message] = publication_mails()
    assert message.to == [VALID["submitter_email"]]


def test_publishing_by_import_mails_the_submitter_once(
    editor, registration, django_capture_on_commit_callbacks
):
    [row] = rows_of(export(editor, "?status__exact=pending"))
    assert row["status"] == "pending"
    content = export(editor, "?status__exact=pending").replace(b",pending,", b",published,")

    with django_capture_on_commit_callbacks(execute=True):
        confirm(editor, preview(editor, content))

    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PUBLISHED
    assert registration.history.first().history_change_reason == "Spreadsheet import"
    [message] = publication_mails()
    assert message.to == [VALID["submitter_email"]]

    # The same file again changes nothing, and mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        confirm(editor, preview(editor, content))
    assert len(publication_mails()) == 1


def test_an_import_cannot_reject_without_the_reason_the_form_asks_for(editor, registration):
    content = export(editor, "?status__exact=pending").replace(b",pending,", b",rejected,")

    page = preview(editor, content)

    assert "Reject an entry from its form in the admin" in page.get_text()
    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PENDING
    assert mail.outbox == []
