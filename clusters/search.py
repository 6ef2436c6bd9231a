"""Text search over clusters.

On PostgreSQL: full-text search on a stored document of the cluster's own text and its
members' names (ranked, accent-insensitive), plus trigram similarity on the name so that
small typos still match. On SQLite: a plain case-insensitive match on the same text.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from clusters.models import Cluster, Membership

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


def refresh_search_documents(clusters):
    """Rebuild the stored search document of these clusters (a queryset): one UPDATE."""
    if connection.vendor != "postgresql":
        return
    member_names = (
        Membership.objects.filter(cluster=OuterRef("pk"))
        .order_by()
        .values("cluster")
        .annotate(names=StringAgg("organisation__name", delimiter=" "))
        .values("names")
    )
    Cluster.objects.filter(pk__in=clusters.values("pk")).update(
        search_document=SearchVector(Unaccent("name"), weight="A", config="simple")
        + SearchVector(Unaccent("city"), Unaccent("region"), weight="B", config="simple")
        + SearchVector(
            Unaccent("short_description"),
            Unaccent("description"),
            Unaccent(Coalesce(Subquery(member_names), Value(""), output_field=TextField())),
            weight="C",
            config="simple",
        )
    )


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
    return (
        queryset.annotate(
            name_similarity=TrigramWordSimilarity(Unaccent(Value(query)), Unaccent("name")),
        )
        .filter(Q(search_document=text_query) | Q(name_similarity__gte=NAME_SIMILARITY_THRESHOLD))
        .annotate(
            search_rank=Greatest(
                SearchRank(F("search_document"), text_query),
                F("name_similarity"),
                output_field=FloatField(),
            )
        )
    )
