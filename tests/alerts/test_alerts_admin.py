"""Staff see how many alerts there are and what they follow; only administrators see who
follows them."""

import pytest
from bs4 import BeautifulSoup

from alerts import services
from alerts.models import Alert

ADDRESS = "reader@example.org"


@pytest.fixture
def alerts(db):
    for query in ("country=ES", "country=IT"):
        services.confirm(Alert.objects.create(email=ADDRESS, query=query, language="en"))


def changelist(client):
    response = client.get("/admin/alerts/alert/")
    assert response.status_code == 200
    return response.content.decode(), BeautifulSoup(response.content, "html.parser")


def test_an_editor_sees_the_number_of_alerts_not_the_addresses(editor, alerts):
    content, soup = changelist(editor)

    assert "2 e-mail alerts" in soup.get_text(" ")
    assert "New clusters in Spain" in content
    assert ADDRESS not in content
    pk = Alert.objects.first().pk
    assert ADDRESS not in editor.get(f"/admin/alerts/alert/{pk}/change/").content.decode()


def test_an_administrator_sees_the_addresses(administrator, alerts):
    content, _ = changelist(administrator)

    assert content.count(ADDRESS) == 2


def test_nobody_adds_an_alert_in_the_admin(administrator, alerts):
    assert administrator.get("/admin/alerts/alert/add/").status_code == 403
