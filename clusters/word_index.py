"""The word index: for each word that many published clusters hold, the ids of those
clusters, as compressed bitmaps (pyroaring), kept per version of the directory.

PostgreSQL finds a search's clusters through the GIN index of their documents, then reads
each of them in the table: a word held by a third of a hundred thousand clusters meant
reading some thirty thousand rows (and often every row's whole document, when the planner
chose to), a few hundred milliseconds on each uncached search. The words held by at least
FREQUENT_SHARE of the clusters are the only ones that costly: the index keeps them, built in
one query for each version of the directory (a few seconds at 100,000 clusters, well under
one at 10,000), and a search of such words intersects their sets in memory. A search with a
rarer word is answered by PostgreSQL, which then reads few rows.
"""

import math
import re
from dataclasses import dataclass

import numpy as np
from django.db import connections
from pyroaring import BitMap

from clusters.models import Cluster
from core.per_version import per_version

# A word is kept when at least this share of the published clusters hold it, and at least
# FREQUENT_AT_LEAST of them.
FREQUENT_SHARE = 0.01
FREQUENT_AT_LEAST = 500
# A word that the `simple` parser keeps as it is, once folded (no case, no accents).
PLAIN_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class WordIndex:
    # {word of the documents: the published clusters that hold it}
    words: dict

    @classmethod
    def build(cls):
        """Two queries: how many clusters are published, then the words of their documents
        that enough of them hold, each with their ids as four-byte integers end to end."""
        published = Cluster.objects.published().order_by()
        frequent = max(FREQUENT_AT_LEAST, math.ceil(FREQUENT_SHARE * published.count()))
        documents, parameters = published.values("id", "search_document").query.sql_with_params()
        with connections[published.db].cursor() as cursor:
            cursor.execute(
                f"""
                SELECT word, string_agg(int4send(clusters.id::integer), ''::bytea)
                FROM ({documents}) AS clusters,
                     unnest(clusters.search_document) AS words(word, positions, weights)
                GROUP BY word
                HAVING count(*) >= %s
                """,
                [*parameters, frequent],
            )
            return cls(
                words={
                    word: BitMap(np.frombuffer(bytes(ids), dtype=">u4").astype(np.uint32))
                    for word, ids in cursor.fetchall()
                }
            )

    def holding(self, words):
        """The clusters that hold every one of `words`, or None when one of them is not
        frequent enough to be kept (the database finds those few clusters itself)."""
        if not words or any(word not in self.words for word in words):
            return None
        return BitMap.intersection(*(self.words[word] for word in words))


def word_index():
    """The index of the directory's current version."""
    return per_version("cluster-word-index", WordIndex.build)


def document_words(words):
    """The words of the documents that these folded words of a search are, when PostgreSQL's
    `simple` parser takes each whole (letters and digits only); None otherwise (`e-mail` is
    three words to it: the database answers such a search)."""
    return words if all(PLAIN_WORD.fullmatch(word) for word in words) else None
