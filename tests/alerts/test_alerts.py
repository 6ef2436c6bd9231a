"""E-mail alerts without an account: follow a list's clusters from the list, confirm by the
link sent, be told of the new clusters that match, and end it in one click."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alerts.models import CLAIM_EXPIRES, SETTLING_TIME, Alert
from alerts.services import claim_due_alerts, deliver
from clusters.models import Cluster
from clusters.services import moderation
from tests.pages import follow, get_page, submit

pytestmark = pytest.mark.usefixtures("seed")

ADDRESS = "reader@example.org"
# Once a publication has settled: a run now sees what was published before.
LATER = SETTLING_TIME + timedelta(minutes=1)


def link_in(message, starting):
    [url] = re.findall(rf"{re.escape(starting)}\S+", message.body)
    return url.removeprefix("http://127.0.0.1:8000")


def follow_from_the_list(client, query, address=ADDRESS, frequency="daily"):
    """Open the list with `query`, follow its "E-mail me" link, send the form and follow
    where it leads."""
    listing = get_page(client, f"/clusters/?{query}")
    page = follow(
        client, listing, listing.soup.find("a", string="E-mail me new clusters like these")
    )
    form = page.soup.find("form", method="post")
    sent = submit(client, page, form, {"email": address, "frequency": frequency}, status=302)
    return get_page(client, sent.response["Location"])


def confirm_by_mail(client, message):
    page = get_page(client, link_in(message, "http://127.0.0.1:8000/alerts/confirm/"))
    return submit(client, page, page.soup.find("form", method="post"), status=200)


@pytest.fixture
def following_spain(client, django_capture_on_commit_callbacks):
    """ADDRESS follows the clusters in Spain, confirmed."""
    with django_capture_on_commit_callbacks(execute=True):
        follow_from_the_list(client, "country=ES")
    [message] = mail.outbox
    confirm_by_mail(client, message)
    mail.outbox.clear()
    return Alert.objects.get()


def publish(make_cluster, **fields):
    cluster = make_cluster(status=Cluster.Status.PENDING, **fields)
    moderation.publish(cluster)
    return cluster


def send_alerts():
    call_command("send_alerts", stdout=io.StringIO())


def test_following_a_list_sends_a_link_and_stores_nothing_active(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = follow_from_the_list(client, "country=ES&country=PT&sort=country")

    assert sent.response.status_code == 200
    assert "Check your mailbox" in sent.text
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert "New clusters in Portugal or Spain" in message.body
    alert = Alert.objects.get()
    assert alert.confirmed_at is None
    # The order of the list changes no cluster: the alert does not keep it.
    assert alert.query == "country=ES&country=PT"


def test_the_alert_mails_only_new_matching_clusters_once(client, following_spain, make_cluster):
    match = publish(make_cluster, name="Cooperativa Nueva", country="ES", city="Valencia")
    publish(make_cluster, name="Coopérative Nouvelle", country="FR")

    with time_machine.travel(timezone.now() + LATER):
        send_alerts()
        send_alerts()

    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == "New clusters in Spain (1)"
    assert "Cooperativa Nueva (Valencia, Spain)" in message.body
    assert f"http://127.0.0.1:8000{match.get_absolute_url()}" in message.body
    assert "Nouvelle" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body


def test_an_e_mail_names_fifty_clusters_and_counts_the_rest(following_spain, make_cluster):
    for number in range(51):
        make_cluster(name=f"Nuevo {number:02}", country="ES")

    with time_machine.travel(timezone.now() + LATER):
        send_alerts()

    [message] = mail.outbox
    assert message.subject == "New clusters in Spain (51)"
    assert message.body.count("/clusters/nuevo-") == 50
    assert "And 1 more." in message.body


def test_a_cluster_published_before_the_alert_started_is_not_news(
    client, make_cluster, django_capture_on_commit_callbacks
):
    publish(make_cluster, name="Ya Publicado", country="ES")
    with django_capture_on_commit_callbacks(execute=True):
        follow_from_the_list(client, "country=ES")
    confirm_by_mail(client, mail.outbox.pop())

    with time_machine.travel(timezone.now() + LATER):
        send_alerts()

    assert mail.outbox == []


def test_as_they_come_means_at_most_one_e_mail_a_day(client, following_spain, make_cluster):
    start = timezone.now()
    publish(make_cluster, country="ES")
    with time_machine.travel(start + LATER):
        send_alerts()
    with time_machine.travel(start + LATER * 2):
        publish(make_cluster, name="Second Of The Day", country="ES")
    with time_machine.travel(start + LATER * 4):
        send_alerts()
    assert len(mail.outbox) == 1

    with time_machine.travel(start + timedelta(days=1, minutes=30)):
        send_alerts()

    assert len(mail.outbox) == 2
    assert "Second Of The Day" in mail.outbox[1].body


def test_a_weekly_alert_waits_for_its_week(
    client, make_cluster, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        follow_from_the_list(client, "country=ES", frequency="weekly")
    confirm_by_mail(client, mail.outbox.pop())
    publish(make_cluster, country="ES")

    with time_machine.travel(start + timedelta(days=6)):
        send_alerts()
    assert mail.outbox == []
    with time_machine.travel(start + timedelta(days=7, minutes=1)):
        send_alerts()

    assert len(mail.outbox) == 1


def test_two_runs_at_once_send_an_alert_once(following_spain, make_cluster):
    publish(make_cluster, country="ES")

    with time_machine.travel(timezone.now() + LATER):
        now = timezone.now()
        claimed = claim_due_alerts(now)
        # Another run starts while the first holds the alert.
        send_alerts()
        assert mail.outbox == []
        sent = [deliver(alert, now) for alert in claimed]

    assert sent == [True]
    assert len(mail.outbox) == 1


def test_a_run_that_dies_after_claiming_loses_nothing(following_spain, make_cluster):
    publish(make_cluster, name="Not Lost", country="ES")
    start = timezone.now() + LATER
    with time_machine.travel(start):
        claim_due_alerts(timezone.now())  # and dies before sending
        send_alerts()
    assert mail.outbox == []

    with time_machine.travel(start + CLAIM_EXPIRES + timedelta(minutes=1)):
        send_alerts()
        send_alerts()

    [message] = mail.outbox
    assert "Not Lost" in message.body


def test_a_failed_send_is_tried_again_by_the_next_run(following_spain, make_cluster, settings):
    publish(make_cluster, name="Tried Again", country="ES")
    start = timezone.now() + LATER
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.Backend"
    with time_machine.travel(start):
        send_alerts()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with time_machine.travel(start + timedelta(minutes=10)):
        send_alerts()

    [message] = mail.outbox
    assert "Tried Again" in message.body


def test_one_click_unsubscribe_by_post_ends_the_alert(client, following_spain, make_cluster):
    publish(make_cluster, country="ES")
    with time_machine.travel(timezone.now() + LATER):
        send_alerts()
    [message] = mail.outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")

    # As a mail program does it (RFC 8058): a POST with no cookie and no CSRF token.
    client.cookies.clear()
    response = client.post(
        unsubscribe.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert not Alert.objects.exists()


def test_the_link_in_the_body_asks_before_ending(client, following_spain, make_cluster):
    publish(make_cluster, country="ES")
    with time_machine.travel(timezone.now() + LATER):
        send_alerts()
    [message] = mail.outbox

    page = get_page(client, link_in(message, "http://127.0.0.1:8000/alerts/end/"))
    assert Alert.objects.exists()
    ended = submit(client, page, page.soup.find("form", method="post"), status=200)

    assert "The alert has ended" in ended.text
    assert not Alert.objects.exists()
    again = get_page(client, page.url)
    assert "This alert has ended" in again.text


@pytest.mark.parametrize("kind", ["confirm", "end", "address"])
def test_a_tampered_link_is_refused_with_a_clear_page(client, following_spain, kind):
    from alerts import services

    path = {
        "confirm": services.confirm_path,
        "end": services.unsubscribe_path,
        "address": services.address_path,
    }[kind](following_spain)
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]

    page = get_page(client, tampered, status=400)
    assert "This link does not work" in page.text
    assert client.post(tampered).status_code == 400
    assert Alert.objects.get().confirmed_at is not None


def test_an_expired_confirmation_link_is_refused_and_the_request_deleted(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow_from_the_list(client, "country=ES")
    link = link_in(mail.outbox.pop(), "http://127.0.0.1:8000/alerts/confirm/")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = get_page(client, link, status=400)
        send_alerts()

    assert "This link has expired" in page.text
    assert not Alert.objects.exists()


def test_the_form_says_the_same_whoever_follows_and_one_alert_stays(
    client, following_spain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        again = follow_from_the_list(client, "country=ES", frequency="weekly")
    assert "Check your mailbox" in again.text

    confirm_by_mail(client, mail.outbox.pop())

    alert = Alert.objects.get()
    assert alert.pk == following_spain.pk
    assert alert.frequency == Alert.Frequency.WEEKLY


def test_one_address_follows_several_lists_on_one_page(
    client, following_spain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follow_from_the_list(client, "country=IT")
    confirmed = confirm_by_mail(client, mail.outbox.pop())

    page = follow(client, confirmed, confirmed.soup.find("a", string="your alerts"))

    headings = [heading.get_text() for heading in page.soup.select("main h2")]
    assert headings == ["New clusters in Spain", "New clusters in Italy"]
    [italy] = [
        form
        for form in page.soup.find_all("form", method="post")
        if "Italy" in form.parent.get_text()
    ]
    changed = submit(client, page, italy, {"frequency": "weekly", "action": "change"})
    assert changed.response.status_code == 302
    assert Alert.objects.get(query="country=IT").frequency == Alert.Frequency.WEEKLY

    page = get_page(client, page.url)
    [spain] = [
        form
        for form in page.soup.find_all("form", method="post")
        if "Spain" in form.parent.get_text()
    ]
    submit(client, page, spain, {"action": "end"})
    assert list(Alert.objects.values_list("query", flat=True)) == ["country=IT"]


def test_an_address_page_changes_only_its_own_alerts(
    client, following_spain, django_capture_on_commit_callbacks
):
    from alerts import services

    other = Alert.objects.create(email="other@example.org", query="country=IT", language="en")
    services.confirm(other)
    page = get_page(client, services.address_path(following_spain))
    form = page.soup.find("form", method="post")

    submit(client, page, form, {"alert": str(other.pk), "action": "end"})

    assert Alert.objects.count() == 2
