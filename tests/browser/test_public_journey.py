"""A visitor goes from the home page to a cluster, and narrows the list with the filters."""

import re
from urllib.parse import parse_qs, urlsplit


def follow(page, link):
    """Click a link and assert the page it leads to answers 200."""
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200, f"{page.url} answered {navigation.value.status}"


def cluster_cards(page):
    return page.get_by_role("main").get_by_role("article")


def country_checkbox(page, name):
    return page.get_by_role("group", name="Country").get_by_role(
        "checkbox", name=re.compile(rf"^{name}\b")
    )


def test_a_visitor_goes_from_the_home_page_to_a_cluster(seeded, page, visit, check):
    visit(page, "/", width=375)
    check(page, width=1280)

    main_navigation = page.get_by_role("navigation", name="Main")
    follow(page, main_navigation.get_by_role("link", name="Clusters", exact=True))
    assert urlsplit(page.url).path == "/clusters/"
    check(page, width=375)
    check(page, width=1280)

    first_cluster = cluster_cards(page).first.get_by_role("link").first
    name = first_cluster.inner_text()
    follow(page, first_cluster)
    assert re.fullmatch(r"/clusters/[\w-]+/", urlsplit(page.url).path)
    assert page.get_by_role("heading", level=1).inner_text() == name
    check(page, width=375)
    check(page, width=1280)


def test_the_filters_work_without_javascript(seeded, new_page, visit, check):
    page = new_page(java_script_enabled=False)
    # axe-core needs JavaScript; the pages are checked with it on in test_pages.py.
    visit(page, "/clusters/", accessibility=False)
    before = cluster_cards(page).count()

    country_checkbox(page, "France").check()
    follow(page, page.get_by_role("button", name="Apply filters"))

    assert parse_qs(urlsplit(page.url).query).get("country") == ["FR"]
    after = cluster_cards(page).count()
    assert 0 < after < before
    for card in cluster_cards(page).all():
        assert "France" in card.inner_text()
    check(page, accessibility=False)


def test_changing_a_filter_applies_it_at_once_with_javascript(seeded, page, visit, check):
    visit(page, "/clusters/")
    before = cluster_cards(page).count()

    country_checkbox(page, "France").check()
    # No press on the submit button: the page's script submits the form on change.
    page.wait_for_url(re.compile(r"[?&]country=FR\b"), timeout=5_000)

    assert parse_qs(urlsplit(page.url).query).get("country") == ["FR"]
    assert 0 < cluster_cards(page).count() < before
    assert country_checkbox(page, "France").is_checked()
    check(page)
