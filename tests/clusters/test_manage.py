"""A cluster keeps its own entry true through a signed link sent to its address on file."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from clusters.models import Cluster, Organisation
from clusters.services.members import set_members
from clusters.services.self_service import MANAGE_LINK_SALT, manage_token, manage_url
from tests.pages import form_fields, get_page, submit

pytestmark = pytest.mark.usefixtures("seed")

CONTACT = "coordination@torino.example"


@pytest.fixture
def cluster():
    cluster = Cluster.objects.get(slug="torino-social-impact")
    cluster.submitter_email = CONTACT
    cluster.save()
    Organisation.objects.create(name="Comune di Torino", country="IT", type="local_authority")
    set_members(
        cluster,
        [
            {"name": "Comune di Torino", "type": "local_authority", "country": "IT"},
            {"name": "Cooperativa Alfa", "type": "social_economy_enterprise", "country": "IT"},
        ],
    )
    return cluster


@pytest.fixture
def staff(settings):
    settings.STAFF_EMAILS = ["staff@example.org"]


def ask_for_link(client, slug, email):
    page = get_page(client, f"/clusters/{slug}/manage/")
    return submit(client, page, page.soup.find("form", method="post"), {"email": email})


def link_in(message):
    return re.search(r"http://127\.0\.0\.1:8000(/clusters/\S+/manage/\S+/)", message.body)[1]


def test_the_cluster_page_offers_a_link_without_showing_the_address(client, cluster):
    page = get_page(client, "/clusters/torino-social-impact/")

    link = page.soup.find("a", string="Get a link to update it")
    assert link["href"] == "/clusters/torino-social-impact/manage/"
    assert CONTACT not in page.response.content.decode()


def test_a_cluster_with_no_address_on_file_is_offered_a_correction_instead(client):
    page = get_page(client, "/clusters/figeacteurs/")
    assert page.soup.find("p", class_="own-entry").find("a")["href"] == (
        "/clusters/figeacteurs/suggest/"
    )

    request_page = get_page(client, "/clusters/figeacteurs/manage/")
    assert not request_page.soup.find("form", method="post")
    assert request_page.soup.find("a", href="/clusters/figeacteurs/suggest/")
    assert (
        client.post("/clusters/figeacteurs/manage/", {"email": "x@example.org"}).status_code == 200
    )
    assert not mail.outbox


def test_the_link_goes_to_the_address_on_file_only(client, cluster):
    said = []
    for email in (CONTACT.upper(), "someone@else.example"):
        sent = ask_for_link(client, cluster.slug, email)
        answer = get_page(client, sent.response["Location"])
        said.append(answer.soup.find(class_="messages").get_text(" ", strip=True))

    assert [message.to for message in mail.outbox] == [[CONTACT]]
    assert mail.outbox[0].subject == "Your link to update Torino Social Impact"
    assert said[0] == said[1], "the answer never tells which address is on file"


def test_asking_for_links_is_rate_limited(client, cluster):
    for _ in range(10):
        ask_for_link(client, cluster.slug, "guess@example.org")

    assert ask_for_link(client, cluster.slug, CONTACT).response.status_code == 429
    assert not mail.outbox


def test_the_link_opens_the_clusters_own_page(client, cluster):
    ask_for_link(client, cluster.slug, CONTACT)

    page = get_page(client, link_in(mail.outbox[0]))

    assert page.soup.h1.get_text() == "Update Torino Social Impact"
    assert page.soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps({"cluster": 1, "contact": "x"}, salt=MANAGE_LINK_SALT),
        lambda token: "not-a-token",
    ],
    ids=["altered", "forged-content", "garbage"],
)
def test_a_tampered_link_does_not_work(client, cluster, tamper):
    page = get_page(
        client, f"/clusters/{cluster.slug}/manage/{tamper(manage_token(cluster))}/", status=403
    )

    assert page.soup.h1.get_text() == "This link does not work"
    assert page.soup.find("a", string="Ask for a new link")


def test_a_link_for_another_cluster_does_not_work(client, cluster):
    other = Cluster.objects.get(slug="impact-noord")
    other.submitter_email = CONTACT
    other.save()

    get_page(client, f"/clusters/{cluster.slug}/manage/{manage_token(other)}/", status=403)


def test_a_link_stops_working_when_the_address_on_file_changes(client, cluster):
    token = manage_token(cluster)
    cluster.submitter_email = "new@torino.example"
    cluster.save()

    get_page(client, f"/clusters/{cluster.slug}/manage/{token}/", status=403)


def test_a_link_expires_after_seven_days(client, cluster):
    with time_machine.travel("2026-03-01 10:00 +00:00", tick=False):
        token = manage_token(cluster)
    with time_machine.travel("2026-03-08 09:59 +00:00", tick=False):
        get_page(client, f"/clusters/{cluster.slug}/manage/{token}/")
    with time_machine.travel("2026-03-08 10:01 +00:00", tick=False):
        page = get_page(client, f"/clusters/{cluster.slug}/manage/{token}/", status=403)

    assert page.soup.h1.get_text() == "This link has expired"


def test_a_link_dated_in_the_future_does_not_work(client, cluster):
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        token = manage_token(cluster)

    page = get_page(client, f"/clusters/{cluster.slug}/manage/{token}/", status=403)

    assert page.soup.h1.get_text() == "This link does not work"


def test_whoever_holds_a_link_cannot_confirm_a_guess_of_the_address_on_file(cluster):
    named = signing.loads(manage_token(cluster), salt=MANAGE_LINK_SALT)["contact"]

    # An unkeyed hash of the address would let a guess be checked against the link.
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert digest(CONTACT.encode()).hexdigest()[:16] != named


def test_confirming_sets_last_verified_and_turns_guesses_into_facts(client, cluster):
    page = get_page(client, manage_url(cluster))
    confirm = page.soup.find("input", attrs={"value": "confirm"}).find_parent("form")

    done = submit(client, page, confirm)

    assert done.response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.last_verified_at is not None
    assert cluster.model_from == "confirmed"
    assert cluster.activity_status == "active"
    shown = get_page(client, "/clusters/torino-social-impact/")
    assert "Not yet verified" not in shown.text
    assert not shown.soup.find(class_="guess-mark")


def edit_form(page):
    return page.soup.find("input", attrs={"value": "update"}).find_parent("form")


def test_changes_go_live_at_once_and_staff_are_told(
    client, cluster, staff, django_capture_on_commit_callbacks
):
    page = get_page(client, manage_url(cluster))
    form = edit_form(page)
    assert form_fields(form)["members-0-name"] == ["Comune di Torino"]

    with django_capture_on_commit_callbacks(execute=True):
        done = submit(
            client,
            page,
            form,
            {
                "short_description": "Turin's social impact ecosystem.",
                "website": "torinosocialimpact.example",
                "members-1-name": "Cooperativa Beta",
                "members-2-name": "Politecnico di Torino",
                "members-2-type": "education_research",
            },
        )

    assert done.response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.short_description == "Turin's social impact ecosystem."
    assert cluster.website == "https://torinosocialimpact.example"
    assert cluster.last_verified_at is not None
    assert sorted(cluster.memberships.values_list("organisation__name", flat=True)) == [
        "Comune di Torino", "Cooperativa Beta", "Politecnico di Torino",
    ]  # fmt: skip
    public = get_page(client, "/clusters/torino-social-impact/")
    assert "Turin's social impact ecosystem." in public.text
    assert "Politecnico di Torino" in public.text
    [notice] = mail.outbox
    assert notice.to == ["staff@example.org"]
    assert "Short description" in notice.body and "Members" in notice.body


def test_a_member_can_be_removed(client, cluster):
    page = get_page(client, manage_url(cluster))

    submit(
        client,
        page,
        edit_form(page),
        {"members-1-DELETE": "on", "members-2-name": "Gamma", "members-2-type": "other"},
    )

    assert sorted(cluster.memberships.values_list("organisation__name", flat=True)) == [
        "Comune di Torino", "Gamma",
    ]  # fmt: skip


def test_a_wrong_change_is_returned_with_the_reason_and_changes_nothing(client, cluster):
    page = get_page(client, manage_url(cluster))

    returned = submit(client, page, edit_form(page), {"name": "", "website": "javascript:x"})

    assert returned.response.status_code == 200
    assert returned.soup.title.get_text().startswith("Error: ")
    cluster.refresh_from_db()
    assert cluster.name == "Torino Social Impact"
    assert cluster.last_verified_at is None


def test_moving_the_city_moves_the_cluster_on_the_map(client, cluster):
    page = get_page(client, manage_url(cluster))

    submit(client, page, edit_form(page), {"city": "Milano", "region": "Lombardy"})

    cluster.refresh_from_db()
    assert (float(cluster.latitude), float(cluster.longitude)) == pytest.approx(
        (45.46, 9.19), abs=0.01
    )


def test_the_cluster_joins_thematic_areas_at_once(client, cluster):
    from themes.models import ThematicArea

    skills = ThematicArea.objects.get(slug="skills")
    page = get_page(client, manage_url(cluster))

    submit(client, page, edit_form(page), {"thematic_areas": [str(skills.pk)]})

    assert list(cluster.thematic_areas.all()) == [skills]
    assert get_page(client, "/clusters/?theme=skills").context["listing"].total == 1


def test_a_manage_link_is_only_for_published_clusters(client, cluster):
    token = manage_token(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(status=Cluster.Status.ARCHIVED)

    get_page(client, f"/clusters/{cluster.slug}/manage/{token}/", status=404)


def test_the_link_lasts_seven_days(cluster):
    signed = manage_token(cluster)
    assert (
        signing.loads(signed, salt=MANAGE_LINK_SALT, max_age=timedelta(days=7))["cluster"]
        == cluster.pk
    )
