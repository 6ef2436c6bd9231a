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


def focused(page):
    return page.evaluate(
        "() => [document.activeElement.name || '', document.activeElement.value || '']"
    )


def test_on_a_phone_three_filters_apply_in_a_row_with_the_panel_open_and_focus_kept(
    seeded, page, visit, check
):
    visit(page, "/clusters/", width=375)
    panel = page.locator("details.filter-panel")
    assert not panel.evaluate("element => element.open"), "the filters start folded on a phone"
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_text("Each change to a filter applies at once.").is_visible()
    total = page.locator(".results__count")

    country_checkbox(page, "Poland").check()
    page.wait_for_url(re.compile(r"[?&]country=PL\b"))
    expect_count(total, "8 clusters")
    assert focused(page) == ["country", "PL"]
    assert panel.evaluate("element => element.open")

    country_checkbox(page, "Croatia").check()
    page.wait_for_url(re.compile(r"country=HR"))
    expect_count(total, "13 clusters")
    assert focused(page) == ["country", "HR"]

    # As a keyboard user does: move to the list, then pick.
    page.get_by_label("Activity").focus()
    page.get_by_label("Activity").select_option("unknown")
    page.wait_for_url(re.compile(r"activity=unknown"))
    expect_count(total, "6 clusters")
    assert focused(page) == ["activity", "unknown"]
    assert panel.evaluate("element => element.open")
    query = parse_qs(urlsplit(page.url).query)
    assert sorted(query["country"]) == ["HR", "PL"]
    assert query["activity"] == ["unknown"]
    assert set(query) == {"country", "activity"}
    assert page.get_by_role("status").filter(has_text="6 clusters").count() == 1
    check(page, width=375)

    page.go_back()
    expect_count(total, "13 clusters")
    assert not page.get_by_label("Activity").input_value()


def expect_count(locator, text):
    from playwright.sync_api import expect

    expect(locator).to_have_text(text)


def test_the_downloads_carry_the_filters(seeded, page, visit):
    visit(page, "/clusters/?country=FI")
    link = page.get_by_role("link", name="CSV spreadsheet")
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {"country": ["FI"]}
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        content = downloaded.read()
    assert content.count("\n") == 1 + 3
