"""Entries that may be the same cluster twice: flagged for staff, never merged unasked.

Two entries may be one cluster when they are in the same country with close names
("Torino Social Impact Cluster" and "Torino Social Impact"), or when their websites share a
domain. Close names are judged by trigram similarity on PostgreSQL; on SQLite by comparing
names without case, accents and words every cluster name uses.
"""

import re
from urllib.parse import urlsplit

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection

from clusters.models import Cluster
from core.text import fold

# Trigram similarity of two names, from which they are taken for the same cluster's.
NAME_SIMILARITY = 0.5
# Words that say what a cluster is rather than which one it is.
GENERIC_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "de",
        "la",
        "le",
        "les",
        "des",
        "del",
        "di",
        "du",
        "et",
        "y",
        "e",
        "cluster",
        "clusters",
        "network",
        "reseau",
        "red",
        "rete",
        "association",
        "asociacion",
        "associazione",
        "verein",
        "pole",
        "polo",
        "ptce",
    ]  # fmt: skip
)


def distinctive_name(name):
    words = re.findall(r"[a-z0-9]+", fold(name))
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def website_domain(url):
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def possible_duplicates_of(cluster):
    """Other entries that may be the same cluster, leaving out those staff said are not."""
    others = (
        Cluster.objects.exclude(pk=cluster.pk)
        .exclude(status=Cluster.Status.REJECTED)
        .exclude(pk__in=cluster.distinct_from.values("pk"))
    )
    found = set()
    if cluster.country:
        same_country = others.filter(country=cluster.country)
        if connection.vendor == "postgresql":
            close = same_country.annotate(
                similarity=TrigramSimilarity("sort_name", fold(cluster.name))
            ).filter(similarity__gte=NAME_SIMILARITY)
            found |= set(close.values_list("pk", flat=True))
        else:
            name = distinctive_name(cluster.name)
            for pk, other_name in same_country.values_list("pk", "name"):
                other = distinctive_name(other_name)
                if name and other and (name in other or other in name):
                    found.add(pk)
    domain = website_domain(cluster.website)
    if domain:
        for pk, website in others.filter(website__icontains=domain).values_list("pk", "website"):
            if website_domain(website) == domain:
                found.add(pk)
    return found


def flag_possible_duplicates(cluster):
    """Record on the entry the others it may duplicate; returns how many."""
    found = possible_duplicates_of(cluster)
    cluster.possible_duplicates.add(*found)
    return len(found)
