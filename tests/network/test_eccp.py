"""The way onto the European Cluster Collaboration Platform: /eccp/, each cluster's standing
against the platform's criteria, and the links to it."""

import pytest
from django.core import mail
from django.core.management import call_command

from clusters.models import Cluster
from clusters.services import moderation, self_service
from clusters.services.members import set_members
from tests.pages import follow, get_page, submit

PLATFORM = "https://www.clustercollaboration.eu"


def members(count, kinds=("social_economy_enterprise", "local_authority")):
    return [
        {"name": f"{kind} {number}", "type": kind, "country": "FR"}
        for number in range(count)
        for kind in [kinds[number % len(kinds)]]
    ]


def test_the_page_gives_the_criteria_the_waiver_and_its_source(anonymous, seed):
    page = get_page(anonymous, "/eccp/")

    text = page.text
    assert "at least 0.5 full-time equivalent" in text
    assert "at least 15 clearly committed members" in text
    assert "at least 2 kinds" in text
    assert "website in English" in text
    assert "recognises as social economy clusters" in page.soup.select_one(".eccp-waiver").text
    assert "0,5" in get_page(anonymous, "/de/eccp/").text, "the number as German writes it"
    source = page.soup.select_one(".eccp-source a")
    assert source["href"] == f"{PLATFORM}/register-your-profile"
    assert "Register your profile" in source.get_text()
    assert page.soup.find("a", string="Go to the European Cluster Collaboration Platform")
    assert "So far 5 of the 62 clusters in this directory say they are registered." in text


def test_the_platform_address_is_a_setting(anonymous, seed, settings):
    settings.ECCP_URL = "https://eccp.example.eu"

    page = get_page(anonymous, "/eccp/")

    assert page.soup.select_one(".eccp-source a")["href"] == (
        "https://eccp.example.eu/register-your-profile"
    )
    link = page.soup.find("a", string="Go to the European Cluster Collaboration Platform")
    assert link["href"] == "https://eccp.example.eu"


def test_an_unregistered_clusters_page_links_to_the_eccp_page(anonymous, seed):
    page = get_page(anonymous, "/clusters/figeacteurs/")

    link = page.soup.find("a", string="Why and how to register")
    assert follow(anonymous, page, link).soup.h1.get_text().startswith("Register on the European")
    registered = get_page(anonymous, "/clusters/torino-social-impact/")
    assert not registered.soup.find("a", string="Why and how to register")


def test_the_registration_form_links_to_the_eccp_page(anonymous, seed):
    page = get_page(anonymous, "/clusters/register/")

    assert page.soup.find("a", string="Why and how to register")["href"] == "/eccp/"


def test_the_standing_follows_the_clusters_members(make_cluster):
    cluster = make_cluster(website="https://cluster.example.org/")

    set_members(cluster, members(14))
    standing = Cluster.objects.get(pk=cluster.pk).eccp_standing
    assert (standing.members, standing.member_types) == (14, 2)
    assert not standing.meets_criteria

    set_members(cluster, members(15))
    assert Cluster.objects.get(pk=cluster.pk).eccp_standing.meets_criteria

    set_members(cluster, members(20, kinds=("civil_society",)))
    standing = Cluster.objects.get(pk=cluster.pk).eccp_standing
    assert (standing.members, standing.member_types, standing.meets_criteria) == (20, 1, False)

    set_members(cluster, members(20, kinds=("civil_society", "other")))
    assert Cluster.objects.get(pk=cluster.pk).eccp_standing.member_types == 1


def test_without_a_website_a_cluster_does_not_meet_the_criteria(make_cluster):
    cluster = make_cluster(website="")
    set_members(cluster, members(15))

    standing = Cluster.objects.get(pk=cluster.pk).eccp_standing
    assert not standing.has_website
    assert not standing.meets_criteria


@pytest.fixture
def contact_cluster(seed):
    cluster = Cluster.objects.get(slug="figeacteurs")
    cluster.submitter_email = "contact@figeacteurs.example"
    cluster.website = "https://figeacteurs.example/"
    cluster.save()
    set_members(cluster, members(15))
    return Cluster.objects.get(pk=cluster.pk)


def test_the_manage_page_shows_how_the_cluster_stands(client, contact_cluster):
    page = get_page(
        client, self_service.manage_url(contact_cluster).removeprefix("http://127.0.0.1:8000")
    )

    box = page.soup.select_one(".eccp-standing")
    criteria = [item.get_text(" ", strip=True) for item in box.select("li")]
    assert criteria[0].startswith("✓ Met: At least 15 committed members (15 listed")
    assert criteria[1].startswith("✓ Met: Members of at least 2 types (2 types")
    assert "the directory does not know" in criteria[3]
    assert "meets the criteria" in box.get_text()
    assert box.find("a", string="The platform")["href"] == PLATFORM


def test_the_manage_page_of_a_registered_cluster_asks_for_its_profile(client, contact_cluster):
    contact_cluster.eccp_registered = Cluster.EccpRegistration.YES
    contact_cluster.save()

    page = get_page(
        client, self_service.manage_url(contact_cluster).removeprefix("http://127.0.0.1:8000")
    )

    box = page.soup.select_one(".eccp-standing")
    assert "Add the address of its profile" in box.get_text()
    assert not box.select("li")


def test_the_publication_and_reminder_emails_give_the_standing(
    contact_cluster, django_capture_on_commit_callbacks
):
    contact_cluster.status = Cluster.Status.PENDING
    contact_cluster.save()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.publish(contact_cluster)
    call_command("send_verification_reminders", verbosity=0)

    published, reminder = (m for m in mail.outbox if m.to == ["contact@figeacteurs.example"])
    for message in (published, reminder):
        assert "- At least 15 committed members: met (15 listed in the directory)" in message.body
        assert "- A website in English: met" in message.body
        assert "http://127.0.0.1:8000/eccp/" in message.body


def test_a_profile_address_off_the_platform_is_refused(client, contact_cluster):
    page = get_page(
        client, self_service.manage_url(contact_cluster).removeprefix("http://127.0.0.1:8000")
    )
    form = page.soup.select("form[method=post]")[1]

    sent = submit(
        client,
        page,
        form,
        {"eccp_registered": "yes", "eccp_profile_url": "https://example.org/our-profile"},
    )
    assert sent.response.status_code == 200
    assert "clustercollaboration.eu" in sent.soup.select_one("#id_eccp_profile_url_error").text

    profile = f"{PLATFORM}/cluster-organisations/figeacteurs"
    sent = submit(client, page, form, {"eccp_registered": "yes", "eccp_profile_url": profile})
    assert sent.response.status_code == 302
    assert Cluster.objects.get(pk=contact_cluster.pk).eccp_profile_url == profile


def test_staff_filter_the_clusters_to_invite(editor, contact_cluster, make_cluster):
    registered = make_cluster(name="Registered one", website="https://r.example/")
    set_members(registered, members(15))
    registered.eccp_registered = Cluster.EccpRegistration.YES
    registered.save()

    page = get_page(editor, "/admin/clusters/cluster/?eccp_criteria=ready")

    names = [link.get_text() for link in page.soup.select("#result_list tbody th a")]
    assert names == [contact_cluster.name]
