"""What each cluster stores about its own text and its members, so that search, filters and
statistics read columns instead of joining every membership: one definition for every writer
(the signals, the services and the demo data's generator)."""

import re
from collections import Counter, defaultdict
from functools import cache, lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils import translation
from django_countries import countries

from clusters.models.organisations import Membership, Organisation
from core.text import fold
from core.vocabulary import in_every_language
from themes.models import ThematicArea

# A cluster's own text that the search reads, besides its members' names.
SEARCHED_FIELDS = [
    "name", "also_known_as", "city", "region", "short_description", "description",
]  # fmt: skip
# The full-text document of a cluster on PostgreSQL, from its derived columns.
SEARCH_DOCUMENT = SearchVector("sort_name", weight="A", config="simple") + SearchVector(
    "search_text", weight="C", config="simple"
)
# The relations whose terms' names, in every language, find a cluster (the vocabulary).
SEARCHED_TAXONOMIES = ["fields_of_activity", "services", "innovation_types", "thematic_areas"]
# The columns that count a cluster's listed members of each type (Organisation.Type), in the
# types' order.
MEMBER_COUNT_FIELDS = [
    "social_economy_enterprise_members", "mainstream_enterprise_members",
    "civil_society_members", "local_authority_members", "education_research_members",
    "other_members",
]  # fmt: skip


def derived_columns(cluster, members, vocabulary=()):
    """{column: value} of a cluster's derived columns, from its own text, its members as
    (name, type) pairs and its `vocabulary` (the names of its terms and public thematic
    areas in every language): the one definition of what those columns hold, for every
    writer.

    search_text is the cluster's text, its members' names, and the names of its country,
    terms and thematic areas in each of the site's languages, folded, so that a search in
    any of them finds it; member_types the types of its members, space-separated in the
    order of Organisation.Type; MEMBER_COUNT_FIELDS how many members of each type it lists.
    """
    texts = [getattr(cluster, name) for name in SEARCHED_FIELDS]
    kinds = Counter(kind for _name, kind in members)
    names = [*country_names_in_every_language(cluster.country.code), *vocabulary]
    own_text = fold(" ".join([*texts, *(name for name, _kind in members)]))
    return {
        # A name alike in several languages ("Cultura", "Digital") once.
        "search_text": " ".join(dict.fromkeys(filter(None, [own_text, *map(searchable, names)]))),
        "member_types": " ".join(kind for kind in Organisation.Type.values if kind in kinds),
        **{
            field: kinds[kind]
            for kind, field in zip(Organisation.Type.values, MEMBER_COUNT_FIELDS, strict=True)
        },
    }


def refresh_derived(clusters, tagged=True):
    """Recompute the derived columns of `clusters` (a queryset) from their text, their
    members and their vocabulary: seven queries (three for clusters not `tagged` yet), and
    one more on PostgreSQL for the full-text document. Callers tell the page cache: they
    know when their write is complete."""
    members = defaultdict(list)
    for cluster_id, name, kind in Membership.objects.filter(cluster__in=clusters).values_list(
        "cluster_id", "organisation__name", "organisation__type"
    ):
        members[cluster_id].append((name, kind))
    vocabulary = vocabulary_of(clusters) if tagged else defaultdict(list)
    changed = list(clusters.only("pk", "country", *SEARCHED_FIELDS))
    for cluster in changed:
        columns = derived_columns(cluster, members[cluster.pk], vocabulary[cluster.pk])
        for name, value in columns.items():
            setattr(cluster, name, value)
    clusters.model.objects.bulk_update(
        changed, ["search_text", "member_types", *MEMBER_COUNT_FIELDS], batch_size=1000
    )
    if connection.vendor == "postgresql":
        clusters.model.objects.filter(pk__in=[cluster.pk for cluster in changed]).update(
            search_document=SEARCH_DOCUMENT
        )


def vocabulary_of(clusters):
    """{cluster id: the names, in every language, of its terms and public thematic areas}:
    one query a taxonomy (SEARCHED_TAXONOMIES)."""
    vocabulary = defaultdict(list)
    for taxonomy in SEARCHED_TAXONOMIES:
        relation = clusters.model._meta.get_field(taxonomy)
        term = relation.m2m_reverse_field_name()
        links = relation.remote_field.through.objects.filter(cluster__in=clusters)
        if relation.related_model is ThematicArea:
            links = links.filter(thematicarea__status__in=ThematicArea.PUBLIC_STATUSES)
        columns = [f"{term}__{column}" for column in in_every_language("name")]
        for cluster_id, *names in links.values_list("cluster_id", *columns):
            vocabulary[cluster_id] += [name for name in names if name]
    return vocabulary


@cache
def country_names_in_every_language(code):
    """The country's name in each of the site's languages, once each: ["Spain", "Espagne",
    "Spanien", "España", "Spagna", "Hiszpania"]."""
    if not code:
        return ()
    names = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.append(countries.name(code))
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=4096)
def searchable(name):
    """A name of the vocabulary as the search text holds it: folded, its words without
    punctuation ("Verte : biodiversité" -> "verte biodiversite", "l'entrepreneuriat" ->
    "l entrepreneuriat"), so that a search for one of its words finds it on every database
    and a search for a quote or a colon does not find every cluster. The same few hundred
    names recur on every cluster: each is folded once."""
    return fold(" ".join(re.findall(r"\w+", name)))
