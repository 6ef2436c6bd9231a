"""The clusters app's models, a module a concern: importing them here registers them, and
the rest of the project imports them from here."""

from clusters.models.addresses import SlugRedirect, history_ids
from clusters.models.changes import ClusterChange
from clusters.models.clusters import (
    DERIVED_FIELDS,
    RESERVED_SLUGS,
    STALE_AFTER,
    Cluster,
    ClusterQuerySet,
)
from clusters.models.corrections import CURRENT_VALUE_MAX_LENGTH, CorrectionSuggestion
from clusters.models.derived import (
    MEMBER_COUNT_FIELDS,
    SEARCH_DOCUMENT,
    SEARCHED_FIELDS,
    SEARCHED_TAXONOMIES,
    derived_columns,
)
from clusters.models.descriptions import ClusterDescription
from clusters.models.joined_areas import JoinedThematicArea
from clusters.models.organisations import (
    EARLIEST_FOUNDING_YEAR,
    Membership,
    Organisation,
    OrganisationQuerySet,
    OrganisationRedirect,
    current_year,
)
from clusters.models.review import REVIEW_REASONS, review_conditions
from clusters.models.taxonomies import FieldOfActivity, InnovationType, MemberService, Term

__all__ = [
    "CURRENT_VALUE_MAX_LENGTH", "DERIVED_FIELDS", "EARLIEST_FOUNDING_YEAR",
    "MEMBER_COUNT_FIELDS", "RESERVED_SLUGS",
    "REVIEW_REASONS", "SEARCHED_FIELDS", "SEARCHED_TAXONOMIES", "SEARCH_DOCUMENT",
    "STALE_AFTER", "Cluster", "ClusterChange", "ClusterDescription", "ClusterQuerySet",
    "CorrectionSuggestion", "FieldOfActivity", "InnovationType", "JoinedThematicArea",
    "MemberService", "Membership", "Organisation", "OrganisationQuerySet",
    "OrganisationRedirect", "SlugRedirect",
    "Term", "current_year", "derived_columns", "history_ids", "review_conditions",
]  # fmt: skip
