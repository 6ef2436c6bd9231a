"""Text search over clusters, alike on every database.

Each cluster stores its text and its members' names folded (core.text.fold: no case, no
accents), and the query is folded the same way, so `lomza`, `ŁOMŻA` and `Łomża` find the same
clusters everywhere. On SQLite every word of the query must appear in that text. On
PostgreSQL the same text is a GIN-indexed full-text document, ranked with the name first, and
a trigram index on the folded name forgives small typos (`torino sociel`).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Greatest

from core.text import fold

# Words beyond this many are ignored: a query's cost must stay bounded.
MAX_QUERY_WORDS = 8


def search_clusters(queryset, query):
    """The clusters that match `query`, annotated with `search_rank` (higher is better)."""
    words = fold(query).split()[:MAX_QUERY_WORDS]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, " ".join(words))
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


def _search_postgresql(queryset, folded_query):
    text_query = SearchQuery(folded_query, config="simple", search_type="plain")
    # `sort_name %> query` is true where the query is close to a word sequence of the name
    # (pg_trgm's word similarity threshold, 0.6): the condition the trigram index serves.
    return queryset.filter(
        Q(search_document=text_query) | Q(sort_name__trigram_word_similar=folded_query)
    ).annotate(
        search_rank=Greatest(
            SearchRank(F("search_document"), text_query),
            TrigramWordSimilarity(Value(folded_query), "sort_name"),
            output_field=FloatField(),
        )
    )
