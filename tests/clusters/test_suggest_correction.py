"""Suggest a correction at /clusters/<slug>/suggest/: what kind of problem, about what, the
value the page shows beside the one proposed."""

import pytest
from django.core import mail

from clusters.models import Cluster, CorrectionSuggestion
from tests.pages import get_page, submit

pytestmark = pytest.mark.usefixtures("seed")

URL = "/clusters/torino-social-impact/suggest/"


def suggest(client, changes):
    page = get_page(client, URL)
    return submit(client, page, page.soup.find("form", method="post"), changes)


@pytest.fixture
def staff(settings):
    settings.STAFF_EMAILS = ["staff@example.org"]


def test_the_cluster_page_links_to_the_form(client):
    page = get_page(client, "/clusters/torino-social-impact/")
    assert page.soup.find("a", string="Suggest a correction")["href"] == URL


def test_the_form_shows_what_the_page_says_now_beside_the_proposal(client):
    page = get_page(client, URL)

    current = page.soup.find(attrs={"data-current-values": True})
    assert current.find("dd", attrs={"data-field": "place"}).get_text() == "Turin, Piedmont"
    assert current.find("dd", attrs={"data-field": "model"}).get_text() == (
        "Social innovation cluster"
    )
    kinds = [label.get_text(" ", strip=True) for label in page.soup.select(".choice-list label")]
    assert kinds == [
        "Some information is wrong or missing",
        "The cluster no longer exists",
        "It is listed twice: a duplicate of another cluster",
        "Something else",
    ]


def test_a_wrong_fact_is_stored_with_the_value_the_page_showed(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = suggest(
            client,
            {
                "kind": "wrong",
                "field": "website",
                "proposed_value": "https://www.torinosocialimpact.it",
                "email": "luca@example.org",
            },
        )

    assert sent.response.status_code == 302
    suggestion = CorrectionSuggestion.objects.get()
    assert suggestion.cluster.slug == "torino-social-impact"
    assert (suggestion.kind, suggestion.field, suggestion.current_value) == ("wrong", "website", "")
    assert suggestion.proposed_value == "https://www.torinosocialimpact.it"
    acknowledgement, staff_mail = sorted(mail.outbox, key=lambda message: message.to)
    assert staff_mail.to == ["staff@example.org"]
    assert "Which information: Website" in staff_mail.body
    assert acknowledgement.to == ["luca@example.org"]
    assert acknowledgement.subject == "We received your correction to Torino Social Impact"
    thanks = get_page(client, sent.response["Location"])
    assert thanks.soup.find(class_="messages").get_text(strip=True) == (
        "Thank you. Staff will check your correction."
    )


def test_without_an_email_nobody_is_answered(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        suggest(client, {"kind": "closed", "message": "It closed in 2024."})

    assert CorrectionSuggestion.objects.get().kind == "closed"
    assert mail.outbox == []


def test_it_leaves_the_cluster_itself_unchanged(client):
    suggest(client, {"kind": "wrong", "field": "name", "proposed_value": "Something Else"})

    assert Cluster.objects.filter(name="Torino Social Impact").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "kind"),
        ({"kind": "wrong"}, "field"),
        ({"kind": "wrong", "field": "website"}, "proposed_value"),
        ({"kind": "duplicate"}, "proposed_value"),
        ({"kind": "other"}, "message"),
        ({"kind": "wrong", "field": "nonsense", "proposed_value": "x"}, "field"),
        ({"kind": "closed", "email": "not an email"}, "email"),
        ({"kind": "closed", "message": "x" * 4001}, "message"),
        ({"kind": "gone"}, "kind"),
    ],
)
def test_an_incomplete_suggestion_is_returned_naming_what_is_missing(client, changes, field):
    returned = suggest(client, changes)

    assert returned.response.status_code == 200
    assert returned.soup.title.get_text().startswith("Error: ")
    assert returned.soup.find(id=f"id_{field}_error"), field
    assert not CorrectionSuggestion.objects.exists()


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_an_unpublished_cluster_takes_no_suggestions(client, make_cluster, status):
    make_cluster(name="Not Public", status=status)
    get_page(client, "/clusters/not-public/suggest/", status=404)


def test_sends_returned_with_errors_are_not_counted_but_accepted_ones_are(client):
    for _ in range(10):
        suggest(client, {"kind": "other"})
    for _ in range(10):
        assert suggest(client, {"kind": "closed"}).response.status_code == 302

    refused = suggest(client, {"kind": "closed"})

    assert refused.response.status_code == 429
    assert CorrectionSuggestion.objects.count() == 10
