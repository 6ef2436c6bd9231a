"""A person is written to in the language of the page they used, and what a cluster writes
about itself is shown as it wrote it, marked with its language."""

import io
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from clusters.models import Cluster, CorrectionSuggestion, FieldOfActivity
from clusters.services.members import set_members
from clusters.services.self_service import manage_url
from tests.clusters.test_admin import change_form
from tests.clusters.test_manage import edit_form
from tests.clusters.test_register import VALID
from tests.pages import form_fields, get_page, submit
from tests.themes.test_themes_participation import PROPOSAL
from themes.models import JoinRequest, ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

CONTACT = "coordination@torino.example"


def register_on(language_prefix, **changes):
    visitor = Client()
    page = get_page(visitor, f"{language_prefix}/clusters/register/")
    submit(visitor, page, page.soup.find("form", method="post"), {**VALID, **changes}, status=302)
    return Cluster.objects.get(name=VALID["name"])


def manage_path(message):
    return re.search(r"http://127\.0\.0\.1:8000(\S+/manage/\S+/)", message.body)[1]


def test_a_registration_in_french_is_answered_in_french_and_staff_in_english(
    settings, django_capture_on_commit_callbacks
):
    settings.STAFF_EMAILS = ["staff@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        cluster = register_on("/fr")

    assert cluster.contact_language == "fr"
    assert cluster.description_language == "fr", "the page's language, unless changed"
    [received] = [m for m in mail.outbox if m.to == [VALID["submitter_email"]]]
    assert received.subject.startswith("Nous avons reçu votre inscription : ")
    [for_staff] = [m for m in mail.outbox if m.to == ["staff@example.org"]]
    assert "Nous avons" not in for_staff.subject


def test_later_emails_follow_the_language_of_the_registration(
    editor, django_capture_on_commit_callbacks
):
    cluster = register_on("/fr")
    mail.outbox.clear()

    # Staff publish from the admin, which speaks the staff member's own language.
    url, data = change_form(editor, cluster)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "_publish": "Publish"}, HTTP_ACCEPT_LANGUAGE="en")

    [published] = mail.outbox
    assert published.subject == f"{VALID['name']} figure dans l'Annuaire CSEI"
    assert f"/fr/clusters/{cluster.slug}/" in published.body
    link = manage_path(published)
    assert link.startswith(f"/fr/clusters/{cluster.slug}/manage/")
    manage_page = get_page(Client(), link)
    assert manage_page.soup.html["lang"] == "fr"

    # The link asked for again, from the English page, comes in French too.
    mail.outbox.clear()
    visitor = Client()
    page = get_page(visitor, f"/clusters/{cluster.slug}/manage/")
    submit(
        visitor,
        page,
        page.soup.find("form", method="post"),
        {"email": VALID["submitter_email"]},
        status=302,
    )
    [link_mail] = mail.outbox
    assert link_mail.subject == f"Votre lien pour mettre à jour {VALID['name']}"
    assert manage_path(link_mail).startswith("/fr/")

    mail.outbox.clear()
    call_command("send_verification_reminders", stdout=io.StringIO())
    [reminder] = [m for m in mail.outbox if m.to == [VALID["submitter_email"]]]
    assert reminder.subject == f"La fiche de {VALID['name']} est-elle toujours exacte ?"


def test_a_rejection_goes_in_the_registrations_language_with_the_reason_as_written(
    editor, django_capture_on_commit_callbacks
):
    cluster = register_on("/pl")
    mail.outbox.clear()
    url, data = change_form(editor, cluster)
    reason = "The members are not in one place."

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "rejection_reason": reason, "_reject": "Reject"})

    [rejected] = mail.outbox
    assert rejected.subject != f"Your registration of {VALID['name']}"
    assert VALID["name"] in rejected.subject
    assert reason in rejected.body


def test_a_correction_keeps_the_language_it_was_written_in(client):
    page = get_page(client, "/it/clusters/torino-social-impact/suggest/")
    form = page.soup.find("form", method="post")
    submit(client, page, form, {"kind": "other", "message": "Si è trasferito a Milano."})

    suggestion = CorrectionSuggestion.objects.get()
    assert suggestion.language == "it"
    assert suggestion.message == "Si è trasferito a Milano."


def test_the_language_of_the_texts_is_asked_and_marked_on_the_page(
    client, editor, django_capture_on_commit_callbacks
):
    cluster = register_on("/fr", description_language="nl")
    url, data = change_form(editor, cluster)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "_publish": "Publish"})

    english = get_page(Client(), cluster.get_absolute_url())
    [text] = english.soup.select(".detail-main [lang]")
    assert text["lang"] == "nl"
    assert VALID["short_description"] in text.get_text()
    assert "Language of this text: Dutch." in english.text

    french = get_page(Client(), f"/fr/clusters/{cluster.slug}/")
    assert french.soup.select_one(".detail-main [lang]")["lang"] == "nl"
    card = get_page(Client(), "/fr/clusters/?q=Pôle+Coopératif+du+Lot").soup.select_one(
        ".cluster-card__summary"
    )
    assert card["lang"] == "nl"


def test_english_texts_are_marked_english_on_other_pages(client):
    Cluster.objects.filter(slug="torino-social-impact").update(
        short_description="Turin's social impact ecosystem."
    )

    english = get_page(client, "/clusters/torino-social-impact/")
    assert english.soup.select_one(".detail-main [lang]")["lang"] == "en"
    assert not english.soup.select(".text-language")

    german = get_page(client, "/de/clusters/torino-social-impact/")
    assert german.soup.select_one(".detail-main [lang]")["lang"] == "en"
    assert german.soup.select_one(".text-language")


@pytest.fixture
def contact():
    """A seed cluster, in English, with an address on file and two members."""
    cluster = Cluster.objects.get(slug="torino-social-impact")
    cluster.submitter_email = CONTACT
    cluster.short_description = "Turin's social impact ecosystem."
    cluster.save()
    set_members(
        cluster,
        [
            {"name": "Comune di Torino", "type": "local_authority", "country": "IT"},
            {"name": "Cooperativa Alfa", "type": "social_economy_enterprise", "country": "IT"},
        ],
    )
    return cluster


def test_through_its_link_a_cluster_adds_its_description_in_another_language(client, contact):
    page = get_page(client, manage_url(contact))
    form = edit_form(page)
    fields = form_fields(form)
    assert "other-short_description_en" not in fields, "not the original's language"
    assert form.find(attrs={"name": "other-description_de"})["lang"] == "de"

    submit(
        client,
        page,
        form,
        {
            "other-short_description_de": "Das Netzwerk für soziale Wirkung in Turin.",
            "other-description_de": "Genossenschaften, Stiftungen und die Stadt Turin.",
        },
        status=302,
    )

    german = get_page(client, "/de/clusters/torino-social-impact/")
    [text] = german.soup.select(".detail-main [lang]")
    assert text["lang"] == "de"
    assert "Das Netzwerk für soziale Wirkung in Turin." in text.get_text()
    assert german.soup.select_one('meta[name="description"]')["content"].startswith("Das Netz")
    structured = json.loads(german.soup.find("script", type="application/ld+json").string)
    assert structured["description"] == "Das Netzwerk für soziale Wirkung in Turin."
    assert "Englisch" in german.soup.select_one(".text-language").get_text()
    french = get_page(client, "/fr/clusters/torino-social-impact/")
    assert french.soup.select_one(".detail-main [lang]")["lang"] == "en"

    # Emptied, the German page shows the original again.
    page = get_page(client, manage_url(contact))
    submit(
        client,
        page,
        edit_form(page),
        {"other-short_description_de": "", "other-description_de": ""},
        status=302,
    )
    assert not contact.descriptions.exists()
    german = get_page(client, "/de/clusters/torino-social-impact/")
    assert german.soup.select_one(".detail-main [lang]")["lang"] == "en"


def test_a_text_in_the_new_original_language_gives_way_to_the_original(client, contact):
    contact.descriptions.create(language="it", short_description="Vecchio testo.")
    page = get_page(client, manage_url(contact))

    submit(
        client,
        page,
        edit_form(page),
        {"description_language": "it", "short_description": "L'ecosistema di Torino."},
        status=302,
    )

    assert not contact.descriptions.exists()
    italian = get_page(client, "/it/clusters/torino-social-impact/")
    assert italian.soup.select_one(".detail-main [lang]")["lang"] == "it"
    assert "L'ecosistema di Torino." in italian.text
    assert not italian.soup.select(".text-language")


def test_a_text_in_another_language_too_long_is_refused_with_the_form_kept(client, contact):
    page = get_page(client, manage_url(contact))

    sent = submit(
        client,
        page,
        edit_form(page),
        {"other-short_description_fr": "x" * 301, "other-description_fr": "Garde ceci."},
        status=200,
    )

    assert sent.soup.select_one("#id_other-short_description_fr_error")
    assert "Garde ceci." in sent.soup.find(attrs={"name": "other-description_fr"}).get_text()
    assert not contact.descriptions.exists()


def test_a_proposed_area_and_a_join_request_keep_the_language_they_were_sent_in(
    client, django_capture_on_commit_callbacks
):
    page = get_page(client, "/es/themes/propose/")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, page, page.soup.find("form", method="post"), PROPOSAL, status=302)
    proposed = ThematicArea.objects.get(name_en=PROPOSAL["name"])
    assert proposed.proposal_language == "es"
    [received] = mail.outbox
    assert received.subject == f"Hemos recibido su propuesta: {PROPOSAL['name']}"

    mail.outbox.clear()
    page = get_page(client, "/pl/themes/public-procurement/join/")
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            client,
            page,
            page.soup.find("form", method="post"),
            {"cluster": "Torino Social Impact", "email": "coordinator@example.org"},
            status=302,
        )
    join_request = JoinRequest.objects.get()
    assert join_request.language == "pl"
    [received] = mail.outbox
    assert received.subject.startswith("Twoja prośba o dołączenie: ")


def test_the_forms_name_the_vocabulary_in_the_pages_language(client):
    page = get_page(client, "/fr/clusters/register/")

    area = ThematicArea.objects.get(slug="skills")
    box = page.soup.select_one(f"input[name=thematic_areas][value='{area.pk}']")
    assert box.find_parent("label").get_text(strip=True) == area.name_fr
    untranslated = FieldOfActivity.objects.create(name="Beekeeping")
    page = get_page(client, "/fr/clusters/register/")
    box = page.soup.select_one(f"input[name=fields_of_activity][value='{untranslated.pk}']")
    assert box.find_parent("label").select_one("[lang=en]").get_text() == "Beekeeping"
