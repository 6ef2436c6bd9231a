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
