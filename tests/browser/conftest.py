"""Browser journeys: Debian's Chromium, driven by Playwright, against Django's live server.

Every test here is marked `browser`. Without /usr/bin/chromium they are skipped, unless
REQUIRE_BROWSER is set (CI sets it), in which case they fail.
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from clusters.roles import create_roles

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NARROW = 375
WIDE = 1280
# WCAG 2.1 levels A and AA, as DESIGN.md asks of every public page.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def browser_required():
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    missing = not CHROMIUM.exists() and not browser_required()
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serving static files the way production does.

    pytest-django's own fixture serves /static/ from the finders, which know nothing of the
    hashed names the manifest storage puts in pages; here WhiteNoise serves the collected
    files under STATIC_ROOT, as it does in production. The server speaks plain HTTP, so the
    HTTPS redirect is off for the server's middleware (read once, when the server starts)
    and only there: the rest of the suite keeps the production setting.
    """
    from pytest_django.live_server_helper import LiveServer

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(
            f"No {manifest}: collect the static files first (`make test` does it, or "
            "`SECRET_KEY=x .venv/bin/python manage.py collectstatic --no-input`)."
        )
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = lambda handler: handler
    with override_settings(SECURE_SSL_REDIRECT=False):
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed when they are done.

    Playwright's sync API keeps an event loop running in this thread while it is started,
    which Django takes for an async context: it would refuse the tests' database queries.
    The browser lives only as long as this package's tests, and so does the permission.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}.")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as monkeypatch, sync_playwright() as playwright:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """The GECES mapping and the staff roles, in a database the live server can see.

    The database is emptied after each test, as the live server needs committed rows:
    both are written again for the next. The first test of a worker loads the seed as
    `load_seed` does; the next ones restore what it wrote, ten times faster.
    """
    if SEED_SNAPSHOT:
        connection.creation.deserialize_db_from_string(SEED_SNAPSHOT[0])
        return
    create_roles(apps)
    call_command("load_seed", stdout=io.StringIO())
    SEED_SNAPSHOT.append(
        serializers.serialize("json", seeded_rows(), use_natural_foreign_keys=True)
    )


# What `seeded` wrote, once per worker.
SEED_SNAPSHOT = []


def seeded_rows():
    """Every row the seed and the roles wrote. Content types and permissions are left out:
    the database keeps its own after each emptying, under other keys, and the roles name
    them by natural key."""
    for model in apps.get_models():
        if model._meta.app_label in ("contenttypes", "sessions", "admin"):
            continue
        if model._meta.label == "auth.Permission" or model._meta.proxy:
            continue
        yield from model._base_manager.order_by("pk")


@pytest.fixture(autouse=True)
def no_rate_limit_used(transactional_db):
    """The cache is a table that emptying the database after a journey leaves as it was:
    each journey starts, as every other test does, with no form's rate limit used."""
    cache.clear()


@pytest.fixture(autouse=True)
def page_cache(settings):
    """Pages cached as in production: a journey that writes then reads sees its change."""
    settings.PAGE_CACHE_SECONDS = 3600


class PageErrors:
    """Console errors and uncaught exceptions of every page a test opens."""

    def __init__(self):
        self.errors = []
        # Documents a test expects to fail (the 404 page): Chromium logs their status as an
        # error in the console, which is not a fault of the page.
        self.expected_failures = set()

    def watch(self, page):
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught {error}"))

    def on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if url in self.expected_failures and message.text.startswith("Failed to load resource"):
            return
        self.errors.append(f"console error: {message.text} (at {url})")


@pytest.fixture
def page_errors():
    return PageErrors()


@pytest.fixture
def new_page(browser, live_server, page_errors):
    """Open a page in a fresh browser context: `new_page(java_script_enabled=False)`.

    The test fails at teardown if any page logged a console error or threw.
    """
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        page = context.new_page()
        page_errors.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if page_errors.errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(page_errors.errors))


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def check(request):
    """Check the page as it stands and keep a screenshot.

    `check(page, width=375)` sets the viewport width, asserts that axe-core finds no
    WCAG 2.1 A or AA violation (unless `accessibility=False`) and, at 375 px, that the page
    does not scroll sideways. The screenshot goes to
    tests/browser/screenshots/<test name>-<page>-<width>.png, where <page> is the path (or
    `label`, when given).
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check_(page, *, width=WIDE, accessibility=True, label=None):
        # A click that navigates returns once the next page starts loading: check it loaded.
        page.wait_for_load_state()
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, request.node.originalname, label, width)
        if width <= NARROW:
            assert_no_horizontal_scroll(page)
        if accessibility:
            assert_accessible(axe, page)

    return check_


@pytest.fixture
def visit(live_server, page_errors, check):
    """Open a path, assert its status, then `check` it: `visit(page, "/", width=375)`."""

    def visit_(page, path, *, width=WIDE, status=200, accessibility=True, label=None):
        page.set_viewport_size({"width": width, "height": 800})
        if status >= 400:
            page_errors.expected_failures.add(live_server.url + path)
        response = page.goto(path, wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        check(page, width=width, accessibility=accessibility, label=label)
        return response

    return visit_


def screenshot(page, test_name, label, width):
    # Screenshots are for a person to look at; CI, where nobody does, saves the time.
    if os.environ.get("CI"):
        return
    if label is None:
        url = urlsplit(page.url)
        # Blank parameters (a GET form sends every field) would only lengthen the name.
        query = "&".join(f"{key}={value}" for key, value in parse_qsl(url.query))
        label = f"{url.path.strip('/')}-{query}".strip("-") or "home"
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "-", f"{test_name}-{label}-{width}")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def assert_accessible(axe, page):
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    width = page.viewport_size["width"]
    lines = [f"axe-core found violations on {page.url} at {width} px:"]
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    assert not violations, "\n".join(lines)


def assert_no_horizontal_scroll(page):
    """The page fits the viewport: nothing makes it scroll sideways."""
    scroll_width, inner_width, culprits = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const culprits = [...document.querySelectorAll("body *")]
                .filter((element) => element.getBoundingClientRect().right > width + 0.5)
                .filter((element) => ![...element.children].some(
                    (child) => child.getBoundingClientRect().right > width + 0.5))
                .slice(0, 5)
                .map((element) => element.outerHTML.slice(0, 120));
            return [document.documentElement.scrollWidth, width, culprits];
        }"""
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways at {inner_width} px (content {scroll_width} px wide); "
        "widest elements:\n" + "\n".join(culprits)
    )
