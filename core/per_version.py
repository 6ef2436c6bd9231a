"""Summaries of the whole directory, worked out once for each of its versions.

A summary (the facet index of the cluster list, the home page's figures) reads every
published cluster: too slow for each request at 100,000 clusters, yet it only changes when
the directory does. So it is kept beside the directory's version (core.page_cache), which
every write replaces once committed: in each process's memory, and in the shared cache of
the pages for the other processes and hosts, which read it back in a fraction of the time
it takes to build (at 100,000 clusters the facet index is about a megabyte, read in a tenth
of a second and built in seconds). The first request after a change builds it again.
"""

from contextlib import suppress

from django.db import transaction

from core.outages import BACKEND_OUTAGES
from core.page_cache import directory_version, pages

# {name: (version, summary)}, in this process.
_kept = {}
# How long the shared cache keeps a summary: a version rarely lasts longer.
SHARED_SECONDS = 24 * 60 * 60


def per_version(name, build):
    """`build()`, kept for as long as the directory keeps its version."""
    if writing_to_directory():
        # Its writes are not committed yet, nor is its new version: a summary kept now would
        # go on being read under the old version if the transaction rolled back.
        return build()
    try:
        version = directory_version()
        kept = _kept.get(name)
        if kept is None or kept[0] != version:
            kept = pages().get(f"summary:{name}")
    except BACKEND_OUTAGES:
        # Without the cache there is no version to key by: correct, only slower.
        return build()
    if kept is None or kept[0] != version:
        # The version is read before the rows: a write committed in between leaves a
        # summary newer than its version, which the next request replaces, never an older.
        kept = (version, build())
        # A cache that does not answer only leaves the other processes to build it too.
        with suppress(*BACKEND_OUTAGES):
            pages().set(f"summary:{name}", kept, SHARED_SECONDS)
    _kept[name] = kept
    return kept[1]


def writing_to_directory():
    """Whether this connection's transaction has written to the directory, which gives it
    a new version when it commits (core.page_cache.directory_changed)."""
    pending = transaction.get_connection().run_on_commit
    return any(getattr(callback, "pending", False) for _, callback, _ in pending)


def forget():
    """Drop every summary this process keeps: for data replaced without a new version,
    as when each test's transaction is rolled back."""
    _kept.clear()
