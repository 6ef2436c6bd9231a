"""Suggesting a correction to a cluster's page at /clusters/<slug>/suggest/."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from clusters.models import Cluster, CorrectionSuggestion

VALID = {
    "message": "The cluster moved to Cahors in 2023; see https://example.org/news.",
    "name": "Camille Martin",
    "email": "camille@example.org",
}


@pytest.fixture
def cluster(make_cluster):
    return make_cluster(name="Figeacteurs", city="Figeac")


def suggestion_form(client, cluster):
    response = client.get(f"/clusters/{cluster.slug}/suggest/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("form", method="post")


def submit(client, cluster, **changes):
    """Send the real form, as a browser would, with the valid answers and the changes."""
    form = suggestion_form(client, cluster)
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data |= {field["name"]: field.get_text() for field in form.find_all("textarea")}
    data |= VALID | changes
    return client.post(f"/clusters/{cluster.slug}/suggest/", data)


def test_the_form_names_the_cluster_and_asks_what_to_change(anonymous, cluster):
    form = suggestion_form(anonymous, cluster)

    names = {field.get("name") for field in form.find_all(["input", "textarea"])}
    assert {"message", "name", "email", "homepage"} <= names
    page = BeautifulSoup(anonymous.get(f"/clusters/{cluster.slug}/suggest/").content, "html.parser")
    assert "Figeacteurs" in page.find("p", class_="lead").get_text()
    assert page.find("a", href=cluster.get_absolute_url())


def test_the_cluster_page_links_to_the_form(anonymous, cluster):
    page = BeautifulSoup(anonymous.get(cluster.get_absolute_url()).content, "html.parser")

    assert page.find("a", href=f"/clusters/{cluster.slug}/suggest/")


def test_a_valid_suggestion_is_stored_for_the_cluster(anonymous, cluster):
    response = submit(anonymous, cluster)

    suggestion = CorrectionSuggestion.objects.get()
    assert response.status_code == 302
    assert suggestion.cluster == cluster
    assert suggestion.message == VALID["message"]
    assert suggestion.name == "Camille Martin"
    assert suggestion.email == "camille@example.org"
    assert suggestion.status == CorrectionSuggestion.Status.NEW


def test_it_leaves_the_cluster_itself_unchanged(anonymous, cluster):
    before = Cluster.objects.values().get(pk=cluster.pk)

    submit(anonymous, cluster)

    assert Cluster.objects.values().get(pk=cluster.pk) == before


def test_after_sending_the_visitor_is_back_on_the_cluster_page_with_a_thank_you(anonymous, cluster):
    response = submit(anonymous, cluster)

    assert response["Location"] == cluster.get_absolute_url()
    page = BeautifulSoup(anonymous.get(response["Location"]).content, "html.parser")
    status = page.find(role="status")
    assert status.find(class_="messages")
    assert "Thank you" in status.get_text()
    assert page.h1.get_text(strip=True) == "Figeacteurs"


def test_the_thank_you_shows_only_once(anonymous, cluster):
    response = submit(anonymous, cluster)
    anonymous.get(response["Location"])

    page = BeautifulSoup(anonymous.get(response["Location"]).content, "html.parser")

    assert not page.find(class_="messages")


def test_it_emails_the_admins(anonymous, cluster, settings):
    settings.ADMINS = [("Staff", "staff@example.org")]

    submit(anonymous, cluster)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.org"]
    assert "Figeacteurs" in mail.outbox[0].subject
    assert VALID["message"] in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("message", ""),
        ("message", "   "),
        ("name", ""),
        ("email", ""),
        ("email", "camille at example dot org"),
        ("homepage", "https://spam.example"),
        ("name", "x" * 151),
        ("message", "Null\x00byte"),
    ],
)
def test_an_invalid_suggestion_is_shown_again_and_nothing_is_stored(
    anonymous, cluster, settings, field, value
):
    settings.ADMINS = [("Staff", "staff@example.org")]

    response = submit(anonymous, cluster, **{field: value})

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one('[role="alert"]')
    assert page.find(id=f"id_{field}_error")
    assert not CorrectionSuggestion.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "status",
    [
        Cluster.Status.DRAFT,
        Cluster.Status.PENDING,
        Cluster.Status.REJECTED,
        Cluster.Status.ARCHIVED,
    ],
)
def test_an_unpublished_cluster_takes_no_suggestions(anonymous, make_cluster, status):
    hidden = make_cluster(name="Hidden cluster", status=status)

    assert anonymous.get(f"/clusters/{hidden.slug}/suggest/").status_code == 404
    response = anonymous.post(f"/clusters/{hidden.slug}/suggest/", VALID)
    assert response.status_code == 404
    assert not CorrectionSuggestion.objects.exists()


def test_an_unknown_cluster_is_not_found(anonymous, db):
    assert anonymous.get("/clusters/no-such-cluster/suggest/").status_code == 404


def test_an_address_that_sends_too_often_is_told_to_wait(anonymous, cluster):
    for _ in range(10):
        submit(anonymous, cluster)
    response = submit(anonymous, cluster)
    assert response.status_code == 429
    assert CorrectionSuggestion.objects.count() == 10
