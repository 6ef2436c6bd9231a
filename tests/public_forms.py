"""Every public form of the site, with answers it accepts, for the tests that try them all."""

from alerts.models import Alert
from clusters.models import Cluster, CorrectionSuggestion, Membership, Organisation
from clusters.services.self_service import manage_url
from tests.clusters.test_register import VALID as REGISTRATION
from tests.pages import get_page
from tests.themes.test_themes_participation import PROPOSAL
from themes.models import JoinRequest, ThematicArea

CLUSTER = "torino-social-impact"
CONTACT = "coordination@torino.example"
# A thematic area the seed's Torino Social Impact has not joined.
AREA = "public-procurement"

# {form: answers it accepts, besides what the page fills in}.
ACCEPTED = {
    "register": REGISTRATION,
    "suggest": {"kind": "other", "message": "The cluster has moved to Milan."},
    "manage_link": {"email": CONTACT},
    "manage": {"short_description": "Turin's social impact ecosystem."},
    "propose": PROPOSAL,
    "join": {"cluster": "Torino Social Impact", "email": "coordinator@example.org"},
    "alert": {"email": "reader@example.org"},
}


def url_of(form):
    """The page of `form`. The cluster's link, and asking for it, need an address on file:
    this gives the seed's cluster one."""
    if form in ("manage", "manage_link"):
        cluster = Cluster.objects.get(slug=CLUSTER)
        cluster.submitter_email = CONTACT
        cluster.save()
        if form == "manage":
            return manage_url(cluster)
    return {
        "register": "/clusters/register/",
        "suggest": f"/clusters/{CLUSTER}/suggest/",
        "manage_link": f"/clusters/{CLUSTER}/manage/",
        "propose": "/themes/propose/",
        "join": f"/themes/{AREA}/join/",
        "alert": "/alerts/new/?country=IT",
    }[form]


def open_form(client, form):
    """(page, its <form>): the one that holds the fields `form` is answered with."""
    page = get_page(client, url_of(form))
    first_answer = next(iter(ACCEPTED[form]))
    [element] = [
        element
        for element in page.soup.find_all("form", method="post")
        if element.find(attrs={"name": first_answer})
    ]
    return page, element


def rows():
    """How many rows the public forms could have written, model by model."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Cluster, Organisation, Membership, CorrectionSuggestion, ThematicArea, JoinRequest,
            Alert,
        )
    }  # fmt: skip
