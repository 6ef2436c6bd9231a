"""Every public page answers in each language at its own address, says which language it is
in, links to its other versions, and leaves no English sentence of the interface behind."""

import re

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from cases.models import CaseStudy
from clusters.models import Cluster, FieldOfActivity, InnovationType, MemberService, Organisation
from core.catalogues import catalogue_paths
from tests.pages import get_page
from themes.models import ThematicArea

CODES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def public_paths(seed):
    """One address of each kind of public page, as English has it."""
    cluster = Cluster.objects.published().first()
    thematic_area = ThematicArea.objects.public().first()
    return [
        "/", "/clusters/", "/clusters/map/", cluster.get_absolute_url(), "/clusters/register/",
        f"/clusters/{cluster.slug}/suggest/", f"/clusters/{cluster.slug}/manage/",
        "/organisations/", Organisation.objects.public().first().get_absolute_url(),
        "/statistics/", "/eccp/", "/themes/", thematic_area.get_absolute_url(),
        f"/themes/{thematic_area.slug}/join/", "/themes/propose/", "/cases/",
        CaseStudy.objects.published().first().get_absolute_url(), "/about/", "/privacy/",
        "/alerts/new/?country=FR",
    ]  # fmt: skip


def in_language(path, code):
    return path if code == settings.LANGUAGE_CODE else f"/{code}{path}"


def english_sentences(code):
    """The interface's English sentences that this language says otherwise: none of them may
    be left on its pages. Short words ("Map", "Cluster") are left out: they may be a name."""
    sentences = set()
    for path in catalogue_paths():
        if path.parent.parent.name != code or path.stem != "django":
            continue
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural or "%" in entry.msgid or "<" in entry.msgid:
                continue
            if len(entry.msgid) >= 15 and entry.msgstr != entry.msgid:
                sentences.add(entry.msgid)
    return sentences


def shown_text(page):
    """What a person reads or hears in the page's language: the text, and the attributes
    browsers show or speak. Text marked as in another language (a quotation) is left out."""
    soup = BeautifulSoup(str(page.soup), "html.parser")
    for element in soup.body.find_all(lang=True):
        if element["lang"] != soup.html["lang"]:
            element.decompose()
    attributes = [
        value
        for element in soup.find_all(True)
        for name in ("aria-label", "placeholder", "title", "alt")
        if (value := element.get(name))
    ]
    meta = [tag.get("content", "") for tag in soup.find_all("meta", attrs={"name": True})]
    return " ".join([soup.get_text(" "), *attributes, *meta])


def english_vocabulary(code):
    """The directory's own terms and thematic areas whose English name this language says
    otherwise (translated as data): no more left on its pages than the interface's
    sentences, unless marked as English. Short ones are left out, as above."""
    names = set()
    if code == settings.LANGUAGE_CODE:
        return names
    for model in (FieldOfActivity, MemberService, InnovationType, ThematicArea):
        for english, translated in model.objects.values_list("name_en", f"name_{code}"):
            if translated and translated != english and len(english) >= 15:
                names.add(english)
    return names


@pytest.mark.parametrize("code", CODES)
def test_every_public_page_answers_in_the_language_of_its_address(client, public_paths, code):
    sentences = english_sentences(code) | english_vocabulary(code)
    for path in public_paths:
        address = in_language(path, code)
        page = get_page(client, address)
        assert page.soup.html["lang"] == code, address
        alternates = {
            link["hreflang"]: link["href"]
            for link in page.soup.find_all("link", rel="alternate", hreflang=True)
        }
        # The page's own address names it, without its query string.
        bare = path.partition("?")[0]
        assert alternates == {
            **{other: settings.SITE_URL + in_language(bare, other) for other in CODES},
            "x-default": settings.SITE_URL + bare,
        }, address
        canonical = page.soup.find("link", rel="canonical")["href"]
        assert canonical == settings.SITE_URL + in_language(bare, code)
        text = " ".join(shown_text(page).split())
        left = sorted(sentence for sentence in sentences if sentence in text)
        assert left == [], f"{address} still says in English: {left}"


def test_the_switcher_names_each_language_in_itself_and_keeps_the_filters(client, seed):
    page = get_page(client, "/fr/clusters/?country=PL&sort=name")
    switcher = page.soup.find("nav", attrs={"aria-label": "Langues"})
    links = {link.get_text(strip=True): link for link in switcher.find_all("a")}
    assert list(links) == ["English", "Français", "Deutsch", "Español", "Italiano", "Polski"]
    assert links["Français"]["aria-current"] == "page"
    assert links["Polski"]["lang"] == "pl"
    polish = get_page(client, links["Polski"]["href"])
    assert polish.url == "/pl/clusters/?country=PL&sort=name"
    assert polish.soup.html["lang"] == "pl"
    assert polish.soup.find("h1").get_text(strip=True) == "Klastry"
    # The filter applied: every cluster listed is in Poland, named in Polish.
    assert "Polska" in polish.text


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ACCEPT_LANGUAGE": "de"}, {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=de"}],
)
def test_only_the_address_decides_the_language_of_a_public_page(client, seed, headers):
    english = get_page(client, "/clusters/", **headers)
    assert english.soup.html["lang"] == "en"
    assert "Accept-Language" not in english.response.get("Vary", "")
    french = get_page(client, "/fr/clusters/", **headers)
    assert french.soup.html["lang"] == "fr"


def test_the_admin_follows_the_browser_language(client, editor):
    page = get_page(client, "/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.soup.html["lang"] == "fr"
    assert "Accept-Language" in page.response["Vary"]


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/robots.txt", "/sitemap.xml", "/api/clusters.json", "/clusters/export.csv"],
)
def test_machine_addresses_have_one_address_each(client, seed, path):
    assert client.get(path).status_code == 200
    assert client.get(f"/fr{path}").status_code == 404


def test_a_missing_page_says_so_in_the_language_of_its_address(client, seed):
    page = get_page(client, "/de/clusters/no-such-cluster/", status=404)
    assert page.soup.html["lang"] == "de"
    assert page.soup.find("h1").get_text(strip=True) == "Wir konnten diese Seite nicht finden"


@pytest.mark.parametrize(
    ("code", "figure"), [("en", "1,234"), ("fr", "1\xa0234"), ("de", "1.234"), ("pl", "1\xa0234")]
)
def test_figures_are_grouped_as_the_language_groups_them(code, figure):
    # The seed is too small for a figure in the thousands: the filter the pages use.
    with translation.override(code):
        assert Template("{% load humanize %}{{ 1234|intcomma }}").render(Context()) == figure


def test_dates_are_written_in_the_language_of_the_page(client, seed):
    cluster = Cluster.objects.published().first()
    cluster.save()  # now it has been updated, on a date the page gives
    page = get_page(client, in_language(cluster.get_absolute_url(), "pl"))
    months = "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października"
    assert re.search(rf"Ostatnia aktualizacja \d+ ({months}|listopada|grudnia) \d{{4}}", page.text)
