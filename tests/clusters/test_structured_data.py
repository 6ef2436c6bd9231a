"""schema.org JSON-LD for search engines, stating only what its page shows, and the
Open Graph and Twitter tags that give every public page a title, a description and an image."""

import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from pyld import jsonld

from clusters.models import Cluster
from tests.pages import get_page

SCHEMA = "http://schema.org/"


def schema_org_offline(url, options=None):
    """schema.org's context, as far as these documents use it: every term in its vocabulary.
    The tests read no network."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def structured_data(page):
    (script,) = page.soup.find_all("script", type="application/ld+json")
    document = json.loads(script.string)
    # Valid JSON-LD: it expands, every term to a schema.org property.
    expanded = jsonld.expand(document, {"documentLoader": schema_org_offline})
    assert expanded and all(key.startswith(("@", SCHEMA)) for key in expanded[0])
    return document


def links_of(page):
    return {link["href"] for link in page.soup.find_all("a", href=True)}


def test_every_seed_clusters_json_ld_states_only_what_its_page_shows(seed, anonymous):
    slugs = list(Cluster.objects.published().values_list("slug", flat=True))
    assert len(slugs) == 62
    for slug in slugs:
        page = get_page(anonymous, f"/clusters/{slug}/")
        cluster = page.context["cluster"]
        document = structured_data(page)
        text = page.text
        assert document["@type"] == (
            "NGO" if cluster.legal_structure in ("association", "foundation") else "Organization"
        )
        assert document["name"] == page.soup.h1.get_text()
        assert urlsplit(document["url"]).path == f"/clusters/{slug}/"
        assert document["url"] == page.soup.find("link", rel="canonical")["href"]
        if "alternateName" in document:
            assert f"Also known as {document['alternateName']}" in text
        for address in document.get("sameAs", []):
            assert address in links_of(page)
        if "description" in document:
            assert document["description"] in text
        if "foundingDate" in document:
            assert f"Founded {document['foundingDate']}" in text
        address = document.get("address", {})
        if "addressCountry" in address:
            assert cluster.country_from != "inferred"
            assert address["addressCountry"] == cluster.country.code
            assert cluster.country.name in text
        for part in ("addressLocality", "addressRegion"):
            if part in address:
                assert cluster.place_from != "inferred"
                assert address[part] in page.soup.select_one(".facts").get_text()
        if "geo" in document:
            assert cluster.map_precision == "city" and cluster.place_from != "inferred"
            small_map = page.soup.select_one("[data-map=cluster]")
            assert document["geo"]["latitude"] == round(float(small_map["data-latitude"]), 2)
        members = page.soup.select(".member-list > li")
        assert len(document.get("member", [])) == len(members)
        for member, item in zip(document.get("member", []), members, strict=True):
            assert member["@type"] == "Organization"
            assert member["name"] in item.get_text()
            if "url" in member:
                assert item.find("a", href=member["url"])
        shown_areas = [link.get_text() for link in page.soup.select(".tag-links a")]
        assert document.get("knowsAbout", []) == shown_areas
        if "dateModified" in document:
            (updated,) = [
                time
                for time in page.soup.select(".facts time")
                if time.find_parent("dd").find_previous_sibling("dt").get_text() == "Last updated"
            ]
            assert datetime.fromisoformat(document["dateModified"]).replace(
                microsecond=0
            ) == datetime.fromisoformat(updated["datetime"])


def test_an_inferred_place_is_left_out_and_a_known_town_is_placed(seed, anonymous, make_cluster):
    guessed = make_cluster(
        name="Guessed place",
        city="Lyon",
        country="FR",
        country_from="inferred",
        place_from="inferred",
        latitude=45.76,
        longitude=4.84,
    )
    document = structured_data(get_page(anonymous, guessed.get_absolute_url()))
    assert "address" not in document and "geo" not in document

    known = make_cluster(
        name="Known place",
        city="Lyon",
        region="Auvergne-Rhône-Alpes",
        country="FR",
        latitude=45.76123,
        longitude=4.84456,
        legal_structure="association",
        website="https://known.example.org/",
    )
    document = structured_data(get_page(anonymous, known.get_absolute_url()))
    assert document["@type"] == "NGO"
    assert document["sameAs"] == ["https://known.example.org/"]
    assert document["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "addressLocality": "Lyon",
        "addressRegion": "Auvergne-Rhône-Alpes",
    }
    assert document["geo"] == {"@type": "GeoCoordinates", "latitude": 45.76, "longitude": 4.84}


def test_the_home_pages_search_action_leads_to_the_lists_search(seed, anonymous):
    document = structured_data(get_page(anonymous, "/"))
    assert document["@type"] == "WebSite"
    action = document["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert action["query-input"] == "required name=search_term_string"
    search = urlsplit(template.replace("{search_term_string}", "Circularium"))
    found = get_page(anonymous, f"{search.path}?{search.query}")
    assert found.context["listing"].q == "Circularium"
    assert found.context["listing"].total == 1


PUBLIC_PAGES = [
    "/", "/clusters/", "/clusters/map/", "/clusters/circularium/", "/organisations/",
    "/statistics/", "/themes/", "/cases/", "/about/", "/privacy/", "/eccp/", "/data/",
    "/clusters/register/",
]  # fmt: skip


@pytest.mark.parametrize("address", PUBLIC_PAGES)
def test_every_public_page_has_open_graph_and_twitter_tags_with_an_image(seed, anonymous, address):
    page = get_page(anonymous, address)

    def meta(attribute, name):
        tag = page.soup.find("meta", attrs={attribute: name})
        assert tag is not None, f"{address} has no {name}"
        return tag["content"]

    assert meta("property", "og:title") in page.soup.title.get_text()
    assert meta("property", "og:description")
    assert meta("property", "og:url").endswith(address)
    assert meta("name", "twitter:card") == "summary_large_image"
    image = meta("property", "og:image")
    assert meta("name", "twitter:image") == image
    assert meta("property", "og:image:alt")
    picture = anonymous.get(urlsplit(image).path)
    picture.close()
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
