"""Signing in to /admin/: lockout after repeated failures, the log, and the session's length."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User

from tests.pages import get_page, submit

PASSWORD = "a-long-staff-password"
OFFICE = "198.51.100.1"
HOME = "198.51.100.2"


@pytest.fixture
def staff(db):
    return User.objects.create_user("camille", password=PASSWORD, is_staff=True)


def sign_in(client, password, address=OFFICE, status=None):
    """Fill in and send the admin's sign-in form from `address`, as a browser would."""
    page = get_page(client, "/admin/login/?next=/admin/")
    form = page.soup.find("form", id="login-form")
    client.defaults["REMOTE_ADDR"] = address
    return submit(client, page, form, {"username": "camille", "password": password}, status)


def signed_in(client):
    return client.get("/admin/").status_code == 200


def test_five_failures_lock_the_account_out_from_that_address_with_a_clear_message(
    anonymous, staff
):
    for _ in range(4):
        sign_in(anonymous, "wrong", status=200)
    sign_in(anonymous, "wrong", status=429)

    page = sign_in(anonymous, PASSWORD, status=429)

    assert not signed_in(anonymous)
    assert "too many failed sign-ins from your address" in page.text
    assert "next 30 minutes" in page.text
    assert "CSEI Directory: staff" in page.text


def test_the_lockout_leaves_the_account_open_from_another_address(anonymous, staff):
    for _ in range(6):
        sign_in(anonymous, "wrong", address=OFFICE)

    sign_in(anonymous, PASSWORD, address=HOME, status=302)

    assert signed_in(anonymous)


def test_behind_a_proxy_the_lockout_counts_the_visitors_address(anonymous, staff, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    anonymous.defaults["HTTP_X_REAL_IP"] = "203.0.113.5"
    for _ in range(5):
        sign_in(anonymous, "wrong")
    sign_in(anonymous, PASSWORD, status=429)

    anonymous.defaults["HTTP_X_REAL_IP"] = "203.0.113.6"

    sign_in(anonymous, PASSWORD, status=302)


def test_the_lockout_ends_after_half_an_hour(anonymous, staff):
    for _ in range(5):
        sign_in(anonymous, "wrong")
    AccessAttempt.objects.update(attempt_time=staff.date_joined - timedelta(minutes=31))

    sign_in(anonymous, PASSWORD, status=302)

    assert signed_in(anonymous)


def test_a_successful_sign_in_starts_the_count_again(anonymous, staff):
    for _ in range(4):
        sign_in(anonymous, "wrong")
    sign_in(anonymous, PASSWORD, status=302)
    anonymous.post("/admin/logout/")

    for _ in range(4):
        sign_in(anonymous, "wrong")

    sign_in(anonymous, PASSWORD, status=302)


def test_sign_in_failure_and_sign_out_are_logged_with_account_and_address(anonymous, staff, caplog):
    sign_in(anonymous, "wrong")
    sign_in(anonymous, PASSWORD)
    anonymous.post("/admin/logout/")

    lines = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    failure, success, sign_out = (
        next(line for line in lines if event in line)
        for event in ("New login failure", "Successful login", "Successful logout")
    )
    for line in (failure, success):
        assert '"camille"' in line
        assert f'"{OFFICE}"' in line
    assert '"camille"' in sign_out
    assert not any("wrong" in line or PASSWORD in line for line in lines)


def test_a_staff_session_ends_after_a_working_day(anonymous, staff):
    sign_in(anonymous, PASSWORD, status=302)

    assert anonymous.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_a_sign_in_asked_to_lead_elsewhere_lands_on_the_admin(anonymous, staff):
    page = get_page(anonymous, "/admin/login/?next=https://evil.example/")
    form = page.soup.find("form", id="login-form")

    signed = submit(anonymous, page, form, {"username": "camille", "password": PASSWORD}, 302)

    assert signed.response["Location"] == "/admin/"
