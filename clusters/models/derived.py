"""What each cluster stores about its own text and its members, so that search, filters and
statistics read columns instead of joining every membership: one definition for every writer
(the signals, the services and the demo data's generator)."""

from collections import Counter

from clusters.models.organisations import Organisation
from core.text import fold

# A cluster's own text that the search reads, besides its members' names.
SEARCHED_FIELDS = [
    "name", "also_known_as", "city", "region", "short_description", "description",
]  # fmt: skip
# The columns that count a cluster's listed members of each type (Organisation.Type), in the
# types' order.
MEMBER_COUNT_FIELDS = [
    "social_economy_enterprise_members", "mainstream_enterprise_members",
    "civil_society_members", "local_authority_members", "education_research_members",
    "other_members",
]  # fmt: skip


def derived_columns(cluster, members):
    """{column: value} of a cluster's derived columns, from its own text and its members as
    (name, type) pairs: the one definition of what those columns hold, for every writer.

    search_text is the cluster's text and its members' names, folded; member_types the types
    of its members, space-separated in the order of Organisation.Type; MEMBER_COUNT_FIELDS
    how many members of each type it lists.
    """
    texts = [getattr(cluster, name) for name in SEARCHED_FIELDS]
    kinds = Counter(kind for _name, kind in members)
    return {
        "search_text": fold(" ".join([*texts, *(name for name, _kind in members)])),
        "member_types": " ".join(kind for kind in Organisation.Type.values if kind in kinds),
        **{
            field: kinds[kind]
            for kind, field in zip(Organisation.Type.values, MEMBER_COUNT_FIELDS, strict=True)
        },
    }
