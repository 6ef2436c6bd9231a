"""Every change records who made it, when and what, field by field; staff restore versions."""

import pytest

from clusters.models import Cluster, Membership
from clusters.services.self_service import manage_url
from tests.clusters.test_admin import admin_url, change_form, parse
from tests.clusters.test_register import VALID, register
from tests.pages import get_page, submit

pytestmark = pytest.mark.usefixtures("seed")


def changed_fields(record):
    return sorted(change.field for change in record.diff_against(record.prev_record).changes)


def test_a_change_in_the_admin_records_the_staff_member_and_the_fields(editor):
    cluster = Cluster.objects.get(slug="figeacteurs")
    url, data = change_form(editor, cluster)

    editor.post(url, {**data, "website": "https://figeacteurs.example", "city": "Figeac Lot"})

    latest = cluster.history.first()
    assert latest.history_user.username == "editor"
    assert changed_fields(latest) == ["city", "website"]


def test_the_admin_shows_the_differences(editor):
    cluster = Cluster.objects.get(slug="figeacteurs")
    url, data = change_form(editor, cluster)
    editor.post(url, {**data, "website": "https://figeacteurs.example"})

    page = parse(editor.get(admin_url(Cluster, "history", cluster.pk)))

    text = page.get_text(" ", strip=True)
    assert "website" in text.lower() and "https://figeacteurs.example" in text
    assert "editor" in text


def test_a_registration_records_the_registration_form(client):
    Cluster.objects.all().delete()
    register(client)

    cluster = Cluster.objects.get(name=VALID["name"])
    created = cluster.history.last()
    assert created.history_type == "+"
    assert created.history_user is None
    assert created.history_change_reason == "The registration form"
    membership = Membership.history.filter(cluster_id=cluster.pk).first()
    assert membership.history_change_reason == "The registration form"


def test_a_change_through_the_clusters_link_records_its_contact(client):
    cluster = Cluster.objects.get(slug="impact-noord")
    cluster.submitter_email = "hello@impactnoord.example"
    cluster.save()
    page = get_page(client, manage_url(cluster))
    form = page.soup.find("input", attrs={"value": "update"}).find_parent("form")

    submit(
        client,
        page,
        form,
        {
            "short_description": "Impact in the North.",
            "members-0-name": "Gemeente Groningen",
            "members-0-type": "local_authority",
            "members-1-name": "Hanze",
            "members-1-type": "education_research",
        },
    )

    latest = cluster.history.filter(
        history_change_reason__startswith="The cluster's contact"
    ).first()
    assert latest is not None
    assert latest.history_user is None
    assert "short_description" in changed_fields(latest)


def test_a_version_from_the_admin_can_be_restored(editor):
    cluster = Cluster.objects.get(slug="figeacteurs")
    before = cluster.history.first()
    url, data = change_form(editor, cluster)
    editor.post(url, {**data, "website": "https://wrong.example", "fields_of_activity": []})
    cluster.fields_of_activity.add(1)

    restore_url = admin_url(Cluster, "simple_history", cluster.pk, before.history_id)
    page = parse(editor.get(restore_url))
    rows = {
        row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in page.select("tbody tr")
    }
    assert rows["Website"] == ["https://wrong.example", "—"]
    editor.post(restore_url)

    cluster.refresh_from_db()
    assert cluster.website == ""
    assert list(cluster.fields_of_activity.values_list("pk", flat=True)) == list(
        before.fields_of_activity.values_list("fieldofactivity_id", flat=True)
    )
    restored = cluster.history.first()
    assert restored.history_change_reason.startswith("Restored the version of")
    assert restored.history_user.username == "editor"


def test_a_version_from_the_registration_form_can_be_restored(editor, client):
    Cluster.objects.filter(name=VALID["name"]).delete()
    register(client)
    cluster = Cluster.objects.get(name=VALID["name"])
    original = cluster.history.last()
    url, data = change_form(editor, cluster)
    editor.post(url, {**data, "short_description": "Changed by staff."})

    editor.post(admin_url(Cluster, "simple_history", cluster.pk, original.history_id))

    cluster.refresh_from_db()
    assert cluster.short_description == VALID["short_description"]


def test_editors_without_change_rights_may_not_restore(client):
    from django.contrib.auth.models import Permission

    from tests.conftest import staff_member

    viewer = staff_member("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    client.force_login(viewer)
    cluster = Cluster.objects.get(slug="figeacteurs")

    response = client.post(
        admin_url(Cluster, "simple_history", cluster.pk, cluster.history.first().history_id)
    )

    assert response.status_code == 403
