"""Every public fact is either confirmed or visibly a guess, and says where it comes from."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from clusters.models import Cluster
from tests.pages import get_page

pytestmark = pytest.mark.usefixtures("seed")


def facts(page):
    """The "At a glance" list of a cluster page: {term: text}."""
    listing = page.soup.find("dl", class_="facts")
    return {
        term.get_text(strip=True): term.find_next_sibling("dd").get_text(" ", strip=True)
        for term in listing.find_all("dt")
    }


def guessed(page, term):
    """Whether the fact under `term` carries the "inferred, not yet confirmed" mark."""
    listing = page.soup.find("dl", class_="facts")
    term = listing.find("dt", string=term)
    return term.find_next_sibling("dd").find(class_="guess-mark") is not None


def test_an_inferred_country_and_model_are_marked_as_guesses(client):
    # The mapping names a town in Sweden's Örebro County, but not the country, and calls the
    # partnership nothing in particular.
    page = get_page(client, "/clusters/the-partnership-for-social-innovation-in-orebro-county/")

    assert facts(page)["Location"].startswith("Örebro, Örebro County, Sweden")
    assert guessed(page, "Location")
    assert guessed(page, "Model")
    assert "inferred, not yet confirmed" in page.soup.find("dl", class_="facts").get_text()
    provenance = page.soup.find("section", class_="provenance").get_text(" ", strip=True)
    assert (
        "Listed in the GECES mapping (2021) as “The Partnership for social innovation in "
        "Örebro County”." in provenance
    )
    assert "The mapping does not state its country and its model" in provenance


def test_facts_the_mapping_states_carry_no_mark(client):
    # Torino Social Impact: Italy and Turin as the page writes them; the model is a guess.
    page = get_page(client, "/clusters/torino-social-impact/")

    assert facts(page)["Location"].startswith("Turin, Piedmont, Italy")
    assert not guessed(page, "Location")
    assert guessed(page, "Model")
    provenance = page.soup.find("section", class_="provenance").get_text(" ", strip=True)
    assert "The mapping does not state its model" in provenance


def test_a_model_read_from_the_name_is_not_marked(client):
    page = get_page(client, "/clusters/lomza-social-economy-cluster/")

    assert facts(page)["Model"] == "Social economy cluster"
    assert not page.soup.find(class_="guess-mark")
    assert "does not state" not in page.text


def test_the_list_marks_the_guesses_discreetly(client):
    page = get_page(client, "/clusters/?q=orebro")
    card = page.soup.find("article", class_="cluster-card")

    assert len(card.find_all(class_="guess-mark")) == 2  # the place and the model
    assert "Inferred from the 2021 mapping, not yet confirmed." in page.text


def test_the_page_shows_other_names_and_search_finds_them(client):
    page = get_page(client, "/clusters/sinec-social-innovation-and-enterprise-cluster/")

    assert page.soup.find(class_="page-head__aka").get_text(" ", strip=True) == (
        "Also known as Klastr sociálních inovací a podniků"
    )


def test_no_fact_is_shown_as_unknown(client):
    # Base 202: the mapping gives its name and nothing else.
    page = get_page(client, "/clusters/base-202/")

    assert "Unknown" not in page.text
    assert list(facts(page)) == ["Last updated", "Last verified"]
    assert "Country not yet confirmed" in page.soup.find(class_="page-head__place").get_text()


def test_eccp_registration_shows_three_values_and_leaves_the_unknown_one_out(client, make_cluster):
    make_cluster(name="Off Platform", eccp_registered=Cluster.EccpRegistration.NO)

    registered = facts(get_page(client, "/clusters/torino-social-impact/"))
    not_registered = facts(get_page(client, "/clusters/off-platform/"))
    not_known = facts(get_page(client, "/clusters/figeacteurs/"))

    assert registered["European Cluster Collaboration Platform"] == "Registered"
    assert not_registered["European Cluster Collaboration Platform"] == "Not registered"
    assert "European Cluster Collaboration Platform" not in not_known


def test_a_seed_cluster_is_listed_not_active_until_a_person_confirms_it(client):
    page = get_page(client, "/clusters/figeacteurs/")
    badges = [badge.get_text(strip=True) for badge in page.soup.select(".page-head .badge")]
    assert "Listed in the 2021 mapping" in badges
    assert "Active" not in badges

    unknown = get_page(client, "/clusters/cieszyn-social-cluster/")
    assert "Activity unknown" in [
        badge.get_text(strip=True) for badge in unknown.soup.select(".badge")
    ]


def test_last_updated_is_when_a_person_changed_the_entry(client):
    assert facts(get_page(client, "/clusters/figeacteurs/"))["Last updated"] == (
        "Not changed since the 2021 mapping"
    )
    assert facts(get_page(client, "/clusters/figeacteurs/"))["Last verified"] == (
        "Not yet verified by the cluster"
    )

    cluster = Cluster.objects.get(slug="figeacteurs")
    cluster.short_description = "Cooperation in the Figeac area."
    cluster.save()

    today = timezone.localdate().strftime("%-d %B %Y")
    assert facts(get_page(client, "/clusters/figeacteurs/"))["Last updated"] == today


def test_the_location_says_how_precisely_the_map_places_the_cluster(client):
    region = facts(get_page(client, "/clusters/lower-silesian-cluster-of-social-initiatives/"))
    assert region["Location"].endswith(
        "(placed on the map at its region: the exact place is not known)"
    )

    # Lithuanian Social Innovation Cluster: a country and no coordinates.
    country_only = facts(get_page(client, "/clusters/lithuanian-social-innovation-cluster-lsic/"))
    assert country_only["Location"] == (
        "Lithuania * (inferred, not yet confirmed) "
        "(placed on the map in the middle of its country: the town is not known)"
    )

    town = facts(get_page(client, "/clusters/torino-social-impact/"))
    assert "on the map" not in town["Location"]


def load_seed():
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


def test_loading_the_seed_again_changes_nothing():
    before = list(Cluster.objects.order_by("pk").values())

    assert "corrected 0 clusters" in load_seed()

    assert list(Cluster.objects.order_by("pk").values()) == before


def test_loading_the_seed_corrects_an_entry_loaded_before_that_nobody_changed():
    # As an entry loaded by an earlier version stood after the migration.
    Cluster.objects.filter(slug="torino-social-impact").update(
        country_from="inferred", model_from="inferred", also_known_as="", name_in_source=""
    )

    assert "corrected 1 clusters" in load_seed()

    cluster = Cluster.objects.get(slug="torino-social-impact")
    assert (cluster.country_from, cluster.place_from, cluster.model_from) == (
        "source",
        "source",
        "inferred",
    )
    assert cluster.name_in_source == "Torino Social Impact"
    assert cluster.updated_at is None


def test_loading_the_seed_keeps_what_a_person_changed():
    cluster = Cluster.objects.get(slug="torino-social-impact")
    cluster.model = Cluster.Model.SOCIAL_ECONOMY_CLUSTER
    cluster.activity_status = Cluster.ActivityStatus.ACTIVE
    cluster.save()
    Cluster.objects.filter(pk=cluster.pk).update(
        country_from="inferred", model_from="confirmed", name_in_source=""
    )

    load_seed()

    cluster.refresh_from_db()
    assert cluster.model == Cluster.Model.SOCIAL_ECONOMY_CLUSTER
    assert cluster.model_from == "confirmed"
    assert cluster.activity_status == Cluster.ActivityStatus.ACTIVE
    # The country is still the mapping's: its provenance is the mapping's too.
    assert cluster.country_from == "source"
    assert cluster.name_in_source == "Torino Social Impact"
