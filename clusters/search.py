"""Text search over clusters.

On PostgreSQL: full-text search on the cluster's own text and its members' names, ranked,
accent-insensitive, plus trigram similarity on the name so that small typos still match.
On SQLite: a plain case-insensitive match on the same text.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, Value
from django.db.models.functions import Greatest

from clusters.models import Membership

# Below this word similarity a name is too far from the query to count as a typo of it.
NAME_SIMILARITY_THRESHOLD = 0.5


class Unaccent(Func):
    function = "unaccent"


def search_clusters(queryset, query):
    query = " ".join(query.split())
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, query)
    return _search_plain(queryset, query)


def _with_members(memberships):
    """Clusters that have at least one of these memberships."""
    return Exists(memberships.filter(cluster=OuterRef("pk")))


def _search_plain(queryset, query):
    condition = Q()
    for word in query.split():
        condition &= (
            Q(name__icontains=word)
            | Q(short_description__icontains=word)
            | Q(description__icontains=word)
            | Q(city__icontains=word)
            | Q(region__icontains=word)
            | _with_members(Membership.objects.filter(organisation__name__icontains=word))
        )
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


def _search_postgresql(queryset, query):
    text_query = SearchQuery(Unaccent(Value(query)), config="simple", search_type="plain")
    document = (
        SearchVector(Unaccent("name"), weight="A", config="simple")
        + SearchVector(Unaccent("city"), Unaccent("region"), weight="B", config="simple")
        + SearchVector(
            Unaccent("short_description"), Unaccent("description"), weight="C", config="simple"
        )
    )
    matching_members = Membership.objects.annotate(
        document=SearchVector(Unaccent("organisation__name"), config="simple")
    ).filter(document=text_query)
    return (
        queryset.annotate(
            search_document=document,
            name_similarity=TrigramWordSimilarity(Unaccent(Value(query)), Unaccent("name")),
        )
        .filter(
            Q(search_document=text_query)
            | Q(name_similarity__gte=NAME_SIMILARITY_THRESHOLD)
            | _with_members(matching_members)
        )
        .annotate(
            search_rank=Greatest(
                SearchRank(F("search_document"), text_query),
                F("name_similarity"),
                output_field=FloatField(),
            )
        )
    )
