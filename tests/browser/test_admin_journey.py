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

    # The form's scripts at work under the Content Security Policy: the filter boxes and the
    # organisation search style elements as they go.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#id_fields_of_activity_add_all").click()
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("a")
    page.locator(".select2-results__option").first.wait_for()
    check(page, accessibility=False, label="cluster-form-widgets")


def test_repeated_failed_sign_ins_show_the_lockout_page_and_the_attempts_in_the_admin(
    transactional_db, new_page, visit, check, live_server, page_errors
):
    """Under the strict Content Security Policy, like every admin page this journey opens."""
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
