"""The map draws the clusters."""


def test_the_map_draws_the_filtered_clusters(seeded, page, visit):
    visit(page, "/clusters/map/?country=FI")
    page.locator(".leaflet-marker-icon").first.wait_for()
    # Three Finnish clusters, two of them at the same place: grouped or not, all are drawn.
    assert page.locator(".leaflet-marker-icon").count() >= 1
    assert page.get_by_role("region", name="Map of the clusters").is_visible()


def test_without_javascript_the_map_is_a_list_by_country(seeded, new_page, visit):
    page = new_page(java_script_enabled=False)
    # axe-core needs JavaScript; the map page is checked with it on in test_pages.py.
    visit(page, "/clusters/map/?country=FI", width=375, accessibility=False)
    assert not page.get_by_role("region", name="Map of the clusters").is_visible()
    assert page.get_by_role("heading", name="Finland (3)").is_visible()
