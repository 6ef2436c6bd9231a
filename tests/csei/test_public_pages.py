"""Cluster, thematic area and case study pages, and who may see them."""

import pytest
from bs4 import BeautifulSoup

from cases.models import CaseStudy
from clusters.models import Cluster, Membership, Organisation
from themes.models import ThematicArea


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def full_cluster(make_cluster):
    cluster = make_cluster(
        name="Pôle Exemple",
        short_description="A cluster for the tests.",
        description="It does many things.",
        country="FR",
        region="Occitanie",
        city="Figeac",
        website="https://example.org",
        contact_email="hello@example.org",
        model=Cluster.Model.PTCE,
        legal_structure=Cluster.LegalStructure.ASSOCIATION,
        legal_entity_name="Association Exemple",
        initiated_by=Cluster.InitiatedBy.GRASSROOTS,
        year_founded=2015,
        member_count=40,
        eccp_registered="yes",
        eccp_profile_url="https://eccp.example.org/exemple",
        label=Cluster.Label.ESCA_SILVER,
    )
    for name, kind, role in [
        ("Mairie de Figeac", Organisation.Type.LOCAL_AUTHORITY, Membership.Role.FOUNDING_MEMBER),
        ("Coop A", Organisation.Type.SOCIAL_ECONOMY_ENTERPRISE, Membership.Role.COORDINATOR),
        ("Coop B", Organisation.Type.SOCIAL_ECONOMY_ENTERPRISE, Membership.Role.MEMBER),
    ]:
        Membership.objects.create(
            cluster=cluster,
            organisation=Organisation.objects.create(name=name, type=kind, country="FR"),
            role=role,
        )
    return cluster


def test_a_cluster_page_shows_every_public_field(client, full_cluster):
    soup = page(client, "/clusters/pole-exemple/")
    text = soup.get_text(" ", strip=True)
    for expected in [
        "Pôle Exemple", "A cluster for the tests.", "It does many things.", "France", "Figeac",
        "Occitanie", "Association: Association Exemple", "Grassroots", "2015", "40",
        "ESCA silver label", "hello@example.org", "Last updated", "Last verified",
    ]:  # fmt: skip
        assert expected in text, expected
    assert soup.find("a", href="https://eccp.example.org/exemple")
    assert soup.find("a", href="/clusters/pole-exemple/suggest/")


def test_a_cluster_page_groups_members_by_type(client, full_cluster):
    soup = page(client, "/clusters/pole-exemple/")
    section = soup.find("section", attrs={"aria-labelledby": "members-heading"})
    headings = [heading.get_text() for heading in section.find_all("h3")]
    assert headings == ["Local authority", "Social economy enterprise"]
    assert "Coordinator" in section.get_text()
    assert "3 member organisations listed, out of 40 members in all" in section.get_text(" ")


def test_a_cluster_page_lists_public_themes_and_published_cases(client, full_cluster):
    full_cluster.thematic_areas.add(
        ThematicArea.objects.get(name="Skills"),
        ThematicArea.objects.create(name="Hidden theme", status=ThematicArea.Status.PROPOSED),
    )
    CaseStudy.objects.create(title="Told", cluster=full_cluster, status="published")
    CaseStudy.objects.create(title="Untold", cluster=full_cluster, status="draft")
    text = page(client, "/clusters/pole-exemple/").get_text()
    assert "Skills" in text and "Hidden theme" not in text
    assert "Told" in text and "Untold" not in text


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_an_unpublished_cluster_is_a_404_and_absent_from_the_list(client, make_cluster, status):
    make_cluster(name="Not Public", status=status)
    page(client, "/clusters/not-public/", status=404)
    assert "Not Public" not in page(client, "/clusters/").get_text()
    page(client, "/clusters/not-public/suggest/", status=404)


def test_the_thematic_areas_page_lists_public_areas_with_counts(client, seed):
    skills = ThematicArea.objects.get(slug="skills")
    Cluster.objects.get(name="Impact Noord").thematic_areas.add(skills)
    ThematicArea.objects.create(name="Proposed idea", status=ThematicArea.Status.PROPOSED)
    soup = page(client, "/themes/")
    assert len(soup.find_all("article", class_="theme-card")) == 7
    assert "Proposed idea" not in soup.get_text()
    assert "1 cluster joined" in soup.get_text()


def test_a_thematic_area_page_shows_its_clusters_and_cases(client, seed, make_cluster):
    skills = ThematicArea.objects.get(slug="skills")
    Cluster.objects.get(name="Impact Noord").thematic_areas.add(skills)
    make_cluster(name="Draft member", status="draft").thematic_areas.add(skills)
    CaseStudy.objects.get(slug="circularium").thematic_areas.add(skills)
    text = page(client, "/themes/skills/").get_text()
    assert "Under development" in text
    assert "Impact Noord" in text and "Draft member" not in text
    assert "Circularium" in text


@pytest.mark.parametrize("status", ["proposed", "rejected"])
def test_a_thematic_area_that_is_not_public_is_a_404(client, db, status):
    ThematicArea.objects.create(name="Idea", status=status)
    page(client, "/themes/idea/", status=404)


def test_the_case_studies_page_lists_published_cases(client, seed):
    CaseStudy.objects.create(title="Draft case")
    soup = page(client, "/cases/")
    titles = [heading.get_text(strip=True) for heading in soup.select(".case-card h2")]
    assert len(titles) == 4 and "Draft case" not in titles


def test_a_case_study_page_links_its_cluster(client, seed):
    soup = page(client, "/cases/circularium/")
    assert soup.find("a", href="/clusters/circularium/")
    assert "Gerd De Wilde" in soup.get_text()
    assert "27 May 2021" in soup.get_text()


def test_a_case_study_hides_a_cluster_that_is_no_longer_published(client, seed):
    Cluster.objects.filter(slug="circularium").update(status="archived")
    soup = page(client, "/cases/circularium/")
    assert not soup.find("a", href="/clusters/circularium/")


def test_a_draft_case_study_is_a_404(client, db):
    CaseStudy.objects.create(title="Draft case")
    page(client, "/cases/draft-case/", status=404)
