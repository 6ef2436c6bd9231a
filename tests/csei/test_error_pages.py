"""Requests the site refuses before any view reads them get the site's own pages, saying
what to do; and a form with all the members it offers is not one of them."""

import socket

import pytest
from bs4 import BeautifulSoup
from gunicorn import util

from clusters.member_forms import MAX_MEMBERS
from clusters.models import Cluster
from csei.gunicorn import use_site_pages
from tests.clusters.test_register import VALID, registration_page
from tests.pages import form_fields, submit

pytestmark = pytest.mark.usefixtures("seed")


def every_box_ticked_and_members(page, members):
    """The registration as a browser sends it with JavaScript: every member row added has
    its five fields, empty or not, and here every box of the form is ticked."""
    form = page.soup.find("form", method="post")
    answers = {**VALID, "members-TOTAL_FORMS": str(members)}
    for box in form.find_all("input", type="checkbox"):
        if box["name"] != "consent":
            answers.setdefault(box["name"], []).append(box.get("value", "on"))
    for number in range(members):
        answers |= {
            f"members-{number}-name": f"Member {number}",
            f"members-{number}-type": "civil_society",
            f"members-{number}-role": "",
            f"members-{number}-website": "",
            f"members-{number}-country": "",
        }
    return form, answers


def test_a_registration_with_every_member_it_offers_is_taken(anonymous):
    page = registration_page(anonymous)
    form, answers = every_box_ticked_and_members(page, MAX_MEMBERS)
    assert len(form_fields(form)) + 5 * MAX_MEMBERS > 1000

    sent = submit(anonymous, page, form, answers)

    assert sent.response.status_code == 302
    assert Cluster.objects.get(name=VALID["name"]).memberships.count() == MAX_MEMBERS


def test_a_form_past_the_fields_a_request_may_carry_gets_the_site_page_saying_what_to_do(
    anonymous, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    page = registration_page(anonymous)
    form, answers = every_box_ticked_and_members(page, 30)

    sent = submit(anonymous, page, form, answers)

    assert sent.response.status_code == 400
    assert sent.soup.find("link", rel="stylesheet")["href"].endswith(".css")
    assert sent.soup.h1.get_text() == "The form sent more than the site takes at once"
    assert "Back button" in sent.text
    assert not Cluster.objects.filter(name=VALID["name"]).exists()


def test_any_other_bad_request_gets_the_site_page(client):
    response = client.get("/", HTTP_HOST="bad host")

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "The site could not understand that request"


@pytest.mark.parametrize(
    "status, reason, heading",
    [
        (414, "URI Too Long", "That address is too long"),
        (431, "Request Header Fields Too Large", "The site could not understand that request"),
    ],
)
def test_what_gunicorn_refuses_itself_gets_the_site_page(monkeypatch, status, reason, heading):
    monkeypatch.setattr(util, "write_error", util.write_error)
    use_site_pages()
    server, client = socket.socketpair()

    with server, client:
        util.write_error(server, status, reason, "")
        server.shutdown(socket.SHUT_WR)
        answer = b"".join(iter(lambda: client.recv(65536), b""))

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} {reason}\r\n".encode())
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text() == heading
    assert page.find("link", rel="stylesheet")
