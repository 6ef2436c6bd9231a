"""A cluster registers, and a visitor suggests a correction."""

from clusters.models import Cluster, CorrectionSuggestion


def test_a_cluster_registers_through_the_form(seeded, page, visit, check):
    visit(page, "/clusters/register/")
    page.get_by_label("Name").first.fill("Pôle Nouveau")
    page.get_by_label("Short description").fill("A new cluster in Nantes.")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("City").fill("Nantes")
    page.get_by_label("Education").check()
    page.get_by_label("Member organisations").fill("Coop Atlantique\nVille de Nantes")
    page.get_by_label("Your name").fill("Camille Martin")
    page.get_by_label("Your email").fill("camille@example.org")
    page.get_by_label("I may share this information").check()
    page.get_by_role("button", name="Send for review").click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")
    check(page, width=375)
    cluster = Cluster.objects.get(name="Pôle Nouveau")
    assert cluster.status == Cluster.Status.PENDING
    assert cluster.memberships.count() == 2


def test_the_registration_form_says_what_to_correct(seeded, page, visit, check):
    visit(page, "/clusters/register/")
    page.get_by_role("button", name="Send for review").click()
    assert page.get_by_role("alert").inner_text().startswith("Please correct")
    check(page, width=375)
    check(page, width=1280)
    assert not Cluster.objects.filter(status=Cluster.Status.PENDING).exists()


def test_a_visitor_suggests_a_correction(seeded, page, visit, check):
    visit(page, "/clusters/torino-social-impact/")
    page.get_by_role("link", name="Suggest a correction").click()
    page.get_by_label("What should change").fill("The cluster is based in Turin, Italy.")
    page.get_by_label("Your name").fill("Luca")
    page.get_by_label("Your email").fill("luca@example.org")
    page.get_by_role("button", name="Send the correction").click()

    assert page.get_by_role("status").inner_text() == "Thank you. Staff will check your correction."
    check(page, width=1280)
    assert CorrectionSuggestion.objects.get().cluster.slug == "torino-social-impact"
