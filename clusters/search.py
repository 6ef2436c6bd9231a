"""Text search over clusters, alike on every database.

Each cluster stores its text and its members' names folded (core.text.fold: no case, no
accents), and the query is folded the same way, so `lomza`, `ŁOMŻA` and `Łomża` find the same
clusters everywhere. A cluster matches when its text holds every word of the query: on
PostgreSQL through a GIN-indexed full-text document, elsewhere as plain text. When no cluster
holds them all, PostgreSQL looks for names close to the query instead (a trigram index on the
folded name), which forgives small typos (`torino sociel`).

The best match comes first: the clusters whose name holds every word, then the others, by
name within each. Ranking by how often the words occur in each cluster's whole text read
every match's document, so a word found in a third of a hundred thousand clusters cost a
second; the name alone is in the row the search reads anyway.
"""

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from core.text import fold

# Words beyond this many are ignored: a query's cost must stay bounded.
MAX_QUERY_WORDS = 8


def search_words(query):
    """The words of `query` that a search looks for, folded."""
    return fold(query).split()[:MAX_QUERY_WORDS]


def search_clusters(queryset, query, held=False):
    """The clusters that match `query`, annotated with `search_rank`: 1 where the name
    holds every word, 0 for the others. `held`: some cluster is known to hold every word."""
    words = search_words(query)
    if not words:
        return queryset
    return queryset.filter(matching(queryset, words, held)).annotate(
        search_rank=Case(
            When(name_holds(words), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )


def name_holds(words):
    """The condition of the clusters whose name holds every one of `words`."""
    condition = Q()
    for word in words:
        condition &= Q(sort_name__contains=word)
    return condition


def matching(queryset, words, held=False):
    """The condition of the clusters that hold every word, or on PostgreSQL, when there
    are none, of those whose name is close to the words."""
    if connection.vendor != "postgresql":
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=word)
        return condition
    folded_query = " ".join(words)
    holding = Q(search_document=SearchQuery(folded_query, config="simple", search_type="plain"))
    # One condition or the other, never both: either is read from its index alone, while
    # `holding | close` made PostgreSQL read every matching cluster's whole document again.
    if held or queryset.filter(holding).exists():
        return holding
    # `sort_name %> query`: the query is close to a word sequence of the name (pg_trgm's
    # word similarity threshold, 0.6).
    return Q(sort_name__trigram_word_similar=folded_query)
