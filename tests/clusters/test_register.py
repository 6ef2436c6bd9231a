"""The registration form at /clusters/register/, filled in and sent as a browser would."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.geocoding import locate
from clusters.models import Cluster, FieldOfActivity, Membership, Organisation
from tests.pages import form_fields, get_page, submit
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("empty_directory")

URL = "/clusters/register/"

VALID = {
    "name": "Pôle Coopératif du Lot",
    "short_description": "Cooperatives and the town hall work together on local food.",
    "country": "FR",
    "city": "Cahors",
    "model": "ptce",
    "submitter_name": "Camille Martin",
    "submitter_email": "camille@example.org",
    "consent": "on",
    "members-0-name": "Mairie de Cahors",
    "members-0-type": "local_authority",
    "members-0-role": "founding_member",
    "members-1-name": "Coop A",
    "members-1-type": "social_economy_enterprise",
}


def registration_page(client):
    return get_page(client, URL)


def register(client, **changes):
    """Fill the real form with the valid answers, apply `changes` (None clears a field)."""
    page = registration_page(client)
    answers = {**VALID, **changes}
    answers = {name: [] if value is None else value for name, value in answers.items()}
    return submit(client, page, page.soup.find("form", method="post"), answers)


def error_messages(page):
    return {
        error["id"].removeprefix("id_").removesuffix("_error"): error.get_text(strip=True)
        for error in page.soup.select(".field-error")
    }


def assert_rejected(page, field):
    """The form came back naming `field`, with the summary, and nothing was saved."""
    assert page.response.status_code == 200
    assert page.soup.title.get_text().startswith("Error: ")
    summary = page.soup.find(attrs={"data-error-summary": True})
    assert summary is not None and summary["role"] == "alert"
    assert field in error_messages(page), error_messages(page)
    assert not Cluster.objects.exists()
    assert not Organisation.objects.exists()
    assert not mail.outbox


@pytest.fixture
def staff(settings):
    settings.STAFF_EMAILS = ["staff@example.org"]


def test_a_valid_registration_creates_a_pending_cluster_with_typed_members(anonymous, staff):
    page = register(
        anonymous, region="Occitanie", year_founded="2015", website="cahors.example.org"
    )

    assert page.response.status_code == 302
    cluster = Cluster.objects.get()
    assert cluster.name == VALID["name"]
    assert cluster.status == Cluster.Status.PENDING
    assert cluster.source == Cluster.Source.REGISTRATION
    assert cluster.published_at is None
    assert cluster.website == "https://cahors.example.org"
    assert cluster.year_founded == 2015
    assert cluster.country_from == cluster.place_from == cluster.model_from == "confirmed"
    members = {
        (membership.organisation.name, membership.organisation.type, membership.role)
        for membership in cluster.memberships.select_related("organisation")
    }
    assert members == {
        ("Mairie de Cahors", "local_authority", "founding_member"),
        ("Coop A", "social_economy_enterprise", "member"),
    }
    assert set(cluster.member_types.split()) == {"local_authority", "social_economy_enterprise"}


def test_the_place_gives_the_coordinates(anonymous):
    register(anonymous, country="SE", region="Örebro County", city="Örebro")

    cluster = Cluster.objects.get()
    assert (float(cluster.latitude), float(cluster.longitude)) == pytest.approx(
        (59.27, 15.21), abs=0.01
    )
    assert cluster.location_precision == "city"


def test_a_pin_moved_by_the_person_is_kept_as_the_exact_place(anonymous):
    register(anonymous, latitude="44.44731", longitude="1.44089")

    cluster = Cluster.objects.get()
    assert (str(cluster.latitude), str(cluster.longitude)) == ("44.44731", "1.44089")
    assert cluster.location_precision == "city"


def test_an_unknown_place_leaves_the_cluster_at_its_country(anonymous):
    register(anonymous, city="Nowhere-sur-Rien", region="")

    cluster = Cluster.objects.get()
    assert cluster.latitude is None and cluster.longitude is None
    assert cluster.location_precision == "country"


@pytest.mark.parametrize(
    ("country", "region", "city", "precision", "near"),
    [
        ("SE", "", "Orebro", "city", (59.27, 15.21)),
        ("PL", "Podlaskie", "Łomża", "city", (53.18, 22.06)),
        ("PL", "", "WAŁBRZYCH", "city", (50.77, 16.28)),
        ("UA", "", "Ivano Frankivsk", "city", (48.92, 24.71)),
        ("IT", "", "Turin", "city", (45.07, 7.69)),
        ("ES", "Región de Murcia", "", "region", (37.99, -1.13)),
        ("FI", "Lapland", "", "country", None),
    ],
)
def test_seed_places_with_accents_are_found_offline(country, region, city, precision, near):
    latitude, longitude, found_precision = locate(country, region, city)

    assert found_precision == precision
    if near:
        assert (latitude, longitude) == pytest.approx(near, abs=0.01)
    else:
        assert latitude is None and longitude is None


def test_a_member_of_the_same_name_and_country_is_linked_to_the_existing_organisation(
    anonymous, make_cluster
):
    existing = Organisation.objects.create(name="Spółdzielnia Łąka", country="PL", type="other")
    Membership.objects.create(cluster=make_cluster(name="Older"), organisation=existing)

    register(
        anonymous,
        country="PL",
        **{
            "members-0-name": "SPOLDZIELNIA  laka",
            "members-0-type": "social_economy_enterprise",
            "members-1-country": "Germany",
        },
    )

    cluster = Cluster.objects.get(name=VALID["name"])
    assert cluster.memberships.filter(organisation=existing).exists()
    existing.refresh_from_db()
    assert existing.type == "social_economy_enterprise", "the register learns the type"
    assert Organisation.objects.filter(name_key="spoldzielnia laka").count() == 1
    # A member in another country is another organisation, even of the same name.
    assert Organisation.objects.get(name="Coop A").country == "DE"


def test_the_same_organisation_named_twice_is_refused(anonymous):
    page = register(anonymous, **{"members-1-name": "MAIRIE de cahors"})

    assert_rejected(page, "members-1-name")


def test_themes_and_taxonomies_are_joined_as_ticked(anonymous):
    skills = ThematicArea.objects.get(slug="skills")
    ecology = FieldOfActivity.objects.get(slug="ecology")

    register(anonymous, thematic_areas=[str(skills.pk)], fields_of_activity=[str(ecology.pk)])

    cluster = Cluster.objects.get()
    assert list(cluster.thematic_areas.all()) == [skills]
    assert list(cluster.fields_of_activity.all()) == [ecology]


def test_it_sends_the_submitter_a_confirmation_and_tells_staff(
    anonymous, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anonymous)

    cluster = Cluster.objects.get()
    confirmation, notification = mail.outbox
    assert confirmation.to == ["camille@example.org"]
    assert (
        confirmation.subject
        == f"We received your registration: {cluster.name} ({cluster.reference})"
    )
    assert cluster.reference in confirmation.body
    assert "What happens next" in confirmation.body
    html = confirmation.alternatives[0]
    assert html.mimetype == "text/html" and cluster.reference in html.content
    assert notification.to == ["staff@example.org"]
    assert f"http://127.0.0.1:8000/admin/clusters/cluster/{cluster.pk}/change/" in notification.body


def test_the_thanks_page_gives_the_reference_and_what_happens_next(anonymous):
    page = register(anonymous)
    thanks = get_page(anonymous, page.response["Location"])

    reference = Cluster.objects.get().reference
    assert f"“{VALID['name']}” is registered" in thanks.text
    assert reference in thanks.text
    assert "What happens next" in thanks.text


def test_a_registered_cluster_stays_out_of_public_view_until_published(anonymous):
    register(anonymous)

    get_page(anonymous, Cluster.objects.get().get_absolute_url(), status=404)


@pytest.mark.parametrize(
    "field",
    ["name", "short_description", "country", "model", "submitter_name", "submitter_email",
     "consent"],
)  # fmt: skip
def test_each_required_answer_is_asked_for_by_name(anonymous, field):
    page = register(anonymous, **{field: None})

    assert_rejected(page, field)
    link = page.soup.find(attrs={"data-error-summary": True}).find(
        "a", href=f"#id_{field}" + ("_0" if field == "model" else "")
    )
    assert link is not None, "the summary links to the field"


def test_fewer_than_two_members_is_refused(anonymous):
    page = register(anonymous, **{"members-1-name": None, "members-1-type": None})

    assert_rejected(page, "members-1-name")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "ZZ"),
        ("model", "franchise"),
        ("legal_structure", "<script>"),
        ("initiated_by", "aliens"),
        ("eccp_registered", "maybe"),
        ("year_founded", "abc"),
        ("year_founded", "1066"),
        ("year_founded", "99999999999999999999"),
        ("member_count", "-1"),
        ("fields_of_activity", "999999"),
        ("thematic_areas", "not-a-number"),
        ("website", "javascript:alert(1)"),
        ("submitter_email", "not an email"),
        ("contact_email", "@"),
        ("name", "x" * 201),
        ("short_description", "x" * 301),
        ("description", "x" * 5001),
        ("region", "x" * 151),
        ("members-0-name", "x" * 201),
        ("members-0-type", "robot"),
        ("members-0-website", "ftp://files"),
        ("members-0-country", "QQ"),
        # Without "registered"; and, below, not on the platform's domain.
        ("eccp_profile_url", "https://www.clustercollaboration.eu/cluster-organisations/1"),
        ("eccp_profile_url", "https://ec.europa.eu/eccp/1"),
        ("consent", "off"),
    ],
)
def test_a_wrong_answer_is_refused_by_name_and_never_a_server_error(anonymous, field, value):
    page = register(anonymous, **{field: value})

    assert_rejected(page, field)


def test_an_eccp_profile_is_kept_with_a_yes(anonymous):
    register(
        anonymous,
        eccp_registered="yes",
        eccp_profile_url="www.clustercollaboration.eu/cluster-organisations/1",
    )

    cluster = Cluster.objects.get()
    assert cluster.eccp_registered == "yes"
    assert cluster.eccp_profile_url == (
        "https://www.clustercollaboration.eu/cluster-organisations/1"
    )


def test_answers_left_out_are_recorded_as_not_known(anonymous):
    register(anonymous)

    cluster = Cluster.objects.get()
    assert cluster.eccp_registered == "unknown"
    assert cluster.legal_structure == "unknown"
    assert cluster.initiated_by == "unknown"


def test_control_characters_are_taken_out_of_names(anonymous):
    register(anonymous, name="Pôle\u202e Coopératif\u200b du Lot\x00")

    assert Cluster.objects.get().name == "Pôle Coopératif du Lot"


def test_spaces_doubled_in_the_name_are_made_single(anonymous):
    register(anonymous, name="  Pôle   Coopératif \t du Lot ")

    assert Cluster.objects.get().name == "Pôle Coopératif du Lot"


def test_the_form_marks_required_only_what_is_required_and_chooses_nothing(anonymous):
    form = registration_page(anonymous).soup.find("form", method="post")

    required = {
        label.get("for") or label.find_parent("fieldset").legend.get_text()
        for label in form.find_all(["label", "legend"])
        if label.find(class_="required")
    }
    assert required == {
        "id_name", "id_short_description", "id_description_language", "id_country",
        "Model (required)", "id_submitter_name", "id_submitter_email", "id_consent",
        "id_members-0-name", "id_members-0-type", "id_members-1-name", "id_members-1-type",
    }  # fmt: skip
    chosen = {
        name: values
        for name, values in form_fields(form).items()
        if values not in ([""], []) and not name.startswith(("csrf", "members-"))
    }
    # Only the language of the texts is chosen for the person: that of the page.
    assert chosen == {"description_language": ["en"]}


def test_every_text_field_has_a_maximum_length(anonymous):
    form = registration_page(anonymous).soup.find("form", method="post")

    for field in form.find_all(["input", "textarea"]):
        if field.get("type") in ("hidden", "checkbox", "radio", "submit", "button"):
            continue
        if field.get("type") == "number":
            continue
        assert field.get("maxlength"), field.get("name")


def test_the_rejected_form_keeps_what_was_typed(anonymous):
    page = register(anonymous, consent=None, region="Occitanie", **{"members-1-name": "Coop Z"})

    form = page.soup.find("form", method="post")
    assert form.find("input", attrs={"name": "name"})["value"] == VALID["name"]
    assert form.find("input", attrs={"name": "members-1-name"})["value"] == "Coop Z"
    assert (
        form.find("select", attrs={"name": "country"}).find("option", selected=True)["value"]
        == "FR"
    )
    assert form.find("input", attrs={"name": "model", "value": "ptce"}).has_attr("checked")


def test_without_javascript_more_member_rows_come_without_errors(anonymous):
    page = register(anonymous, name=None, more_member_rows="1")

    assert page.response.status_code == 200
    assert not page.soup.find(attrs={"data-error-summary": True})
    assert not page.soup.select(".field-error")
    assert page.soup.find("input", attrs={"name": "members-TOTAL_FORMS"})["value"] == "8"
    assert page.soup.find("input", attrs={"name": "members-7-name"})
    assert not Cluster.objects.exists()


@pytest.mark.parametrize("count", ["many", "1e3", "-5", "9" * 5000])
def test_more_member_rows_with_a_row_count_no_browser_sends_is_no_error(anonymous, count):
    page = register(anonymous, more_member_rows="1", **{"members-TOTAL_FORMS": count})

    assert page.response.status_code == 200
    assert page.soup.find("input", attrs={"name": "members-TOTAL_FORMS"})["value"] == "3"
    assert not Cluster.objects.exists()


def queries_to_register(client, members):
    page = registration_page(client)
    rows = {"members-TOTAL_FORMS": str(members)}
    for number in range(members):
        rows |= {
            f"members-{number}-name": f"Member {number}",
            f"members-{number}-type": "civil_society",
        }
    form = page.soup.find("form", method="post")
    with CaptureQueriesContext(connection) as queries:
        sent = submit(client, page, form, {**VALID, "name": f"Cluster of {members}", **rows})
    assert sent.response.status_code == 302
    assert Cluster.objects.get(name=f"Cluster of {members}").memberships.count() == members
    return len(queries)


def test_two_hundred_members_cost_no_more_queries_than_two(anonymous):
    # Validating the cluster's constraints, each in a savepoint; the cluster, its history
    # and its search text; its taxonomies and their history; the organisations found, the
    # addresses their names would take, and those of merged ones, the organisations
    # inserted (in one batch on PostgreSQL, three on SQLite) and read back, with their
    # history; the memberships and theirs; the member types and search text again, with
    # the names of its terms in every language; the organisations' counts of published
    # clusters; the possible duplicates; the session;
    # the rate limit's count in the database cache, read before and added to after (each
    # cache write counts the table's rows, in a savepoint).
    two = queries_to_register(anonymous, 2)
    two_hundred = queries_to_register(anonymous, 200)

    # SQLite splits the inserts of 200 rows and their history into a few batches.
    assert two_hundred <= two + 9
    assert two_hundred <= 92


def test_more_than_two_hundred_members_are_refused(anonymous):
    members = {"members-TOTAL_FORMS": "201"}
    for number in range(201):
        members |= {f"members-{number}-name": f"M{number}", f"members-{number}-type": "other"}

    page = register(anonymous, **members)

    assert page.response.status_code == 200
    assert not Cluster.objects.exists()


def test_a_filled_honeypot_creates_nothing(anonymous, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = register(anonymous, homepage="https://spam.example")

    assert page.response.status_code == 302
    assert not Cluster.objects.exists()
    assert not mail.outbox


def test_forms_returned_with_errors_do_not_count_against_the_limit(anonymous):
    for _ in range(10):
        assert register(anonymous, name=None).response.status_code == 200

    assert register(anonymous).response.status_code == 302


def test_after_ten_accepted_sends_an_address_is_told_to_wait(anonymous):
    for number in range(10):
        assert register(anonymous, name=f"Cluster {number}").response.status_code == 302

    page = register(anonymous, name="One too many")

    assert page.response.status_code == 429
    assert "try again later" in page.soup.find(attrs={"data-error-summary": True}).get_text()
    assert not Cluster.objects.filter(name="One too many").exists()


def test_the_form_carries_its_protection_against_forgery():
    browser = Client(enforce_csrf_checks=True)
    assert register(browser).response.status_code == 302


def test_a_post_from_elsewhere_without_the_form_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(URL, VALID)

    assert response.status_code == 403
    assert not Cluster.objects.exists()


@pytest.mark.parametrize("name", ["Map", "Register"])
def test_a_cluster_named_like_a_page_of_the_site_still_gets_its_own_page(anonymous, name):
    register(anonymous, name=name)
    cluster = Cluster.objects.get()
    cluster.status = Cluster.Status.PUBLISHED
    cluster.save()

    assert get_page(anonymous, cluster.get_absolute_url()).soup.h1.get_text(strip=True) == name


def test_the_thanks_page_cannot_be_made_to_name_a_cluster_by_a_link(anonymous):
    assert "Fake Cluster" not in get_page(anonymous, f"{URL}thanks/?name=Fake+Cluster").text


@pytest.mark.django_db(transaction=True)
def test_two_registrations_naming_the_same_new_organisation_at_once_both_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time: nothing happens at once")
    barrier = threading.Barrier(2)
    statuses = []

    def send(name):
        client = Client()
        page = registration_page(client)
        form = page.soup.find("form", method="post")
        barrier.wait()
        answers = {**VALID, "name": name, "members-1-name": "Brand New Cooperative"}
        statuses.append(submit(client, page, form, answers).response.status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    organisation = Organisation.objects.get(name="Brand New Cooperative")
    assert organisation.memberships.count() == 2
