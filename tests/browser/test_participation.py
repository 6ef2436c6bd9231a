"""Clusters take part: register, propose and join thematic areas, keep their entry true,
suggest corrections; with JavaScript and without."""

import re

from django.core import mail
from playwright.sync_api import expect

from clusters.models import Cluster, CorrectionSuggestion
from themes.models import JoinRequest, ThematicArea


def fill_registration(page, members):
    page.get_by_label("Name (required)", exact=True).fill("Pôle Nouveau")
    page.get_by_label("Short description").fill("A new cluster in Nantes.")
    page.get_by_label("Country (required)", exact=True).select_option("FR")
    page.get_by_label("City", exact=True).fill("Nantes")
    page.get_by_label("Social economy cluster").check()
    page.get_by_label("Education", exact=True).check()
    page.get_by_label("Skills", exact=True).check()
    for number, (name, kind) in enumerate(members):
        row = page.get_by_role("group", name=f"Member {number + 1}", exact=True)
        row.get_by_label("Organisation").fill(name)
        row.get_by_label("Type").select_option(kind)
    page.get_by_label("Your name").fill("Camille Martin")
    page.get_by_label("Your email").fill("camille@example.org")
    page.get_by_label("I may share this information").check()


MEMBERS = [
    ("Ville de Nantes", "local_authority"),
    ("Coop Atlantique", "social_economy_enterprise"),
    ("Université de Nantes", "education_research"),
    ("Atelier Vélo", "civil_society"),
    ("Banque Locale", "mainstream_enterprise"),
    ("Réseau Voisins", "civil_society"),
]


def test_a_cluster_registers_with_member_rows_and_moves_the_pin(seeded, page, visit, check):
    visit(page, "/clusters/register/", width=375)
    visit(page, "/clusters/register/")
    assert page.get_by_role("button", name="More member rows").is_hidden()
    page.get_by_role("button", name="Add another member").click()
    assert page.evaluate("document.activeElement.name") == "members-5-name"
    fill_registration(page, MEMBERS)

    page.get_by_label("City", exact=True).press("Tab")
    pin = page.locator(".pin-map .leaflet-marker-icon")
    pin.wait_for()
    page.get_by_text("Pin placed at the city.").wait_for()
    # Each place field asks where it is: the pin settles once the last answer is in.
    page.wait_for_load_state("networkidle")
    box = pin.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 40, steps=5)
    page.mouse.up()
    page.get_by_text("Pin placed by you.").wait_for()
    check(page, label="pin-moved")

    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: “Pôle Nouveau” is registered"
    )
    check(page, width=375)
    check(page)
    cluster = Cluster.objects.get(name="Pôle Nouveau")
    assert cluster.status == Cluster.Status.PENDING
    assert cluster.memberships.count() == 6
    assert cluster.location_precision == "city"
    nantes = (47.22, -1.55)
    assert (float(cluster.latitude), float(cluster.longitude)) != nantes
    assert abs(float(cluster.latitude) - nantes[0]) < 2
    assert list(cluster.thematic_areas.values_list("slug", flat=True)) == ["skills"]


def test_without_javascript_a_cluster_asks_for_more_rows_and_registers(seeded, new_page, visit):
    page = new_page(java_script_enabled=False)
    visit(page, "/clusters/register/", accessibility=False)
    assert page.get_by_role("group", name="Member 5", exact=True).is_visible()
    page.get_by_label("Name (required)", exact=True).fill("Pôle Nouveau")
    # The button sends the form: wait for the page it answers with.
    with page.expect_navigation():
        page.get_by_role("button", name="More member rows").click()
    expect(page.get_by_role("group", name="Member 8", exact=True)).to_be_visible()
    assert page.get_by_label("Name (required)", exact=True).input_value() == "Pôle Nouveau"
    assert page.locator(".field-error").count() == 0

    fill_registration(page, MEMBERS)
    page.get_by_role("button", name="Send for review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    cluster = Cluster.objects.get(name="Pôle Nouveau")
    assert cluster.memberships.count() == 6
    assert cluster.location_precision == "city"


def test_the_form_with_errors_sums_them_up_and_takes_the_focus(seeded, page, visit, check):
    visit(page, "/clusters/register/")
    page.get_by_label("Name (required)", exact=True).fill("Half Done")
    page.get_by_role("button", name="Send for review").click()

    summary = page.get_by_role("alert")
    assert summary.inner_text().startswith("Please correct")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    summary.get_by_role("link", name=re.compile("^Country")).click()
    assert page.evaluate("location.hash") == "#id_country"
    assert page.get_by_label("Name (required)", exact=True).input_value() == "Half Done"
    check(page, width=375)
    check(page)
    assert not Cluster.objects.filter(name="Half Done").exists()


def test_a_visitor_proposes_a_thematic_area(seeded, page, visit, check):
    visit(page, "/themes/")
    page.get_by_role("link", name="Propose a thematic area").click()
    check(page, width=375)
    page.get_by_label("Name of the thematic area").fill("Community energy")
    page.get_by_label("What clusters would work on together").fill("Energy cooperatives.")
    page.get_by_label("Why it matters").fill("Local energy keeps money local.")
    page.get_by_label("Your name").fill("Ana Silva")
    page.get_by_label("Your email").fill("ana@example.org")
    page.get_by_label("GECES staff may keep").check()
    page.get_by_role("button", name="Send the proposal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("“Community energy” is proposed")
    check(page, width=375)
    check(page)
    assert ThematicArea.objects.get(name="Community energy").status == "proposed"


def test_a_cluster_asks_to_join_a_thematic_area(seeded, page, visit, check):
    visit(page, "/themes/skills/")
    field = page.get_by_label("Your cluster")
    field.press_sequentially("torino", delay=20)
    expect(page.locator("#cluster-names option")).to_have_count(1)
    assert page.locator("#cluster-names option").get_attribute("value") == "Torino Social Impact"
    field.fill("Torino Social Impact")
    page.get_by_label("Your email").fill("coordinator@example.org")
    page.get_by_role("button", name="Ask to join").click()

    expect(page.get_by_role("status")).to_contain_text("Staff will add Torino Social Impact")
    check(page, width=375)
    assert JoinRequest.objects.get().cluster.slug == "torino-social-impact"


def test_a_cluster_opens_its_link_and_confirms_its_entry(seeded, page, visit, check):
    Cluster.objects.filter(slug="impact-noord").update(submitter_email="hello@impactnoord.example")
    visit(page, "/clusters/impact-noord/")
    page.get_by_role("link", name="Get a link to update it").click()
    check(page, width=375)
    page.get_by_label("The email address").fill("hello@impactnoord.example")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("a link to update its entry is on its way")

    link = re.search(r"http://\S+/manage/\S+/", mail.outbox[-1].body)[0]
    path = link.split("8000", 1)[1]
    visit(page, path, width=375)
    visit(page, path)
    page.get_by_role("button", name="Yes, it is all still right").click()

    expect(page.get_by_role("status")).to_contain_text("verified it today")
    last_verified = page.locator("dt", has_text="Last verified").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert "Not yet" not in last_verified.inner_text()
    check(page)


def test_a_visitor_suggests_a_correction(seeded, page, visit, check):
    visit(page, "/clusters/torino-social-impact/")
    page.get_by_role("link", name="Suggest a correction").click()
    page.get_by_label("Some information is wrong or missing").check()
    page.get_by_label("Which information").select_option("place")
    expect(page.get_by_text("The page says now: Turin, Piedmont")).to_be_visible()
    page.get_by_label("What it should say").fill("Torino, Piemonte")
    page.get_by_label("Your email").fill("luca@example.org")
    check(page, width=375)
    page.get_by_role("button", name="Send the correction").click()

    expect(page.get_by_role("status")).to_have_text("Thank you. Staff will check your correction.")
    check(page)
    suggestion = CorrectionSuggestion.objects.get()
    assert (suggestion.field, suggestion.current_value) == ("place", "Turin, Piedmont")
