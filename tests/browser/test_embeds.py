"""Embeds framed by a page of another site, as a regional network's site would: the embeds
show their clusters, and the browser refuses to frame any other page of the directory."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from clusters.models import Cluster
from tests.browser.test_map import MARKED
from themes.models import ThematicArea


class OtherSite(ThreadingHTTPServer):
    """A site on another port of this machine, whose one page frames `addresses`."""

    def __init__(self, addresses):
        frames = "".join(
            f'<iframe name="frame{number}" src="{address}" title="Frame {number}" '
            'width="600" height="450"></iframe>'
            for number, address in enumerate(addresses)
        )
        self.page = f"<!doctype html><title>Another site</title>{frames}".encode()
        super().__init__(("127.0.0.1", 0), OtherSitePage)


class OtherSitePage(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.server.page)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site():
    servers = []

    def serve(addresses):
        server = OtherSite(addresses)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_another_site_frames_the_embeds_and_no_other_page(seeded, browser, live_server, other_site):
    theme = "skills"
    for name in ("Skills one", "Skills two"):
        cluster = Cluster.objects.create(name=name, country="PT", status=Cluster.Status.PUBLISHED)
        cluster.thematic_areas.add(ThematicArea.objects.get(slug=theme))
    address = other_site(
        [
            f"{live_server.url}/embed/map/?country=FR",
            f"{live_server.url}/embed/list/?theme={theme}",
            f"{live_server.url}/clusters/",
        ]
    )
    # Not the `page` fixture: the refused frame logs its refusal as a console error.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(address, wait_until="load")
        map_frame, list_frame = (page.frame(name=f"frame{n}") for n in range(2))

        map_frame.wait_for_function(f"() => ({MARKED})() === 9", timeout=10_000)
        expect(list_frame.locator("h1")).to_have_text("2 clusters")
        expect(list_frame.locator(".cluster-card__name")).to_have_text(["Skills one", "Skills two"])
        link = list_frame.get_by_role("link", name="Open in the CSEI Directory")
        assert link.get_attribute("href") == f"/clusters/?theme={theme}"

        # Chromium shows its own error page in place of a page that forbids framing, in a
        # frame of its own that replaces the refused one once the refusal is known.
        refused = refused_frame(page, "frame2")
        assert refused.url.startswith("chrome-error://")
        assert refused.locator(".site-header").count() == 0
    finally:
        context.close()


# One test for the three: each test of the browser loads the seed and empties the tables
# again, some seconds each.
def test_the_embeds_are_accessible_at_a_phones_width_and_a_laptops(seeded, page, visit):
    for path in (
        "/embed/list/?country=FR",
        "/embed/map/?country=FR",
        "/embed/clusters/figeacteurs/",
    ):
        visit(page, path, width=375)
        visit(page, path, width=1280)


def refused_frame(page, name):
    """The frame `name` once Chromium has put its error page in it (within five seconds)."""
    for _ in range(50):
        frame = page.frame(name=name)
        if frame and frame.url.startswith("chrome-error://"):
            return frame
        page.wait_for_timeout(100)
    return page.frame(name=name)
