"""Who may see what in the admin: anonymous visitors, staff with no permission, editors (who
curate the directory) and administrators. Roles come later; these hold already."""

import pytest
from django.contrib.auth.models import User

PRIVATE_EMAIL = "submitter@example.org"

# (URL, statuses for anonymous, staff without permissions, editor, administrator)
MATRIX = [
    ("/admin/", 302, 200, 200, 200),
    ("/admin/clusters/cluster/", 302, 403, 200, 200),
    ("/admin/clusters/cluster/{pk}/change/", 302, 403, 200, 200),
    ("/admin/clusters/correctionsuggestion/", 302, 403, 200, 200),
    (
        "/admin/autocomplete/?app_label=clusters&model_name=membership&field_name=organisation",
        302, 403, 200, 200,
    ),
    ("/admin/auth/user/", 302, 403, 403, 200),
    ("/admin/axes/accessattempt/", 302, 403, 403, 200),
]  # fmt: skip
PERSONAS = ["anonymous", "staff_without_permissions", "editor", "administrator"]


@pytest.fixture
def staff_without_permissions(db, client):
    user = User.objects.create_user("intern", password="an-intern-password", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def pending_cluster(make_cluster):
    return make_cluster(name="Awaiting review", status="pending", submitter_email=PRIVATE_EMAIL)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_only_the_admin_pages_it_may(request, persona, pending_cluster):
    client = request.getfixturevalue(persona)

    for url, *statuses in MATRIX:
        expected = statuses[PERSONAS.index(persona)]
        response = client.get(url.format(pk=pending_cluster.pk))

        assert response.status_code == expected, (persona, url)
        if expected != 200:
            assert PRIVATE_EMAIL.encode() not in response.content, (persona, url)


def test_staff_without_permissions_see_no_model_on_the_admin_index(staff_without_permissions, db):
    response = staff_without_permissions.get("/admin/")

    assert b"You don\xe2\x80\x99t have permission to view or edit anything." in response.content
    assert b"/admin/clusters/" not in response.content


def test_an_administrator_sees_the_submitters_private_address(administrator, pending_cluster):
    response = administrator.get(f"/admin/clusters/cluster/{pending_cluster.pk}/change/")

    assert PRIVATE_EMAIL.encode() in response.content
