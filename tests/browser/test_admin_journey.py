"""A GECES staff member logs in to the admin and opens a cluster.

The admin is Django's own, so axe-core is not run on it; console errors (a blocked inline
script under the Content Security Policy, say) still fail the test.
"""

import re

from django.contrib.auth.models import User

PASSWORD = "a-long-staff-password"


def test_staff_log_in_and_open_a_cluster_in_the_admin(seeded, page, visit, check):
    User.objects.create_superuser("staff", "staff@example.org", PASSWORD)

    visit(page, "/admin/", accessibility=False)
    assert "/admin/login/" in page.url
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    check(page, accessibility=False)

    page.locator("tr.model-cluster").get_by_role("link", name="Clusters").click()
    page.wait_for_url(re.compile(r"/admin/clusters/cluster/$"))
    check(page, accessibility=False)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() > 0

    rows.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/admin/clusters/cluster/\d+/change/$"))
    assert page.get_by_role("heading", name="Change cluster").is_visible()
    check(page, accessibility=False)
    check(page, width=375, accessibility=False)


def test_repeated_failed_sign_ins_show_the_lockout_page_then_an_administrator_sees_them(
    seeded, new_page, visit, check, live_server, page_errors
):
    """Under the strict Content Security Policy: the lockout page, the list of access attempts
    and the cluster form's widgets (the filter boxes, the organisation search) log no violation."""
    User.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    User.objects.create_user("camille", password=PASSWORD, is_staff=True)
    page = new_page()
    # The refusals are answered 429, which Chromium reports in the console.
    page_errors.expected_failures.add(f"{live_server.url}/admin/login/")

    visit(page, "/admin/login/", accessibility=False)
    for attempt in range(5):
        page.get_by_label("Username").fill("camille")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if attempt < 4:
            assert page.get_by_text("Please enter the correct username").is_visible()
    assert page.get_by_text("too many failed sign-ins from your address").is_visible()
    check(page, accessibility=False, label="locked-out")

    administrator = new_page()
    visit(administrator, "/admin/login/", accessibility=False)
    administrator.get_by_label("Username").fill("staff")
    administrator.get_by_label("Password").fill(PASSWORD)
    administrator.get_by_role("button", name="Log in").click()
    administrator.wait_for_url(re.compile(r"/admin/$"))
    visit(administrator, "/admin/axes/accessattempt/", accessibility=False)
    assert administrator.locator("#result_list").get_by_text("camille").is_visible()

    visit(administrator, "/admin/clusters/cluster/add/", accessibility=False)
    administrator.locator("#id_fields_of_activity_add_all").click()
    administrator.locator(".select2-selection").first.click()
    administrator.locator(".select2-search__field").fill("a")
    administrator.locator(".select2-results__option").first.wait_for()
    check(administrator, accessibility=False, label="cluster-form-widgets")
