"""The European Cluster Collaboration Platform (ECCP): the criteria it publishes for the
profile of a cluster organisation, and how a cluster stands against them from what the
directory knows of it (its listed members and their types, its website).

The platform's page "Register your profile" (section "Register as a cluster organisation")
sets the criteria and says that it may waive them for cluster organisations that the
European Commission (DG GROW) recognises as social economy clusters.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# The criteria the directory can check from a cluster's own data.
MINIMUM_MEMBERS = 15
MINIMUM_MEMBER_TYPES = 2
# Shown only: the directory knows nothing of a cluster's staff.
MANAGEMENT_TEAM_FTE = 0.5
# The members of the directory's types, "other" aside, count as types of member: "other"
# says nothing about what kind of organisation it is.
TYPED_MEMBER_FIELDS = [
    "social_economy_enterprise_members", "mainstream_enterprise_members",
    "civil_society_members", "local_authority_members", "education_research_members",
]  # fmt: skip
MEMBER_FIELDS = [*TYPED_MEMBER_FIELDS, "other_members"]


def criteria_source_url():
    """The platform's own page with the criteria, and the word on waiving them."""
    return f"{settings.ECCP_URL}/register-your-profile"


def platform_domain():
    """The platform's domain, without "www.": its profiles live there or on a subdomain."""
    host = urlsplit(settings.ECCP_URL).hostname or ""
    return host.removeprefix("www.")


def validate_profile_url(url):
    """A cluster's ECCP profile is a page of the platform, not any address."""
    host = (urlsplit(url).hostname or "").lower()
    domain = platform_domain()
    if host != domain and not host.endswith(f".{domain}"):
        raise ValidationError(
            _("Give the address of the cluster's profile on the platform (%(domain)s)."),
            params={"domain": domain},
            code="not_on_platform",
        )


@dataclass
class Criterion:
    label: str
    # True or False where the directory can tell; None where it cannot.
    met: bool | None
    detail: str


@dataclass
class EccpStanding:
    registered: bool
    members: int
    member_types: int
    has_website: bool

    @property
    def meets_criteria(self):
        """Whether every criterion the directory can check is met."""
        return all(criterion.met for criterion in self.criteria if criterion.met is not None)

    @property
    def criteria(self):
        return [
            Criterion(
                _("At least %(count)d committed members") % {"count": MINIMUM_MEMBERS},
                self.members >= MINIMUM_MEMBERS,
                _("%(count)d listed in the directory") % {"count": self.members},
            ),
            Criterion(
                _("Members of at least %(count)d types") % {"count": MINIMUM_MEMBER_TYPES},
                self.member_types >= MINIMUM_MEMBER_TYPES,
                _("%(count)d types among the members listed") % {"count": self.member_types},
            ),
            Criterion(
                _("A website in English"),
                self.has_website,
                _("a website is on file: the platform asks for its English version")
                if self.has_website
                else _("no website is on file"),
            ),
            Criterion(
                _("A dedicated management team of at least %(fte)s full-time equivalent")
                % {"fte": number_format(MANAGEMENT_TEAM_FTE)},
                None,
                _("the directory does not know"),
            ),
        ]


def standing(cluster):
    """How `cluster` stands against the platform's criteria; no query."""
    return EccpStanding(
        registered=cluster.eccp_registered == cluster.EccpRegistration.YES,
        members=sum(getattr(cluster, field) for field in MEMBER_FIELDS),
        member_types=sum(1 for field in TYPED_MEMBER_FIELDS if getattr(cluster, field)),
        has_website=bool(cluster.website),
    )


def meeting_criteria(clusters):
    """The clusters that meet every criterion the directory can check, registered or not."""
    members = sum((F(field) for field in MEMBER_FIELDS[1:]), F(MEMBER_FIELDS[0]))
    types = sum(
        (
            Case(
                When(**{f"{field}__gt": 0}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for field in TYPED_MEMBER_FIELDS
        ),
        Value(0),
    )
    return (
        clusters.alias(listed_members=members, listed_types=types)
        .filter(listed_members__gte=MINIMUM_MEMBERS, listed_types__gte=MINIMUM_MEMBER_TYPES)
        .exclude(website="")
    )
