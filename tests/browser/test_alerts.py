"""The alert pages a person meets, from the list's "Follow" box to the page of their
alerts, at a phone's width and a laptop's: accessible, and fitting the phone."""

import re

from django.core import mail

from alerts import services
from alerts.models import Alert
from tests.browser.conftest import NARROW, WIDE

ADDRESS = "reader@example.org"


def test_following_a_list_by_e_mail(seeded, page, visit, check):
    visit(page, "/clusters/map/?country=ES", width=WIDE, label="map")
    visit(page, "/clusters/", width=WIDE)
    page.get_by_label("Spain").check()
    page.wait_for_url("**/clusters/?country=ES")
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == "/clusters/feed.atom?country=ES"
    check(page, width=WIDE, label="list")
    check(page, width=NARROW, label="list")
    page.get_by_role("link", name="E-mail me new clusters like these").click()
    for width in (NARROW, WIDE):
        check(page, width=width, label="follow")
    page.get_by_label("Your e-mail address").fill(ADDRESS)
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="E-mail me new clusters like these").click()
    for width in (NARROW, WIDE):
        check(page, width=width, label="follow-sent")

    [message] = mail.outbox
    confirm = re.search(r"http://127\.0\.0\.1:8000/alerts/confirm/\S+", message.body)[0]
    visit(page, confirm.removeprefix("http://127.0.0.1:8000"), width=NARROW, label="confirm")
    check(page, width=WIDE, label="confirm")
    page.get_by_role("button", name="Start the alert").click()
    for width in (NARROW, WIDE):
        check(page, width=width, label="confirmed")

    page.get_by_role("link", name="your alerts").click()
    for width in (NARROW, WIDE):
        check(page, width=width, label="address")
    alert = Alert.objects.get()
    assert alert.frequency == Alert.Frequency.WEEKLY

    visit(page, services.unsubscribe_path(alert), width=NARROW, label="end")
    check(page, width=WIDE, label="end")
    page.get_by_role("button", name="End the alert").click()
    for width in (NARROW, WIDE):
        check(page, width=width, label="ended")
    assert not Alert.objects.exists()
    visit(page, "/alerts/end/1:forged/", width=NARROW, status=400, label="invalid")
