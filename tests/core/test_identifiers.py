"""Any identifier a request names, however large or negative, gets a form error or an
empty answer, never a server error: on SQLite an integer past 64 bits cannot even be sent
to the database."""

import pytest
from django.contrib.messages import get_messages

from clusters.models import Cluster
from tests.pages import submit
from tests.public_forms import ACCEPTED, open_form, rows

pytestmark = pytest.mark.usefixtures("seed")

TOO_LARGE = [str(2**63), str(10**30), str(-(2**63) - 1)]
LARGEST = str(2**63 - 1)
CHOICE_FIELDS = ["fields_of_activity", "services", "innovation_types", "thematic_areas"]


@pytest.mark.parametrize("form", ["register", "manage"])
@pytest.mark.parametrize("field", CHOICE_FIELDS)
@pytest.mark.parametrize("identifier", [*TOO_LARGE, LARGEST])
def test_a_choice_no_column_holds_is_a_form_error(client, form, field, identifier):
    page, element = open_form(client, form)
    before = rows()

    sent = submit(client, page, element, {**ACCEPTED[form], field: identifier})

    assert sent.response.status_code == 200
    error = sent.soup.find(id=f"id_{field}_error")
    assert error is not None and "not one of the available choices" in error.get_text()
    assert rows() == before


@pytest.mark.parametrize("identifier", TOO_LARGE)
def test_merging_clusters_named_by_ids_no_column_holds_says_to_choose_two(editor, identifier):
    pk = Cluster.objects.order_by("pk").first().pk

    response = editor.get(f"/admin/clusters/cluster/merge/?ids={identifier},{pk}")

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Select exactly two clusters to merge."
    ]


@pytest.mark.parametrize("identifier", TOO_LARGE)
def test_the_admin_answers_an_identifier_no_column_holds_without_an_error(editor, identifier):
    pk = Cluster.objects.order_by("pk").first().pk

    for url in (
        f"/admin/clusters/cluster/{identifier}/change/",
        f"/admin/clusters/cluster/{pk}/history/{identifier}/",
        f"/admin/clusters/cluster/?id__in={identifier}",
    ):
        assert editor.get(url).status_code < 500, url
    change = editor.post(
        f"/admin/clusters/cluster/{pk}/change/", {"name": "x", "thematic_areas": identifier}
    )
    assert change.status_code == 200
