"""Every kind of public page, at a phone's width and a laptop's: WCAG 2.1 AA according to
axe-core, no console error, no sideways scrolling on the phone."""

import pytest

PAGES = [
    "/",
    "/clusters/",
    "/clusters/?country=FR",
    "/clusters/torino-social-impact/",
    "/clusters/torino-social-impact/suggest/",
    "/clusters/map/",
    "/organisations/",
    "/organisations/?type=civil_society&q=unimos",
    "/organisations/unimos-foundation/",
    "/statistics/",
    "/statistics/?country=PL",
    "/eccp/",
    "/clusters/register/",
    "/clusters/register/thanks/",
    "/themes/",
    "/themes/skills/",
    "/cases/",
    "/cases/circularium/",
    "/about/",
    "/privacy/",
    "/data/",
]


# Both widths in one test: the seed is loaded, and the tables emptied, once per page.
@pytest.mark.parametrize("path", PAGES)
def test_the_page_is_accessible_and_fits_a_phone_and_a_laptop(seeded, page, visit, path):
    visit(page, path, width=375)
    visit(page, path, width=1280)


def test_the_not_found_page_is_accessible_and_fits_a_phone_and_a_laptop(seeded, page, visit):
    visit(page, "/clusters/does-not-exist/", width=375, status=404)
    visit(page, "/clusters/does-not-exist/", width=1280, status=404)
