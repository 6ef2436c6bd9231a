"""Every kind of public page, at a phone's width and a laptop's: WCAG 2.1 AA according to
axe-core, no console error, no sideways scrolling on the phone."""

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


# One test walks them all: each test of the browser loads the seed and empties the tables
# again, some seconds that a test a page paid twenty-two times. Every page is still checked
# when one fails, and the failure names each page that did.
def test_every_page_is_accessible_and_fits_a_phone_and_a_laptop(seeded, page, visit):
    failures = []
    for path, status in [*((path, 200) for path in PAGES), ("/clusters/does-not-exist/", 404)]:
        try:
            visit(page, path, width=375, status=status)
            visit(page, path, width=1280, status=status)
        except AssertionError as failure:
            failures.append(f"{path}: {failure}")
    assert not failures, "\n\n".join(failures)
