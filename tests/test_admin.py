import re

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from cases.models import CaseStudyLink
from clusters.models import Cluster, CorrectionSuggestion, Membership, Organisation
from themes.models import JoinRequest, ThematicArea

CURATED_APPS = ["clusters", "themes", "cases"]
# Edited inline on its parent's form only.
INLINE_ONLY_MODELS = {CaseStudyLink}

CLUSTER_CHANGELIST = "/admin/clusters/cluster/"


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in CURATED_APPS]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def parse(response):
    return BeautifulSoup(response.content, "html.parser")


def listed_names(response):
    """The first column of each row of a changelist: the object's name."""
    return [row.th.get_text(strip=True) for row in parse(response).select("#result_list tbody tr")]


def form_data(form):
    """What a browser would submit for this form, as the page shows it."""
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            selected = [option.get("value", "") for option in field.select("option[selected]")]
            data[name] = selected if field.has_attr("multiple") else (selected or [""])[0]
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production redirects to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(params=["editor", "administrator"])
def staff(request):
    """Each staff persona in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def every_kind_of_row(seed):
    """The seed, plus a row of each model it leaves empty."""
    CorrectionSuggestion.objects.create(
        cluster=Cluster.objects.first(),
        message="The website moved.",
        name="A reader",
        email="reader@example.org",
    )
    JoinRequest.objects.create(
        cluster=Cluster.objects.first(),
        thematic_area=ThematicArea.objects.first(),
        email="reader@example.org",
    )


def test_every_model_has_an_admin():
    models = {
        model for app_label in CURATED_APPS for model in apps.get_app_config(app_label).get_models()
    }
    assert models - INLINE_ONLY_MODELS == set(registered_models())


@pytest.mark.parametrize("url", ["/admin/", CLUSTER_CHANGELIST, "/admin/clusters/cluster/add/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(anonymous, db, url):
    response = anonymous.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_a_staff_member_can_open_the_admin_index(staff):
    response = staff.get("/admin/")

    assert response.status_code == 200
    assert parse(response).select_one("#needs-attention")


def test_a_staff_member_can_open_every_changelist(staff, every_kind_of_row):
    for model in registered_models():
        response = staff.get(admin_url(model, "changelist"))

        assert response.status_code == 200, model
        assert parse(response).select("#result_list tbody tr"), model


def test_a_staff_member_can_open_every_add_form(staff, every_kind_of_row):
    for model in registered_models():
        response = staff.get(admin_url(model, "add"))

        assert response.status_code == 200, model
        assert parse(response).select_one(f"form#{model._meta.model_name}_form"), model


def test_a_staff_member_can_open_every_change_form(staff, every_kind_of_row):
    for model in registered_models():
        response = staff.get(admin_url(model, "change", model.objects.first().pk))

        assert response.status_code == 200, model
        assert parse(response).select_one(f"form#{model._meta.model_name}_form"), model


def test_the_cluster_form_groups_its_fields(editor, seed):
    cluster = Cluster.objects.first()

    page = parse(editor.get(admin_url(Cluster, "change", cluster.pk)))

    headings = [heading.get_text(strip=True) for heading in page.select("fieldset h2")]
    assert headings[:7] == [
        "Identity",
        "Location",
        "Organisation",
        "Classification",
        "ECCP and label",
        "Publication",
        "Private: submitter and staff notes",
    ]
    for timestamp in ["created_at", "updated_at", "published_at"]:
        assert not page.select(f"[name={timestamp}]"), f"{timestamp} should be read-only"
        assert page.select_one(f".field-{timestamp} .readonly")


def test_the_changelist_search_finds_a_cluster_by_city(editor, seed):
    response = editor.get(CLUSTER_CHANGELIST, {"q": "Dijon"})

    assert listed_names(response) == ["Coursive Boutaric"]


def test_the_changelist_search_finds_a_cluster_by_legal_entity_name(editor, make_cluster):
    make_cluster(name="Pôle Sud", legal_entity_name="Association Pôle Sud Coopération")
    make_cluster(name="Other")

    response = editor.get(CLUSTER_CHANGELIST, {"q": "coopération"})

    assert listed_names(response) == ["Pôle Sud"]


def test_the_first_filter_leads_to_the_pending_clusters(editor, seed, make_cluster):
    make_cluster(name="Waiting Cluster", status=Cluster.Status.PENDING)
    make_cluster(name="Draft Cluster", status=Cluster.Status.DRAFT)

    first_filter = parse(editor.get(CLUSTER_CHANGELIST)).select_one("#changelist-filter details")
    assert first_filter.summary.get_text(strip=True) == "By publication status"
    pending_link = first_filter.find("a", string=re.compile("^Pending review"))
    assert pending_link.get_text(strip=True) == "Pending review (1)"
    response = editor.get(CLUSTER_CHANGELIST + pending_link["href"])

    assert listed_names(response) == ["Waiting Cluster"]


def test_the_admin_index_links_to_the_pending_clusters(editor, make_cluster):
    make_cluster(name="Waiting Cluster", status=Cluster.Status.PENDING)
    make_cluster(name="Published Cluster")

    index = parse(editor.get("/admin/"))
    link = index.select_one("#needs-attention").find("a", string="Clusters pending review")
    response = editor.get(link["href"])

    assert listed_names(response) == ["Waiting Cluster"]


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def test_publishing_selected_clusters_publishes_them_and_only_them(editor, make_cluster):
    waiting = make_cluster(status=Cluster.Status.PENDING)
    draft = make_cluster(status=Cluster.Status.DRAFT)
    untouched = make_cluster(status=Cluster.Status.PENDING)

    response = run_action(editor, Cluster, "publish", [waiting, draft])

    assert response.status_code == 200
    assert "2 clusters published." in parse(response).select_one(".messagelist").get_text()
    for cluster in [waiting, draft]:
        cluster.refresh_from_db()
        assert cluster.status == Cluster.Status.PUBLISHED
        assert cluster.published_at is not None
    untouched.refresh_from_db()
    assert untouched.status == Cluster.Status.PENDING
    assert LogEntry.objects.filter(change_message="Published.").count() == 2


def test_publishing_again_keeps_the_first_publication_date(editor, make_cluster):
    cluster = make_cluster(status=Cluster.Status.PUBLISHED)
    first_published_at = cluster.published_at

    run_action(editor, Cluster, "publish", [cluster])

    cluster.refresh_from_db()
    assert cluster.published_at == first_published_at


def test_marking_clusters_as_verified_records_the_time(editor, make_cluster):
    cluster = make_cluster()
    assert cluster.last_verified_at is None

    run_action(editor, Cluster, "mark_verified", [cluster])

    cluster.refresh_from_db()
    assert cluster.last_verified_at is not None


def test_archiving_clusters_takes_them_off_the_site(editor, make_cluster):
    cluster = make_cluster()

    run_action(editor, Cluster, "archive", [cluster])

    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.ARCHIVED
    assert cluster not in Cluster.objects.published()


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name", "term", "expected"),
    [
        ("clusters", "membership", "organisation", "UNIMOS", "UNIMOS Foundation (PL)"),
        ("clusters", "cluster_thematic_areas", "cluster", "AgroBio", "AgroBioCluster"),
        ("cases", "casestudy", "cluster", "Circular", "Circularium"),
    ],
)
def test_the_autocomplete_fields_find_by_name(
    staff, seed, app_label, model_name, field_name, term, expected
):
    response = staff.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )

    assert response.status_code == 200
    assert expected in [result["text"] for result in response.json()["results"]]


def test_a_membership_can_be_added_on_the_cluster_form(editor, seed):
    cluster = Cluster.objects.get(name="Circularium")
    unimos = Organisation.objects.get(name="UNIMOS Foundation")
    url = admin_url(Cluster, "change", cluster.pk)
    data = form_data(parse(editor.get(url)).select_one("form#cluster_form"))
    data["memberships-0-organisation"] = unimos.pk
    data["memberships-0-role"] = Membership.Role.FOUNDING_MEMBER

    response = editor.post(url, data)

    assert response.status_code == 302, parse(response).select(".errorlist")
    membership = Membership.objects.get(cluster=cluster, organisation=unimos)
    assert membership.role == Membership.Role.FOUNDING_MEMBER


def test_the_thematic_area_list_counts_its_clusters(editor, make_cluster):
    area = ThematicArea.objects.create(name="Food", status=ThematicArea.Status.ACTIVE)
    for _ in range(2):
        make_cluster().thematic_areas.add(area)

    response = editor.get(admin_url(ThematicArea, "changelist"))

    rows = parse(response).select("#result_list tbody tr")
    row = next(row for row in rows if row.select_one(".field-name").get_text(strip=True) == "Food")
    assert row.select_one(".field-cluster_count").get_text(strip=True) == "2"


def test_merging_organisations_moves_memberships_to_the_oldest(editor, make_cluster):
    both, only_duplicate = make_cluster(), make_cluster()
    oldest = Organisation.objects.create(name="Acme", country="FR")
    duplicate = Organisation.objects.create(name="ACME SCIC", country="FR")
    Membership.objects.create(cluster=both, organisation=oldest)
    Membership.objects.create(cluster=both, organisation=duplicate)
    Membership.objects.create(cluster=only_duplicate, organisation=duplicate)

    response = run_action(editor, Organisation, "merge", [duplicate, oldest])

    assert response.status_code == 200
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert set(oldest.memberships.values_list("cluster", flat=True)) == {
        both.pk,
        only_duplicate.pk,
    }


def test_merging_a_single_organisation_changes_nothing(editor):
    organisation = Organisation.objects.create(name="Acme", country="FR")

    response = run_action(editor, Organisation, "merge", [organisation])

    assert "Select at least two" in parse(response).select_one(".messagelist").get_text()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_marking_correction_suggestions_as_handled_closes_them(editor, make_cluster):
    suggestion = CorrectionSuggestion.objects.create(
        cluster=make_cluster(), message="New address.", name="A reader", email="r@example.org"
    )

    run_action(editor, CorrectionSuggestion, "mark_handled", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == CorrectionSuggestion.Status.DONE
