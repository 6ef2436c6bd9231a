"""What a person may send is bounded: every text has a maximum length, in its form and its
model; a consent is a real tick; names carry no invisible control characters."""

import pytest
from django.core import mail

from cases.models import CaseStudy
from clusters.models import CURRENT_VALUE_MAX_LENGTH, Cluster, CorrectionSuggestion, Organisation
from clusters.services.members import set_members
from tests.clusters.test_admin import parse
from tests.clusters.test_import_export import preview
from tests.pages import form_fields, submit
from tests.public_forms import ACCEPTED, CLUSTER, open_form, rows
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

# Each of them in a name: right-to-left override, zero-width space, NUL, byte order mark.
INVISIBLE = "\u202e\u200b\x00\ufeff"


def send(client, form, changes):
    page, element = open_form(client, form)
    return submit(client, page, element, {**ACCEPTED[form], **changes})


def text_fields(element):
    """The fields of a form where a person types text: not the honeypot, and of the member
    rows only the first (the others are alike, and the one JavaScript copies from a
    <template> is never sent)."""
    typed = element.find_all("textarea") + element.find_all(
        "input", type=["text", "email", "url", "search", None]
    )
    return [
        field
        for field in typed
        if field["name"] != "homepage"
        and not (
            field["name"].startswith("members-") and not field["name"].startswith("members-0-")
        )
    ]


def one_too_long(field):
    length = int(field["maxlength"]) + 1
    if field.get("type") == "email":
        return "x" * (length - len("@example.org")) + "@example.org"
    return "x" * length


@pytest.mark.parametrize("form", list(ACCEPTED))
def test_every_text_field_refuses_one_character_more_than_its_maximum(client, form):
    form_page, element = open_form(client, form)
    fields = text_fields(element)
    assert fields
    for field in fields:
        assert field.get("maxlength"), f"{form}: {field['name']} has no maximum length"
        before = rows()

        changes = {**ACCEPTED[form], field["name"]: one_too_long(field)}
        page = submit(client, form_page, element, changes)

        assert page.response.status_code == 200, f"{form}: {field['name']} was accepted"
        assert page.soup.find(id=f"id_{field['name']}_error"), f"{form}: {field['name']}"
        assert rows() == before


@pytest.mark.parametrize("form", ["register", "propose"])
@pytest.mark.parametrize("value", ["off", "0", "false", ""])
def test_only_a_real_tick_counts_as_consent(client, form, value):
    before = rows()

    page = send(client, form, {"consent": value})

    assert page.response.status_code == 200
    assert page.soup.find(id="id_consent_error")
    assert rows() == before
    assert not mail.outbox


def test_invisible_characters_leave_the_names_of_a_registration(client):
    send(
        client,
        "register",
        {
            "name": f"Pôle{INVISIBLE} du Lot",
            "submitter_name": f"Camille{INVISIBLE} Martin",
            "members-0-name": f"Mairie{INVISIBLE} de Cahors",
        },
    )

    cluster = Cluster.objects.get(name="Pôle du Lot")
    assert cluster.submitter_name == "Camille Martin"
    assert Organisation.objects.filter(name="Mairie de Cahors").exists()


def test_invisible_characters_leave_the_names_of_a_proposal(client):
    send(
        client,
        "propose",
        {"name": f"Community{INVISIBLE} energy", "proposed_by_name": f"Ana{INVISIBLE} Silva"},
    )

    area = ThematicArea.objects.get(name="Community energy")
    assert area.proposed_by_name == "Ana Silva"


def test_invisible_characters_leave_the_name_of_who_suggests_a_correction(client):
    send(client, "suggest", {"name": f"Luca{INVISIBLE} Rossi"})

    assert CorrectionSuggestion.objects.get().name == "Luca Rossi"


def test_invisible_characters_leave_the_names_a_cluster_gives_through_its_link(client):
    send(
        client,
        "manage",
        {
            "name": f"Torino{INVISIBLE} Social Impact",
            "members-0-name": f"Comune{INVISIBLE} di Torino",
            "members-0-type": "local_authority",
            "members-1-name": "Cooperativa Alfa",
            "members-1-type": "social_economy_enterprise",
        },
    )

    cluster = Cluster.objects.get(slug=CLUSTER)
    assert cluster.name == "Torino Social Impact"
    assert "Comune di Torino" in cluster.memberships.values_list("organisation__name", flat=True)


def test_a_very_long_current_value_is_kept_to_its_beginning(client):
    cluster = Cluster.objects.get(slug=CLUSTER)
    set_members(
        cluster,
        [
            {"name": f"Cooperativa sociale numero {number:03}", "type": "other", "country": "IT"}
            for number in range(200)
        ],
    )

    send(client, "suggest", {"kind": "wrong", "field": "members", "proposed_value": "Fewer"})

    current_value = CorrectionSuggestion.objects.get().current_value
    assert len(current_value) == CURRENT_VALUE_MAX_LENGTH
    assert current_value.startswith("Cooperativa sociale numero 000, ")
    assert current_value.endswith("…")


def test_a_spreadsheet_row_with_a_description_too_long_is_refused(editor):
    content = f"name,country,model,description\nLong One,FR,ptce,{'x' * 5001}\n".encode()

    page = preview(editor, content)

    assert "Some rows failed to validate" in page.get_text()
    assert "at most 5000 characters" in page.get_text()
    assert not Cluster.objects.filter(name="Long One").exists()


def test_a_case_study_summary_and_body_are_bounded_in_the_admin(editor):
    page = parse(editor.get("/admin/cases/casestudy/add/"))
    data = form_fields(page.find("form", id="casestudy_form"))
    # In each language.
    assert page.find("textarea", attrs={"name": "summary_fr"})["maxlength"] == "1000"
    assert page.find("textarea", attrs={"name": "body_pl"})["maxlength"] == "20000"

    data.update(title_en=["A case"], summary_en=["x" * 1001], body_de=["x" * 20001])
    response = editor.post("/admin/cases/casestudy/add/", data)

    assert response.status_code == 200
    assert not CaseStudy.objects.filter(title="A case").exists()
