"""Possible duplicates are flagged for staff, who merge them or say they are not."""

import pytest

from cases.models import CaseStudy
from clusters.models import Cluster, CorrectionSuggestion, Organisation
from tests.clusters.test_admin import admin_url, form_data, parse, run_action
from tests.clusters.test_register import register
from tests.pages import get_page

pytestmark = pytest.mark.usefixtures("seed")


def test_a_registration_close_to_an_existing_cluster_is_flagged(client, editor):
    register(client, name="Torino Social Impact Cluster", country="IT", city="Torino")

    registered = Cluster.objects.get(name="Torino Social Impact Cluster")
    assert list(registered.possible_duplicates.values_list("slug", flat=True)) == [
        "torino-social-impact"
    ]
    change = parse(editor.get(admin_url(Cluster, "change", registered.pk)))
    link = change.select_one(".field-duplicate_links a")
    assert link.get_text() == "Torino Social Impact"
    assert link["href"] == admin_url(
        Cluster, "change", Cluster.objects.get(slug="torino-social-impact").pk
    )
    listed = parse(editor.get("/admin/clusters/cluster/?duplicates=yes"))
    assert {row.th.get_text(strip=True) for row in listed.select("#result_list tbody tr")} == {
        "Torino Social Impact", "Torino Social Impact Cluster",
    }  # fmt: skip


def test_the_same_name_in_another_country_is_not_flagged(client):
    register(client, name="Torino Social Impact Cluster", country="FR")

    assert not Cluster.objects.get(name="Torino Social Impact Cluster").possible_duplicates.exists()


def test_a_shared_website_domain_is_flagged(client):
    Cluster.objects.filter(slug="impact-noord").update(website="https://www.impactnoord.nl/about")

    register(client, name="Northern Impact", country="BE", website="impactnoord.nl")

    assert list(
        Cluster.objects.get(name="Northern Impact").possible_duplicates.values_list(
            "slug", flat=True
        )
    ) == ["impact-noord"]


def test_not_a_duplicate_is_remembered(client, editor):
    register(client, name="Torino Social Impact Cluster", country="IT")
    registered = Cluster.objects.get(name="Torino Social Impact Cluster")
    original = Cluster.objects.get(slug="torino-social-impact")

    run_action(editor, Cluster, "not_duplicates", [registered, original])

    assert not registered.possible_duplicates.exists()
    from clusters.duplicates import flag_possible_duplicates

    assert flag_possible_duplicates(registered) == 0
    assert flag_possible_duplicates(original) == 0


def merge_in_the_admin(client, kept, other, choices=None):
    start = run_action(client, Cluster, "merge", [kept, other])
    page = parse(start)
    form = page.find("input", attrs={"name": "kept"}).find_parent("form")
    data = form_data(form) | {"kept": str(kept.pk)} | (choices or {})
    return client.post(start.redirect_chain[-1][0], data)


def test_a_merge_carries_everything_and_the_old_address_answers_301(client, editor):
    kept = Cluster.objects.get(slug="torino-social-impact")
    register(
        client,
        name="Torino Social Impact Cluster",
        country="IT",
        city="Torino",
        website="tsi.example",
    )
    other = Cluster.objects.get(name="Torino Social Impact Cluster")
    other.status = Cluster.Status.PUBLISHED
    other.save()
    CaseStudy.objects.filter(slug="circularium").update(cluster=other)
    CorrectionSuggestion.objects.create(cluster=other, kind="other", message="x")
    other_history = other.history.count()
    kept_history = kept.history.count()

    response = merge_in_the_admin(editor, kept, other, {"website": str(other.pk)})

    assert response.status_code == 302
    kept.refresh_from_db()
    assert not Cluster.objects.filter(pk=other.pk).exists()
    assert kept.website == "https://tsi.example"
    assert sorted(kept.memberships.values_list("organisation__name", flat=True)) == [
        "Coop A", "Mairie de Cahors",
    ]  # fmt: skip
    assert kept.case_studies.filter(slug="circularium").exists()
    assert kept.correction_suggestions.count() == 1
    history = parse(editor.get(admin_url(Cluster, "history", kept.pk)))
    assert len(history.select("#change-history tbody tr")) == kept_history + other_history + 2
    moved = client.get("/clusters/torino-social-impact-cluster/")
    assert moved.status_code == 301
    assert moved["Location"] == "/clusters/torino-social-impact/"
    assert Organisation.objects.filter(name="Coop A").exists()


def test_a_renamed_address_answers_301_to_the_new_one(client, editor):
    cluster = Cluster.objects.get(slug="figeacteurs")
    url = admin_url(Cluster, "change", cluster.pk)
    data = form_data(parse(editor.get(url)).select_one("form#cluster_form"))

    editor.post(url, {**data, "slug": "figeacteurs-du-lot"})

    old = client.get("/clusters/figeacteurs/")
    assert old.status_code == 301
    assert old["Location"] == "/clusters/figeacteurs-du-lot/"
    assert get_page(client, "/clusters/figeacteurs-du-lot/").soup.h1.get_text() == "Figeacteurs"


def test_a_new_cluster_never_takes_an_old_address(make_cluster):
    cluster = Cluster.objects.get(slug="figeacteurs")
    cluster.slug = "figeacteurs-du-lot"
    cluster.save()

    newcomer = make_cluster(name="Figeacteurs")

    assert newcomer.slug == "figeacteurs-2"


def test_merging_needs_exactly_two(editor):
    response = run_action(editor, Cluster, "merge", list(Cluster.objects.all()[:3]))

    assert "exactly two" in parse(response).select_one(".messagelist").get_text()
