"""A GECES editor curates the directory in the admin, in a real browser.

Console errors (a script blocked by the Content Security Policy, say) fail the test, and
axe-core checks each admin page visited.
"""

import re

from django.contrib.auth.models import Group, User
from django.core import mail
from playwright.sync_api import expect

from clusters.models import Cluster

PASSWORD = "a-long-staff-password"
SPREADSHEET = (
    "name,country,city,model,members\n"
    "Torino Social Impact Cluster,IT,Turin,other,Comune di Torino | local_authority\n"
)


def sign_in(page, visit, check):
    editor = User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="GECES editor"))
    visit(page, "/admin/", accessibility=False)
    assert "/admin/login/" in page.url
    check(page)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    check(page)


def test_an_editor_imports_merges_rejects_fixes_and_restores(seeded, page, visit, check, tmp_path):
    Cluster.objects.create(
        name="Pôle Douteux",
        country="FR",
        status=Cluster.Status.PENDING,
        source=Cluster.Source.REGISTRATION,
        submitter_email="douteux@example.org",
    )
    sign_in(page, visit, check)
    dashboard = page.locator("#needs-attention")
    assert "Registrations waiting for review" in dashboard.inner_text()

    # Import a small spreadsheet.
    page.goto("/admin/clusters/cluster/")
    page.get_by_role("link", name="Import").click()
    spreadsheet = tmp_path / "clusters.csv"
    spreadsheet.write_text(SPREADSHEET, encoding="utf-8")
    page.locator('input[name="import_file"]').set_input_files(str(spreadsheet))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    check(page, label="import-preview")
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(re.compile(r"/admin/clusters/cluster/"))
    imported = Cluster.objects.get(name="Torino Social Impact Cluster")
    assert imported.possible_duplicates.filter(slug="torino-social-impact").exists()

    # Merge it into the cluster it duplicates.
    page.goto("/admin/clusters/cluster/?duplicates=yes")
    check(page, label="duplicates")
    for name in ("Torino Social Impact", "Torino Social Impact Cluster"):
        page.get_by_label(f"Select this object for an action - {name}", exact=True).check()
    page.locator("select[name=action]").select_option(label="Merge two selected clusters…")
    page.get_by_role("button", name="Go").click()
    kept = Cluster.objects.get(slug="torino-social-impact")
    page.locator(f"input[name=kept][value='{kept.pk}']").check()
    check(page, label="merge")
    page.get_by_role("button", name="Merge them").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged into Torino Social Impact")
    assert not Cluster.objects.filter(name="Torino Social Impact Cluster").exists()
    assert kept.memberships.filter(organisation__name="Comune di Torino").exists()

    # Reject a registration with a reason.
    douteux = Cluster.objects.get(name="Pôle Douteux")
    page.goto(f"/admin/clusters/cluster/{douteux.pk}/change/")
    check(page, label="registration")
    page.get_by_label("Reason for rejecting it").fill("A single cooperative, not a cluster.")
    page.get_by_role("button", name="Reject (give the reason above)").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected")
    douteux.refresh_from_db()
    assert douteux.status == Cluster.Status.REJECTED
    assert any("A single cooperative" in message.body for message in mail.outbox)

    # Fix a cluster, then restore it from its history.
    page.goto(f"/admin/clusters/cluster/{kept.pk}/change/")
    page.locator("#id_website").fill("https://wrong.example")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Cluster.objects.get(pk=kept.pk).website == "https://wrong.example"
    page.get_by_role("link", name="History").click()
    check(page, label="history")
    versions = page.locator("#change-history tbody tr")
    versions.nth(1).get_by_role("link").first.click()
    check(page, label="restore")
    expect(page.locator("#content-main table")).to_contain_text("https://wrong.example")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("is back")
    assert Cluster.objects.get(pk=kept.pk).website == ""
    check(page, width=375, label="restored")


def test_repeated_failed_sign_ins_show_the_lockout_page_and_the_attempts_in_the_admin(
    transactional_db, new_page, visit, check, live_server, page_errors
):
    """Under the strict Content Security Policy, like every admin page this journey opens."""
    User.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    User.objects.create_user("camille", password=PASSWORD, is_staff=True)
    page = new_page()
    # The refusals are answered 429, which Chromium reports in the console.
    page_errors.expected_failures.add(f"{live_server.url}/admin/login/")

    visit(page, "/admin/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("camille")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("too many failed sign-ins from your address")).to_be_visible()
    check(page, label="locked-out")

    administrator = new_page()
    visit(administrator, "/admin/login/")
    administrator.get_by_label("Username").fill("staff")
    administrator.get_by_label("Password").fill(PASSWORD)
    administrator.get_by_role("button", name="Log in").click()
    administrator.wait_for_url(re.compile(r"/admin/$"))
    visit(administrator, "/admin/axes/accessattempt/")
    assert administrator.locator("#result_list").get_by_text("camille").is_visible()
