"""The alert pages are valid HTML as the Nu HTML checker reads them."""

import pytest

from alerts import services
from alerts.models import Alert
from tests.csei.test_html_validity import (  # noqa: F401  (html_checker is a fixture)
    checker_errors,
    html_checker,
)

pytestmark = pytest.mark.usefixtures("seed")


def test_every_alert_page_is_valid_html(client, html_checker, tmp_path):  # noqa: F811
    waiting = Alert.objects.create(email="new@example.org", query="country=IT", language="en")
    running = services.confirm(
        Alert.objects.create(email="reader@example.org", query="country=ES", language="en")
    )
    pages = {
        "follow": client.get("/alerts/new/?country=ES&q=coop"),
        "follow-with-errors": client.post("/alerts/new/?country=ES", {"email": "not an address"}),
        "follow-sent": client.get("/alerts/new/sent/"),
        "confirm": client.get(services.confirm_path(waiting)),
        "confirmed": client.post(services.confirm_path(waiting)),
        "address": client.get(services.address_path(running)),
        "end": client.get(services.unsubscribe_path(running)),
        "ended": client.post(services.unsubscribe_path(running)),
        "invalid": client.get("/alerts/end/1:forged/"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400), (name, response.status_code)
        (tmp_path / f"{name}.html").write_bytes(response.content)

    assert checker_errors(html_checker, tmp_path) == []
