"""The site in French and Polish, in a real browser: a registration in French from the form to
the publication e-mail, and each kind of page checked by axe-core at a phone's width and a
laptop's, in both languages."""

import re

from django.core import mail
from playwright.sync_api import expect

from clusters.models import Cluster
from tests.browser.test_admin_journey import sign_in

# A page of each kind: the longer words of German and Polish must fit a phone too.
PAGE_KINDS = [
    "/",
    "/clusters/",
    "/clusters/torino-social-impact/",
    "/clusters/map/",
    "/clusters/register/",
    "/organisations/unimos-foundation/",
    "/statistics/",
    "/themes/skills/",
    "/cases/circularium/",
    "/data/",
]


# One walk for both languages, and German's longest words with them: each test of the
# browser loads the seed and empties the tables again, some seconds each.
def test_each_kind_of_page_is_accessible_and_fits_in_french_and_polish_and_a_phone_in_german(
    seeded, page, visit
):
    for language in ("fr", "pl"):
        for path in PAGE_KINDS:
            visit(page, f"/{language}{path}", width=375)
            assert page.locator("html").get_attribute("lang") == language
            visit(page, f"/{language}{path}")
    for path in ("/de/", "/de/clusters/", "/de/clusters/register/"):
        visit(page, path, width=375)


def test_a_cluster_registers_in_french_and_is_written_to_in_french(seeded, page, visit, check):
    visit(page, "/fr/clusters/register/")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Pôle Nouveau")
    page.get_by_role("button", name="Envoyer pour vérification").click()

    summary = page.get_by_role("alert")
    assert summary.inner_text().startswith("Veuillez corriger")
    assert "Remplissez ce champ." in page.locator(".field-error").first.inner_text()
    assert page.get_by_label("Nom (obligatoire)", exact=True).input_value() == "Pôle Nouveau"
    check(page, width=375)

    page.get_by_label("Description courte").fill("Un nouveau pôle à Nantes.")
    page.get_by_label("Pays (obligatoire)", exact=True).select_option("FR")
    page.get_by_label("Ville", exact=True).fill("Nantes")
    page.get_by_label("Cluster d'économie sociale").check()
    for number, name in enumerate(["Ville de Nantes", "Coop Atlantique"], start=1):
        row = page.get_by_role("group", name=f"Membre {number}", exact=True)
        row.get_by_label("Organisation").fill(name)
        row.get_by_label("Type").select_option("civil_society")
    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("Votre e-mail").fill("camille@example.org")
    page.get_by_label("Je peux partager ces informations").check()
    page.get_by_role("button", name="Envoyer pour vérification").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Merci : « Pôle Nouveau » est inscrit")
    [received] = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    assert received.subject.startswith("Nous avons reçu votre inscription : Pôle Nouveau")
    cluster = Cluster.objects.get(name="Pôle Nouveau")
    assert (cluster.contact_language, cluster.description_language) == ("fr", "fr")

    # Staff publish it from the admin, in English.
    mail.outbox.clear()
    sign_in(page, visit, check)
    page.goto(f"/admin/clusters/cluster/{cluster.pk}/change/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published, and the submitter told.")).to_be_visible()
    [published] = mail.outbox
    assert published.subject == "Pôle Nouveau figure dans l'Annuaire CSEI"

    link = re.search(r"http://\S+?(/fr/clusters/\S+/manage/\S+/)", published.body)[1]
    visit(page, link, width=375)
    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mettre à jour Pôle Nouveau")
    page.locator("summary", has_text="Deutsch").click()
    page.get_by_role("group", name="Deutsch").get_by_label("Description courte").fill(
        "Ein neuer Cluster in Nantes."
    )
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_role("status")).to_contain_text("Merci")

    visit(page, f"/de/clusters/{cluster.slug}/", width=375)
    expect(page.locator(".detail-main [lang=de]")).to_contain_text("Ein neuer Cluster in Nantes.")
    expect(page.locator(".text-language")).to_contain_text("Französisch")
