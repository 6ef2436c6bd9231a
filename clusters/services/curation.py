"""What staff change by hand in the admin, outside moderation and merging."""

from django.db import transaction

from clusters.duplicates import flag_possible_duplicates
from core.page_cache import directory_changed


@transaction.atomic
def save(cluster, by):
    """Save an entry from its form in the admin; a new one is compared with the others for
    possible duplicates."""
    new = cluster.pk is None
    cluster._history_user = by
    cluster.save()
    if new:
        flag_possible_duplicates(cluster)
    directory_changed()


@transaction.atomic
def change_each(clusters, by, **values):
    """Set these values on each of the clusters, each change in its own history with who
    made it. Returns how many clusters changed."""
    clusters = list(clusters)
    for cluster in clusters:
        for name, value in values.items():
            setattr(cluster, name, value)
        cluster._history_user = by
        cluster.save()
    directory_changed()
    return len(clusters)
