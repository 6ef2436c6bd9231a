"""The registration form at /clusters/register/, re-posted as a browser would send it."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from clusters.models import Cluster, FieldOfActivity, Membership, Organisation

pytestmark = pytest.mark.usefixtures("empty_directory")

URL = "/clusters/register/"

VALID = {
    "name": "Pôle Coopératif du Lot",
    "short_description": "Cooperatives and the town hall work together on local food.",
    "country": "FR",
    "model": "ptce",
    "legal_structure": "association",
    "initiated_by": "grassroots",
    "submitter_name": "Camille Martin",
    "submitter_email": "camille@example.org",
    "consent": "on",
}


def browser_form_data(form):
    """What a browser sends for this form untouched: values, ticked boxes, selected options."""
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")] or options[:1]
            if chosen:
                data[name] = chosen[0].get("value", chosen[0].get_text())
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "reset", "image"):
            data[name] = field.get("value", "")
    return data


def registration_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("form", method="post")


def submit(client, **changes):
    """Fill in the real form with the valid answers, apply the changes, and send it."""
    data = browser_form_data(registration_form(client)) | VALID | changes
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(URL, data)


def assert_rejected(response, field):
    """The form came back saying what is wrong with `field`, and nothing was saved."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('[role="alert"]'), "the page says something went wrong"
    errors = {
        error["id"].removeprefix("id_").removesuffix("_error"): error.get_text(strip=True)
        for error in soup.select(".field-error")
    }
    assert field in errors, errors
    assert not Cluster.objects.exists()
    assert not Organisation.objects.exists()
    return errors


@pytest.fixture
def admins(settings):
    settings.ADMINS = [("Staff", "staff@example.org")]


def test_the_form_renders_with_every_field_a_cluster_needs(anonymous, db):
    form = registration_form(anonymous)
    names = {field.get("name") for field in form.find_all(["input", "select", "textarea"])}
    assert set(VALID) | {"members", "homepage", "csrfmiddlewaretoken"} <= names
    for name in ("name", "short_description", "country", "submitter_email"):
        label = form.find("label", attrs={"for": f"id_{name}"})
        assert "(required)" in label.get_text(), name


def test_the_honeypot_field_is_hidden_from_people(anonymous, db):
    form = registration_form(anonymous)
    honeypot = form.find("input", attrs={"name": "homepage"})
    assert honeypot["tabindex"] == "-1"
    assert "honeypot" in honeypot.find_parent("div")["class"]


def test_a_valid_registration_creates_a_pending_cluster_for_review(anonymous, db):
    response = submit(
        anonymous, region="Occitanie", city="Figeac", year_founded="2015", website="figeac.fr"
    )

    cluster = Cluster.objects.get()
    assert response.status_code == 302
    assert cluster.name == VALID["name"]
    assert cluster.slug == "pole-cooperatif-du-lot"
    assert cluster.country.code == "FR"
    assert cluster.city == "Figeac"
    assert cluster.year_founded == 2015
    assert cluster.website == "https://figeac.fr"
    assert cluster.model == Cluster.Model.PTCE
    assert cluster.status == Cluster.Status.PENDING
    assert cluster.source == Cluster.Source.REGISTRATION
    assert cluster.needs_review is True
    assert cluster.published_at is None
    assert cluster.submitter_email == "camille@example.org"


def test_the_form_carries_its_protection_against_forgery(db):
    browser = Client(enforce_csrf_checks=True)

    assert submit(browser).status_code == 302
    assert Cluster.objects.count() == 1


def test_a_post_from_elsewhere_without_the_form_token_is_refused(db):
    response = Client(enforce_csrf_checks=True).post(URL, VALID)

    assert response.status_code == 403
    assert not Cluster.objects.exists()


def test_it_keeps_the_ticked_fields_of_activity(anonymous, db):
    ecology = FieldOfActivity.objects.get(name="Ecology")

    submit(anonymous, fields_of_activity=[str(ecology.pk)])

    assert list(Cluster.objects.get().fields_of_activity.all()) == [ecology]


def test_it_redirects_to_the_thanks_page_naming_the_cluster(anonymous, db):
    response = submit(anonymous)

    assert response.status_code == 302
    assert response["Location"].startswith("/clusters/register/thanks/")
    thanks = anonymous.get(response["Location"])
    assert thanks.status_code == 200
    heading = BeautifulSoup(thanks.content, "html.parser").h1.get_text()
    assert VALID["name"] in heading


def test_a_registered_cluster_stays_out_of_public_view_until_published(anonymous, db):
    submit(anonymous)
    cluster = Cluster.objects.get()

    listing = BeautifulSoup(anonymous.get("/clusters/").content, "html.parser")
    assert VALID["name"] not in listing.get_text()
    assert not listing.find("a", href=cluster.get_absolute_url())
    assert anonymous.get(cluster.get_absolute_url()).status_code == 404
    assert anonymous.get(f"/clusters/{cluster.slug}/suggest/").status_code == 404
    assert VALID["name"] not in anonymous.get("/clusters/export.csv").content.decode()


def test_members_are_linked_to_the_organisation_of_the_same_name_and_country(anonymous, db):
    existing = Organisation.objects.create(name="Mairie de Figeac", country="FR")
    elsewhere = Organisation.objects.create(name="Coop Lotoise", country="BE")

    submit(anonymous, members="mairie de FIGEAC\nCoop Lotoise\n")

    cluster = Cluster.objects.get()
    members = {membership.organisation for membership in cluster.memberships.all()}
    created = Organisation.objects.get(name="Coop Lotoise", country="FR")
    assert members == {existing, created}
    assert elsewhere not in members
    assert Organisation.objects.count() == 3


def test_repeated_member_lines_give_one_membership_each(anonymous, db):
    submit(anonymous, members="Coop A\n  coop   a \n\nCOOP A\nCoop B\n   \nCoop B\n")

    names = sorted(Membership.objects.values_list("organisation__name", flat=True))
    assert names == ["Coop A", "Coop B"]
    assert Organisation.objects.count() == 2


def test_it_accepts_two_hundred_members(anonymous, db):
    members = "\n".join(f"Member {number}" for number in range(200))

    response = submit(anonymous, members=members)

    assert response.status_code == 302
    assert Cluster.objects.get().memberships.count() == 200


def test_it_emails_the_admins_once_the_registration_is_saved(
    anonymous, db, admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(anonymous)

    cluster = Cluster.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@example.org"]
    assert VALID["name"] in message.subject
    assert "camille@example.org" in message.body
    assert f"/admin/clusters/cluster/{cluster.pk}/" in message.body


def test_the_email_to_the_admins_links_to_the_entry_with_the_full_address(
    anonymous, db, admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(anonymous)

    cluster = Cluster.objects.get()
    assert f"{settings.SITE_URL}/admin/clusters/cluster/{cluster.pk}/" in mail.outbox[0].body


def test_no_email_is_sent_for_a_rejected_form(
    anonymous, db, admins, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(anonymous, consent=None)

    assert mail.outbox == []


@pytest.mark.parametrize("field", list(VALID))
def test_it_rejects_a_form_without_a_required_answer(anonymous, db, field):
    response = submit(anonymous, **{field: ""})

    assert_rejected(response, field)


def test_it_rejects_an_eccp_profile_without_the_eccp_registration(anonymous, db):
    response = submit(anonymous, eccp_profile_url="https://ec.europa.eu/eccp/profile/1")

    errors = assert_rejected(response, "eccp_profile_url")
    assert "ECCP" in errors["eccp_profile_url"]


def test_it_accepts_an_eccp_profile_with_the_eccp_registration(anonymous, db):
    response = submit(
        anonymous, eccp_registered="yes", eccp_profile_url="ec.europa.eu/eccp/profile/1"
    )

    assert response.status_code == 302
    cluster = Cluster.objects.get()
    assert cluster.eccp_registered == "yes"
    assert cluster.eccp_profile_url == "https://ec.europa.eu/eccp/profile/1"


def test_it_rejects_a_founding_year_in_the_future(anonymous, db):
    response = submit(anonymous, year_founded=str(timezone.now().year + 1))

    assert_rejected(response, "year_founded")


def test_it_rejects_a_filled_honeypot(anonymous, db):
    response = submit(anonymous, homepage="https://spam.example")

    assert_rejected(response, "homepage")


def test_it_rejects_more_than_two_hundred_members(anonymous, db):
    members = "\n".join(f"Member {number}" for number in range(201))

    response = submit(anonymous, members=members)

    errors = assert_rejected(response, "members")
    assert "200" in errors["members"]


def test_the_rejected_form_keeps_what_was_typed(anonymous, db):
    response = submit(anonymous, consent=None, members="Coop A\nCoop B")

    form = BeautifulSoup(response.content, "html.parser").find("form", method="post")
    assert form.find("input", attrs={"name": "name"})["value"] == VALID["name"]
    assert form.find("textarea", attrs={"name": "members"}).get_text().strip() == "Coop A\nCoop B"
    country = form.find("select", attrs={"name": "country"})
    assert country.find("option", selected=True)["value"] == "FR"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "ZZ"),
        ("model", "franchise"),
        ("legal_structure", "<script>"),
        ("initiated_by", "aliens"),
        ("year_founded", "abc"),
        ("year_founded", "1066"),
        ("year_founded", "99999999999999999999"),
        ("member_count", "-1"),
        ("member_count", "1" + "0" * 20),
        ("fields_of_activity", "not-a-number"),
        ("fields_of_activity", "999999"),
        ("website", "javascript:alert(1)"),
        ("submitter_email", "not an email"),
        ("contact_email", "@"),
        ("name", "x" * 201),
        ("name", "Null\x00byte"),
        ("short_description", "x" * 301),
    ],
)
def test_garbage_gives_a_form_error_and_never_a_server_error(anonymous, db, field, value):
    response = submit(anonymous, **{field: value})

    assert_rejected(response, field)


def test_a_member_name_longer_than_an_organisation_name_is_rejected(anonymous, db):
    response = submit(anonymous, members="Coop A\n" + "x" * 201)

    assert_rejected(response, "members")


@pytest.mark.parametrize("name", ["Map", "Register"])
def test_a_cluster_named_like_a_page_of_the_site_still_gets_its_own_page(anonymous, db, name):
    submit(anonymous, name=name)
    cluster = Cluster.objects.get()
    cluster.status = Cluster.Status.PUBLISHED
    cluster.save()

    page = BeautifulSoup(anonymous.get(cluster.get_absolute_url()).content, "html.parser")

    assert page.h1.get_text(strip=True) == name


def test_the_thanks_page_cannot_be_made_to_name_a_cluster_by_a_link(anonymous, db):
    response = anonymous.get("/clusters/register/thanks/", {"name": "Fake Cluster"})
    assert "Fake Cluster" not in response.content.decode()


def test_an_address_that_sends_too_often_is_told_to_wait_and_nothing_is_saved(anonymous, db):
    for _ in range(10):
        submit(anonymous, name="")
    response = submit(anonymous)
    assert response.status_code == 429
    assert (
        "try again later"
        in BeautifulSoup(response.content, "html.parser").find(role="alert").get_text()
    )
    assert not Cluster.objects.exists()


def test_behind_a_proxy_each_visitor_has_their_own_limit(anonymous, db, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(10):
        anonymous.post(URL, {}, HTTP_X_REAL_IP="192.0.2.1")
    assert anonymous.post(URL, {}, HTTP_X_REAL_IP="192.0.2.1").status_code == 429
    assert anonymous.post(URL, {}, HTTP_X_REAL_IP="192.0.2.2").status_code == 200
