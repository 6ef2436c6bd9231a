"""The directory's own vocabulary, translated as data: taxonomy terms, thematic areas and case
studies show in the page's language, or in English marked lang="en" where no one has
translated them yet; staff write each language in its own field of the admin."""

import pytest
from pyuca import Collator

from cases.models import CaseStudy
from clusters.models import Cluster, FieldOfActivity, InnovationType
from tests.pages import get_page, submit
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

# Building a collator reads Unicode's whole table of keys, a second or two: once, not per name.
COLLATOR = Collator()


def texts(elements):
    return [" ".join(element.get_text(" ").split()) for element in elements]


def test_a_thematic_area_page_in_french_shows_its_french_name_and_description(client):
    thematic_area = ThematicArea.objects.get(name_en="Public Procurement")
    page = get_page(client, f"/fr/themes/{thematic_area.slug}/")
    heading = page.soup.find("h1")
    assert heading.get_text() == "Commande publique"
    assert not heading.has_attr("lang")
    assert "clauses sociales et environnementales" in page.soup.find(class_="lead").get_text()
    assert "Commande publique" in page.soup.title.get_text()


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "Inclusive Employment"),
        ("fr", "Emploi inclusif"),
        ("de", "Inklusive Beschäftigung"),
        ("es", "Empleo inclusivo"),
        ("it", "Occupazione inclusiva"),
        ("pl", "Zatrudnienie włączające"),
    ],
)
def test_the_thematic_areas_page_names_them_in_its_language(client, code, name):
    page = get_page(client, "/themes/" if code == "en" else f"/{code}/themes/")
    assert name in texts(page.soup.select("main h2 a"))


def test_the_french_list_names_the_fields_of_activity_in_french_in_facets_cards_and_chips(
    client,
):
    page = get_page(client, "/fr/clusters/?field=circularity")
    facet = page.soup.find("input", attrs={"name": "field", "value": "circularity"})
    assert facet.find_parent("label").find(class_="facet__label").get_text() == (
        "Économie circulaire"
    )
    assert "Économie circulaire" in texts(page.soup.select(".cluster-card .tag"))
    assert "Domaine d'activité : Économie circulaire" in " ".join(
        texts(page.soup.select(".chips .chip"))
    ).replace("\u00a0", " ")


def test_the_filter_panel_offers_the_same_options_and_counts_in_every_language(client):
    def options(page):
        return [
            (field["name"], field["value"], option.find(class_="facet__count").get_text())
            for option in page.soup.select(".facet__option")
            for field in [option.find("input")]
        ]

    english = options(get_page(client, "/clusters/"))
    for code in ("fr", "de", "es", "it", "pl"):
        assert sorted(options(get_page(client, f"/{code}/clusters/"))) == sorted(english)


def test_a_term_without_a_french_name_shows_its_english_name_marked_as_english(client):
    FieldOfActivity.objects.filter(slug="circularity").update(name_fr=None)
    cluster = Cluster.objects.published().filter(fields_of_activity__slug="circularity").first()

    listing = get_page(client, "/fr/clusters/?field=circularity")
    label = listing.soup.find("input", attrs={"value": "circularity"}).find_parent("label")
    marked = label.find(class_="facet__label").find(lang="en")
    assert marked.get_text() == "Circularity"
    chip = [chip for chip in listing.soup.select(".chips .chip") if "Circularity" in chip.text]
    assert chip[0].find(lang="en").get_text() == "Circularity"

    detail = get_page(client, f"/fr{cluster.get_absolute_url()}")
    tag = detail.soup.find("a", class_="tag", href="/fr/clusters/?field=circularity")
    assert tag.find(lang="en").get_text() == "Circularity"
    # A translated one next to it is not marked.
    assert not detail.soup.find("html").find_all(string="Écologie", lang=True)


def test_an_innovation_type_without_a_translation_shows_in_english_on_the_cluster_page(
    client, make_cluster
):
    innovation = InnovationType.objects.get(slug="social")
    InnovationType.objects.filter(pk=innovation.pk).update(name_pl=None)
    cluster = make_cluster(name="Social Innovators")
    cluster.innovation_types.add(innovation, InnovationType.objects.get(slug="digital"))

    page = get_page(client, f"/pl{cluster.get_absolute_url()}")
    assert page.soup.find("span", lang="en", string="Social")
    assert "Cyfrowa" in page.soup.find("main").get_text()


def test_a_case_study_left_in_english_is_marked_as_english_on_the_french_page(client):
    case_study = CaseStudy.objects.published().first()
    case_study.body = "How the cluster began.\n\nWhat it does now."
    case_study.save()

    page = get_page(client, f"/fr{case_study.get_absolute_url()}")

    assert page.soup.find("h1")["lang"] == "en"
    assert page.soup.find("div", class_="prose")["lang"] == "en"
    assert texts(page.soup.select("div.prose p")) == ["How the cluster began.", "What it does now."]
    listed = get_page(client, "/fr/cases/")
    title = listed.soup.find("a", href=f"/fr{case_study.get_absolute_url()}")
    assert title.find(lang="en").get_text() == case_study.title_en


def test_a_case_study_translated_into_german_needs_no_mark(client):
    case_study = CaseStudy.objects.published().first()
    case_study.title_de = "Die Geschichte eines Clusters"
    case_study.save()

    page = get_page(client, f"/de{case_study.get_absolute_url()}")

    assert page.soup.find("h1").get_text() == "Die Geschichte eines Clusters"
    assert not page.soup.find("h1").has_attr("lang")


def test_english_pages_mark_nothing(client):
    page = get_page(client, "/themes/")
    assert not page.soup.find("main").find_all(lang="en")


def test_the_admin_edits_a_thematic_area_in_every_language(editor):
    thematic_area = ThematicArea.objects.get(name_en="Skills")
    page = get_page(editor, f"/admin/themes/thematicarea/{thematic_area.pk}/change/")
    form = page.soup.find("form", id="thematicarea_form")
    for field in ("name", "description"):
        for code in ("en", "fr", "de", "es", "it", "pl"):
            assert form.find(attrs={"name": f"{field}_{code}"}), f"{field}_{code}"
    assert not form.find(attrs={"name": "name"})

    submit(
        editor,
        page,
        form,
        {"name_fr": "Savoir-faire", "description_fr": "Ce que les membres apprennent."},
        status=302,
    )

    thematic_area.refresh_from_db()
    assert (thematic_area.name_en, thematic_area.slug) == ("Skills", "skills")
    french = get_page(editor, "/fr/themes/skills/")
    assert french.soup.find("h1").get_text() == "Savoir-faire"
    assert "Ce que les membres apprennent." in french.soup.find(class_="lead").get_text()
    assert get_page(editor, "/themes/skills/").soup.find("h1").get_text() == "Skills"


def test_a_term_added_in_the_admin_takes_its_slug_from_the_english_name(administrator):
    page = get_page(administrator, "/admin/clusters/fieldofactivity/add/")
    form = page.soup.find("form", id="fieldofactivity_form")
    submit(
        administrator,
        page,
        form,
        {"name_en": "Care", "name_fr": "Soin", "slug": "care", "position": "20"},
        status=302,
    )
    term = FieldOfActivity.objects.get(slug="care")
    assert (term.name_en, term.name_fr, term.name_de) == ("Care", "Soin", None)

    missing = submit(
        administrator, page, form, {"name_en": "", "name_fr": "Santé", "slug": "health"}
    )
    assert missing.response.status_code == 200
    assert not FieldOfActivity.objects.filter(slug="health").exists()


def test_country_options_follow_the_alphabet_of_the_page_language(client, make_cluster):
    make_cluster(name="Riga Social Cluster", country="LV")

    page = get_page(client, "/pl/clusters/")
    names = [
        option.find_parent("label").find(class_="facet__label").get_text()
        for option in page.soup.select('input[name="country"]')
    ]

    # Ł among the L's, before M, not after Z as code points would put it.
    assert names.index("Litwa") < names.index("Łotwa") < names.index("Niemcy")
    assert names == sorted(names, key=COLLATOR.sort_key)


def test_the_home_page_and_the_statistics_name_the_vocabulary_in_the_page_language(client):
    FieldOfActivity.objects.filter(slug="housing").update(name_es=None)

    home = get_page(client, "/es/")
    assert "Contratación pública" in texts(home.soup.select("main a"))

    statistics = get_page(client, "/es/statistics/")
    rows = statistics.soup.select("#fields table th[scope=row]")
    assert "Economía circular" in texts(rows)
    [housing] = [row for row in rows if "Housing" in row.get_text()]
    assert housing.find(lang="en").get_text() == "Housing"


@pytest.mark.parametrize("code", ["fr", "de", "pl"])
def test_thematic_areas_are_listed_in_the_alphabet_of_their_names_on_the_page(client, code):
    def in_order(names):
        return names == sorted(names, key=lambda name: COLLATOR.sort_key(name.lower()))

    Cluster.objects.get(name="Impact Noord").thematic_areas.set(ThematicArea.objects.public())
    listed = texts(get_page(client, f"/{code}/themes/").soup.select("main h2 a"))
    home = texts(get_page(client, f"/{code}/").soup.select(f'main a[href^="/{code}/themes/"]'))
    facet = [
        option.find_parent("label").find(class_="facet__label").get_text()
        for option in get_page(client, f"/{code}/clusters/").soup.select('input[name="theme"]')
    ]

    assert len(listed) == ThematicArea.objects.public().count()
    assert in_order(listed)
    assert in_order([name for name in home if name in listed])
    assert sorted(facet) == sorted(listed)
    assert in_order(facet)
