"""The staff site: roles, every page, moderation, the review dashboard, private data."""

import re

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStudy, CaseStudyLink
from clusters.models import (
    Cluster,
    ClusterChange,
    ClusterDescription,
    CorrectionSuggestion,
    JoinedThematicArea,
    Membership,
    Organisation,
)
from clusters.services import merging
from themes.models import JoinRequest, ThematicArea

CURATED_APPS = ["clusters", "themes", "cases"]
# Edited inline on its parent's form only.
INLINE_ONLY_MODELS = {CaseStudyLink, ClusterDescription}
# Written by the code as the directory changes, never by a person: the changes API's log and
# the dates clusters joined thematic areas.
BOOKKEEPING_MODELS = {ClusterChange, JoinedThematicArea}
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
            data[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            selected = [option.get("value", "") for option in field.select("option[selected]")]
            data[name] = selected if field.has_attr("multiple") else (selected or [""])[0]
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def change_form(client, cluster):
    url = admin_url(Cluster, "change", cluster.pk)
    return url, form_data(parse(client.get(url)).select_one("form#cluster_form"))


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production redirects to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(params=["editor", "administrator"])
def staff(request):
    """Each staff role in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def every_kind_of_row(seed):
    """The seed, plus a row of each model it leaves empty."""
    cluster = Cluster.objects.get(slug="torino-social-impact")
    CorrectionSuggestion.objects.create(
        cluster=cluster, message="The website moved.", name="A reader", email="r@example.org"
    )
    JoinRequest.objects.create(
        cluster=cluster, thematic_area=ThematicArea.objects.first(), email="r@example.org"
    )
    cluster.name = "Torino Social Impact (renamed)"
    cluster.slug = "torino-social-impact-renamed"
    cluster.save()
    kept = Organisation.objects.create(name="Caritas Polska", type="civil_society", country="PL")
    merging.merge_organisations(
        kept, [Organisation.objects.create(name="Caritas PL", country="PL")]
    )


def test_every_model_has_an_admin():
    models = {
        model
        for app_label in CURATED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert models - INLINE_ONLY_MODELS - BOOKKEEPING_MODELS == set(registered_models())


# The permission matrix: what each person may see and do, cell by cell.
MATRIX = [
    # (what, url, anonymous, staff without a role, editor, administrator)
    ("the admin", "/admin/", 302, 200, 200, 200),
    ("clusters", "/admin/clusters/cluster/", 302, 403, 200, 200),
    ("add a cluster", "/admin/clusters/cluster/add/", 302, 403, 200, 200),
    ("organisations", "/admin/clusters/organisation/", 302, 403, 200, 200),
    ("case studies", "/admin/cases/casestudy/", 302, 403, 200, 200),
    ("thematic areas", "/admin/themes/thematicarea/", 302, 403, 200, 200),
    ("suggestions", "/admin/clusters/correctionsuggestion/", 302, 403, 200, 200),
    ("join requests", "/admin/themes/joinrequest/", 302, 403, 200, 200),
    ("fields of activity", "/admin/clusters/fieldofactivity/", 302, 403, 200, 200),
    ("add a field of activity", "/admin/clusters/fieldofactivity/add/", 302, 403, 403, 200),
    ("import clusters", "/admin/clusters/cluster/import/", 302, 403, 200, 200),
    ("staff accounts", "/admin/auth/user/", 302, 403, 403, 200),
    ("roles", "/admin/auth/group/", 302, 403, 403, 200),
    ("sign-in lockouts", "/admin/axes/accessattempt/", 302, 403, 403, 200),
    (
        "organisation search",
        "/admin/autocomplete/?app_label=clusters&model_name=membership&field_name=organisation",
        302, 403, 200, 200,
    ),
]  # fmt: skip
PERSONAS = ["anonymous", "staff_without_a_role", "editor", "administrator"]


CELLS = [
    pytest.param(url, persona, statuses[index], id=f"{what}-{persona}")
    for what, url, *statuses in MATRIX
    for index, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("url", "persona", "status"), CELLS)
def test_who_may_open_what(request, seed, url, persona, status):
    client = request.getfixturevalue(persona)

    assert client.get(url).status_code == status


@pytest.mark.parametrize(("persona", "may_delete"), [("editor", False), ("administrator", True)])
def test_only_administrators_delete(request, seed, persona, may_delete):
    client = request.getfixturevalue(persona)
    cluster = Cluster.objects.get(slug="figeacteurs")

    status = client.get(admin_url(Cluster, "delete", cluster.pk)).status_code

    assert status == (200 if may_delete else 403)


def test_staff_without_a_role_sees_no_queue(staff_without_a_role, seed):
    page = parse(staff_without_a_role.get("/admin/"))

    assert not page.select_one("#needs-attention")
    assert "You don’t have permission to view or edit anything." in page.get_text()


def test_a_staff_member_can_open_every_changelist(staff, every_kind_of_row):
    for model in registered_models():
        response = staff.get(admin_url(model, "changelist"))

        assert response.status_code == 200, model
        assert parse(response).select("#result_list tbody tr"), model


def test_a_staff_member_can_open_every_change_form_and_its_history(staff, every_kind_of_row):
    for model in registered_models():
        obj = model.objects.first()
        response = staff.get(admin_url(model, "change", obj.pk))

        assert response.status_code == 200, model
        assert parse(response).select_one(f"form#{model._meta.model_name}_form"), model
        assert staff.get(admin_url(model, "history", obj.pk)).status_code == 200, model


def test_the_cluster_form_starts_with_the_publication_status(editor, seed):
    cluster = Cluster.objects.get(slug="figeacteurs")

    page = parse(editor.get(admin_url(Cluster, "change", cluster.pk)))

    headings = [heading.get_text(strip=True) for heading in page.select("fieldset h2")]
    assert headings[:2] == ["Publication", "Identity"]
    # Shown, not edited: the status changes through the moderation buttons.
    assert page.select_one("fieldset .field-status .readonly").get_text() == "Published"
    assert not page.select_one("fieldset .field-status select")
    review = page.select_one(".field-review .readonly").get_text()
    assert review == "Country inferred or unknown; Not verified for a year"


def test_submitters_details_are_only_for_staff_who_may_change_the_entry(seed, client, editor):
    from tests.conftest import staff_member

    cluster = Cluster.objects.get(slug="figeacteurs")
    cluster.submitter_email = "private@example.org"
    cluster.save()
    assert (
        "private@example.org"
        in editor.get(admin_url(Cluster, "change", cluster.pk)).content.decode()
    )

    viewer = staff_member("viewer")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    client.force_login(viewer)
    page = client.get(admin_url(Cluster, "change", cluster.pk))
    assert page.status_code == 200
    assert "private@example.org" not in page.content.decode()


def test_the_review_column_says_why_and_not_with_a_tick(editor, seed):
    response = editor.get(CLUSTER_CHANGELIST, {"q": "Base 202"})

    row = parse(response).select_one("#result_list tbody tr")
    # A word each, so that the list reads whole at 1280 pixels; the filter says them whole.
    assert row.select_one(".field-to_review").get_text(strip=True) == (
        "country, coordinates, not verified"
    )
    assert not row.select(".field-to_review img")


def dashboard(client):
    rows = parse(client.get("/admin/")).select("#needs-attention tr")
    return {
        row.th.get_text(strip=True): (int(row.td.get_text(strip=True)), row.a["href"])
        for row in rows
    }


def test_the_dashboard_counts_match_the_data_and_link_to_them(editor, seed, make_cluster):
    make_cluster(name="Waiting", status=Cluster.Status.PENDING)
    make_cluster(name="Labelled", label="esca_gold", label_expires_on=timezone.localdate())
    ThematicArea.objects.create(name="Idea", status=ThematicArea.Status.PROPOSED)

    lines = dashboard(editor)

    published = Cluster.objects.published()
    expected = {
        "Registrations waiting for review": 1,
        "Possible duplicates": 0,
        "Published entries: Country inferred or unknown": published.needing_review(
            "country"
        ).count(),
        "Published entries: Place inferred": published.needing_review("place").count(),
        "Published entries: Model inferred": published.needing_review("model").count(),
        "Published entries: No coordinates": published.needing_review("coordinates").count(),
        "Published entries: Activity unknown": 6,
        "Published entries: Not verified for a year": 63,
        "Published entries: ESCA label expiring within 60 days": 1,
        "Corrections suggested": 0,
        "Thematic areas proposed": 1,
        "Requests to join a thematic area": 0,
        "E-mails that could not be sent": 0,
    }
    assert {label: count for label, (count, _) in lines.items()} == expected
    assert expected["Published entries: Country inferred or unknown"] == 35
    for label, (count, link) in lines.items():
        response = editor.get(link)
        assert response.status_code == 200, label
        shown = parse(response).select_one(".paginator").get_text()
        assert re.search(rf"\b{count} ", shown), (label, shown)


def test_the_first_filter_leads_to_the_pending_clusters(editor, seed, make_cluster):
    make_cluster(name="Waiting Cluster", status=Cluster.Status.PENDING)
    make_cluster(name="Draft Cluster", status=Cluster.Status.DRAFT)

    first_filter = parse(editor.get(CLUSTER_CHANGELIST)).select_one("#changelist-filter details")
    assert first_filter.summary.get_text(strip=True) == "By publication status"
    pending_link = first_filter.find("a", string=re.compile("^Pending review"))
    response = editor.get(CLUSTER_CHANGELIST + pending_link["href"])

    assert listed_names(response) == ["Waiting Cluster"]


def run_action(client, model, action, objects, **extra):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        follow=True,
    )


@pytest.fixture
def registration(make_cluster):
    return make_cluster(
        name="Pôle Nouveau",
        status=Cluster.Status.PENDING,
        source=Cluster.Source.REGISTRATION,
        submitter_name="Camille",
        submitter_email="camille@example.org",
    )


def test_publishing_tells_the_submitter_the_address_and_their_link(
    editor, registration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(editor, Cluster, "publish", [registration])

    assert "1 cluster published." in parse(response).select_one(".messagelist").get_text()
    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PUBLISHED
    assert registration.published_at is not None
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "Pôle Nouveau is in the CSEI Directory"
    assert "http://127.0.0.1:8000/clusters/pole-nouveau/" in message.body
    assert "/clusters/pole-nouveau/manage/" in message.body


def test_the_change_form_publishes_with_its_button(
    editor, registration, django_capture_on_commit_callbacks
):
    url, data = change_form(editor, registration)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, {**data, "_publish": "Publish"})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PUBLISHED
    assert len(mail.outbox) == 1


def test_rejecting_needs_a_reason_and_emails_it(
    editor, registration, django_capture_on_commit_callbacks
):
    url, data = change_form(editor, registration)

    refused = editor.post(url, {**data, "_reject": "Reject"})
    assert refused.status_code == 200
    assert "Give the reason" in parse(refused).select_one(".field-rejection_reason").get_text()
    registration.refresh_from_db()
    assert registration.status == Cluster.Status.PENDING

    reason = "It is a single cooperative, not a cluster of organisations."
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {**data, "rejection_reason": reason, "_reject": "Reject"})

    registration.refresh_from_db()
    assert registration.status == Cluster.Status.REJECTED
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert reason in message.body


def test_archiving_takes_a_cluster_off_the_site(editor, make_cluster):
    cluster = make_cluster()

    run_action(editor, Cluster, "archive", [cluster])

    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.ARCHIVED
    assert cluster not in Cluster.objects.published()


def test_staff_preview_an_unpublished_page_under_a_banner(editor, client, registration):
    page = BeautifulSoup(editor.get("/clusters/pole-nouveau/").content, "html.parser")

    assert (
        page.select_one(".preview-banner")
        .get_text(" ", strip=True)
        .startswith("Preview for staff: this entry is not public; it is “pending review”.")
    )
    client.logout()
    assert client.get("/clusters/pole-nouveau/").status_code == 404


def test_publishing_again_keeps_the_first_publication_date(editor, make_cluster):
    cluster = make_cluster(status=Cluster.Status.PUBLISHED)
    first_published_at = cluster.published_at

    run_action(editor, Cluster, "publish", [cluster])

    cluster.refresh_from_db()
    assert cluster.published_at == first_published_at


def test_marking_clusters_as_verified_records_the_time(editor, make_cluster):
    cluster = make_cluster()

    run_action(editor, Cluster, "mark_verified", [cluster])

    cluster.refresh_from_db()
    assert cluster.last_verified_at is not None


@pytest.mark.parametrize(
    ("action", "status"),
    [("set_active", "active"), ("set_inactive", "inactive"), ("set_activity_unknown", "unknown")],
)
def test_bulk_actions_set_the_activity_status(editor, make_cluster, action, status):
    clusters = [make_cluster(), make_cluster()]

    run_action(editor, Cluster, action, clusters)

    assert set(
        Cluster.objects.filter(pk__in=[c.pk for c in clusters]).values_list(
            "activity_status", flat=True
        )
    ) == {status}


def test_the_changelist_search_finds_a_cluster_by_other_name(editor, seed):
    assert listed_names(editor.get(CLUSTER_CHANGELIST, {"q": "Klastr"})) == [
        "SINEC - Social Innovation and Enterprise Cluster"
    ]


def test_updates_have_a_date_hierarchy(editor, seed):
    page = parse(editor.get(CLUSTER_CHANGELIST))
    assert page.select_one("nav.xfull, .xfull") or page.select_one(
        "#toolbar ~ nav, .date-hierarchy"
    )


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name", "term", "expected"),
    [
        ("clusters", "membership", "organisation", "UNIMOS", "UNIMOS Foundation (PL)"),
        ("clusters", "cluster", "thematic_areas", "Skill", "Skills"),
        ("cases", "casestudy", "cluster", "Circular", "Circularium"),
        ("themes", "joinrequest", "cluster", "Torino", "Torino Social Impact"),
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
    url, data = change_form(editor, cluster)
    data["memberships-0-organisation"] = unimos.pk
    data["memberships-0-role"] = Membership.Role.FOUNDING_MEMBER

    response = editor.post(url, data)

    assert response.status_code == 302, parse(response).select(".errorlist")
    membership = Membership.objects.get(cluster=cluster, organisation=unimos)
    assert membership.role == Membership.Role.FOUNDING_MEMBER


def test_merging_organisations_moves_memberships_to_the_oldest(editor, make_cluster):
    both, only_duplicate = make_cluster(), make_cluster()
    oldest = Organisation.objects.create(name="Acme", country="FR")
    duplicate = Organisation.objects.create(name="ACME SCIC", country="FR")
    Membership.objects.create(cluster=both, organisation=oldest)
    Membership.objects.create(cluster=both, organisation=duplicate)
    Membership.objects.create(cluster=only_duplicate, organisation=duplicate)

    run_action(editor, Organisation, "merge", [duplicate, oldest])

    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert set(oldest.memberships.values_list("cluster", flat=True)) == {
        both.pk,
        only_duplicate.pk,
    }


def test_marking_correction_suggestions_as_handled_closes_them(editor, make_cluster):
    suggestion = CorrectionSuggestion.objects.create(
        cluster=make_cluster(), message="New address.", name="A reader", email="r@example.org"
    )

    run_action(editor, CorrectionSuggestion, "mark_handled", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == CorrectionSuggestion.Status.DONE


def test_accepting_a_join_request_adds_the_cluster_to_the_area(editor, seed):
    skills = ThematicArea.objects.get(slug="skills")
    join_request = JoinRequest.objects.create(
        cluster=Cluster.objects.get(slug="impact-noord"),
        thematic_area=skills,
        email="x@example.org",
    )

    run_action(editor, JoinRequest, "accept", [join_request])

    assert skills in Cluster.objects.get(slug="impact-noord").thematic_areas.all()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED


def test_case_studies_keep_an_edit_history(editor, seed):
    case = CaseStudy.objects.get(slug="circularium")
    url = admin_url(CaseStudy, "change", case.pk)
    data = form_data(parse(editor.get(url)).select_one("form#casestudy_form"))

    editor.post(url, {**data, "summary_en": "A new summary.", "summary_fr": "Un résumé."})

    latest = case.history.first()
    assert latest.history_user.username == "editor"
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == [
        "summary"
    ]
    # The history keeps every language.
    assert (latest.summary_en, latest.summary_fr) == ("A new summary.", "Un résumé.")
