"""Summaries of the whole directory, worked out once for each of its versions.

A summary (the facet index of the cluster list, the home page's figures) reads every
published cluster: too slow for each request at 100,000 clusters, yet it only changes when
the directory does. So each process keeps it in memory beside the directory's version
(core.page_cache), which every write replaces once committed, and works it out again on its
first use after a change: each process pays that once a version (seconds at 100,000
clusters).
"""

from django.db import transaction

from core.outages import BACKEND_OUTAGES
from core.page_cache import directory_version

# {name: (version, summary)}, in this process.
_kept = {}


def per_version(name, build):
    """`build()`, kept in this process for as long as the directory keeps its version."""
    if writing_to_directory():
        # Its writes are not committed yet, nor is its new version: a summary kept now would
        # go on being read under the old version if the transaction rolled back.
        return build()
    try:
        version = directory_version()
    except BACKEND_OUTAGES:
        # Without the cache there is no version to key by: correct, only slower.
        return build()
    kept = _kept.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    # The version is read before the rows: a write committed in between leaves a summary
    # newer than its version, which the next request replaces, never an older one.
    summary = build()
    _kept[name] = (version, summary)
    return summary


def writing_to_directory():
    """Whether this connection's transaction has written to the directory, which gives it
    a new version when it commits (core.page_cache.directory_changed)."""
    pending = transaction.get_connection().run_on_commit
    return any(getattr(callback, "pending", False) for _, callback, _ in pending)


def forget():
    """Drop every summary this process keeps: for data replaced without a new version,
    as when each test's transaction is rolled back."""
    _kept.clear()
