"""Entries that may be the same cluster twice: flagged for staff, never merged unasked.

Two entries may be one cluster when they are in the same country with close names
("Torino Social Impact Cluster" and "Torino Social Impact"), or when their websites share a
domain. Close names are judged by trigram similarity on PostgreSQL; on SQLite by comparing
names without case, accents and words every cluster name uses.
"""

import re
from collections import defaultdict
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
            found |= close_names(cluster, same_country.values_list("pk", "name"))
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


def close_names(cluster, candidates):
    """The keys of the (pk, name) candidates whose name is close to the cluster's, as SQLite
    judges it: one holds the other once generic words are left out."""
    name = distinctive_name(cluster.name)
    found = set()
    for pk, other_name in candidates:
        other = distinctive_name(other_name)
        if name and other and (name in other or other in name):
            found.add(pk)
    return found


def flag_possible_duplicates_of_new(clusters):
    """flag_possible_duplicates() for clusters just created, such as a file's rows, with the
    links written at once. On SQLite the clusters of their countries are read once for all
    of them; PostgreSQL compares names in its index, a query a cluster."""
    if connection.vendor == "postgresql":
        close_to = {cluster.pk: possible_duplicates_of(cluster) for cluster in clusters}
    else:
        by_country = defaultdict(list)
        for pk, name, country in (
            Cluster.objects.exclude(status=Cluster.Status.REJECTED)
            .filter(country__in={cluster.country.code for cluster in clusters if cluster.country})
            .values_list("pk", "name", "country")
        ):
            by_country[country].append((pk, name))
        close_to = {}
        for cluster in clusters:
            close = (
                close_names(cluster, by_country[cluster.country.code]) if cluster.country else set()
            )
            if website_domain(cluster.website):
                close |= possible_duplicates_of(cluster)
            close_to[cluster.pk] = close
    links = Cluster.possible_duplicates.through
    found = []
    for pk, close in close_to.items():
        for other in close - {pk}:
            found += [
                links(from_cluster_id=pk, to_cluster_id=other),
                links(from_cluster_id=other, to_cluster_id=pk),
            ]
    links.objects.bulk_create(found, ignore_conflicts=True, batch_size=1000)
