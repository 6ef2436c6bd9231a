"""Clusters propose thematic areas at /themes/propose/ and join one from its page."""

import pytest
from django.core import mail

from clusters.models import Cluster
from clusters.services import join_requests
from tests.pages import get_page, submit
from themes.models import JoinRequest, ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

PROPOSAL = {
    "name": "Community energy",
    "description": "Clusters that run energy cooperatives with their towns.",
    "reason": "Local energy keeps money and jobs in the territory.",
    "proposed_by_name": "Ana Silva",
    "proposed_by_email": "ana@example.org",
    "consent": "on",
}


@pytest.fixture
def staff(settings):
    settings.STAFF_EMAILS = ["staff@example.org"]


def propose(client, **changes):
    page = get_page(client, "/themes/propose/")
    answers = {
        name: [] if value is None else value for name, value in {**PROPOSAL, **changes}.items()
    }
    return submit(client, page, page.soup.find("form", method="post"), answers)


def test_the_thematic_areas_page_invites_proposals(client):
    page = get_page(client, "/themes/")
    assert page.soup.find("a", string="Propose a thematic area")["href"] == "/themes/propose/"


def test_a_proposal_creates_a_proposed_area_for_staff_and_confirms_by_email(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = propose(client)

    assert sent.response.status_code == 302
    area = ThematicArea.objects.get(name="Community energy")
    assert area.status == ThematicArea.Status.PROPOSED
    assert area.reason == PROPOSAL["reason"]
    assert (area.proposed_by_name, area.proposed_by_email) == ("Ana Silva", "ana@example.org")
    confirmation, notification = mail.outbox
    assert confirmation.to == ["ana@example.org"]
    assert confirmation.subject == "We received your proposal: Community energy"
    assert notification.to == ["staff@example.org"]
    assert PROPOSAL["reason"] in notification.body
    thanks = get_page(client, sent.response["Location"])
    assert "“Community energy” is proposed" in thanks.text
    # Proposed is not public: no page, no filter, not listed.
    get_page(client, f"/themes/{area.slug}/", status=404)
    assert "Community energy" not in get_page(client, "/themes/").text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, "name"),
        ({"description": None}, "description"),
        ({"reason": None}, "reason"),
        ({"proposed_by_email": "ana"}, "proposed_by_email"),
        ({"consent": None}, "consent"),
        ({"consent": "off"}, "consent"),
        ({"name": "SKILLS"}, "name"),
        ({"name": "Publíc  procurement"}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"reason": "x" * 4001}, "reason"),
    ],
)
def test_an_incomplete_proposal_is_returned_and_creates_nothing(client, changes, field):
    returned = propose(client, **changes)

    assert returned.response.status_code == 200
    assert returned.soup.find(id=f"id_{field}_error"), field
    assert not ThematicArea.objects.filter(status=ThematicArea.Status.PROPOSED).exists()


def test_propose_can_never_be_the_address_of_a_thematic_area(client):
    propose(client, name="Propose")

    area = ThematicArea.objects.get(name="Propose")
    assert area.slug == "propose-2"
    assert get_page(client, "/themes/propose/").soup.h1.get_text() == "Propose a thematic area"


def join(client, area_slug, cluster, email="coordinator@example.org"):
    page = get_page(client, f"/themes/{area_slug}/")
    form = page.soup.find("form", attrs={"data-join-form": True})
    return submit(client, page, form, {"cluster": cluster, "email": email})


def test_a_thematic_area_page_offers_to_join_it(client):
    form = get_page(client, "/themes/skills/").soup.find("form", attrs={"data-join-form": True})

    assert form["action"] == "/themes/skills/join/"
    assert form.find("input", attrs={"name": "cluster", "list": "cluster-names"})


def test_joining_waits_for_staff_then_the_cluster_is_listed_and_counted(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = join(client, "skills", "torino social impact")

    assert sent.response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert join_request.cluster.slug == "torino-social-impact"
    assert join_request.status == JoinRequest.Status.PENDING
    assert [message.to for message in mail.outbox] == [
        ["coordinator@example.org"],
        ["staff@example.org"],
    ]
    assert (
        "Torino Social Impact"
        not in get_page(client, "/themes/skills/")
        .soup.find("section", attrs={"aria-labelledby": "clusters-heading"})
        .get_text()
    )

    join_requests.accept(JoinRequest.objects.filter(pk=join_request.pk))

    clusters = get_page(client, "/themes/skills/").soup.find(
        "section", attrs={"aria-labelledby": "clusters-heading"}
    )
    assert "Torino Social Impact" in clusters.get_text()
    facet = {
        facet.parameter: facet for facet in get_page(client, "/clusters/").context["listing"].facets
    }
    assert {option.value: option.count for option in facet["theme"].options} == {"skills": 1}


def test_a_cluster_can_be_named_by_the_address_of_its_page(client):
    join(client, "skills", "http://127.0.0.1:8000/clusters/impact-noord/")

    assert JoinRequest.objects.get().cluster.slug == "impact-noord"


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ("No Such Cluster", "No published cluster has this name."),
        ("", "Fill this in."),
    ],
)
def test_a_cluster_that_cannot_be_found_is_said_so(client, cluster, message):
    returned = join(client, "skills", cluster)

    assert returned.response.status_code == 200
    assert message in returned.soup.find(id="id_cluster_error").get_text()
    assert not JoinRequest.objects.exists()


def test_two_clusters_of_one_name_ask_for_the_address(client, make_cluster):
    make_cluster(name="Impact Noord", country="BE")

    returned = join(client, "skills", "Impact Noord")

    assert "give the address" in returned.soup.find(id="id_cluster_error").get_text()


def test_a_cluster_already_in_the_area_is_told_so(client):
    skills = ThematicArea.objects.get(slug="skills")
    Cluster.objects.get(slug="impact-noord").thematic_areas.add(skills)

    returned = join(client, "skills", "Impact Noord")

    assert "is in this area already" in returned.soup.find(id="id_cluster_error").get_text()


def test_an_unpublished_cluster_cannot_join(client, make_cluster):
    make_cluster(name="Hidden Draft", status=Cluster.Status.DRAFT)

    assert join(client, "skills", "Hidden Draft").response.status_code == 200
    assert not JoinRequest.objects.exists()


def test_the_cluster_field_suggests_published_names(client, make_cluster):
    make_cluster(name="Torino Draft", status=Cluster.Status.DRAFT)

    found = client.get("/api/cluster-names.json", {"q": "TORINO"}).json()

    assert found == {"clusters": [{"name": "Torino Social Impact", "slug": "torino-social-impact"}]}
    assert client.get("/api/cluster-names.json", {"q": "t"}).json() == {"clusters": []}


def test_declining_leaves_the_area_as_it_was(client):
    join(client, "skills", "Impact Noord")

    join_requests.decline(JoinRequest.objects.all())

    assert not Cluster.objects.get(slug="impact-noord").thematic_areas.exists()
    assert JoinRequest.objects.get().status == JoinRequest.Status.DECLINED


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("/fr/themes/propose/", "Public Procurement"),
        ("/themes/propose/", "Commande publique"),
        ("/de/themes/propose/", "ZAMÓWIENIA PUBLICZNE"),
    ],
)
def test_an_area_that_exists_in_any_language_cannot_be_proposed_again(client, address, name):
    page = get_page(client, address)
    answers = {**PROPOSAL, "name": name}
    returned = submit(client, page, page.soup.find("form", method="post"), answers)

    assert returned.soup.find(id="id_name_error")
    assert not ThematicArea.objects.filter(status=ThematicArea.Status.PROPOSED).exists()


def test_an_area_proposed_on_a_french_page_is_kept_for_staff_to_translate(client):
    page = get_page(client, "/fr/themes/propose/")
    answers = {**PROPOSAL, "name": "Énergie citoyenne"}
    submit(client, page, page.soup.find("form", method="post"), answers)

    area = ThematicArea.objects.get(status=ThematicArea.Status.PROPOSED)
    # Its only name until staff write the others.
    assert (area.name_en, area.name_fr, area.slug) == (
        "Énergie citoyenne", "Énergie citoyenne", "energie-citoyenne",
    )  # fmt: skip
