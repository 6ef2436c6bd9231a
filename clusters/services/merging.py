"""Two entries that are one cluster become one; organisations listed twice become one."""

from django.db import transaction

from clusters.models import Cluster, Membership, OrganisationRedirect, SlugRedirect
from core.page_cache import directory_changed

TAXONOMIES = ("fields_of_activity", "services", "innovation_types", "thematic_areas")


@transaction.atomic
def merge(kept, other, take=(), by=None):
    """Make `other` part of `kept`, then remove it.

    `take` names the fields whose value comes from `other`. Members, taxonomies, thematic
    areas, case studies, suggestions, join requests and history all move to `kept`, and the
    other's address answers with a permanent redirect to it.
    """
    for name in take:
        setattr(kept, name, getattr(other, name))
    mine = kept.memberships.values_list("organisation_id", flat=True)
    other.memberships.exclude(organisation_id__in=list(mine)).update(cluster=kept)
    for name in TAXONOMIES:
        getattr(kept, name).add(*getattr(other, name).all())
    other.case_studies.update(cluster=kept)
    other.correction_suggestions.update(cluster=kept)
    other.join_requests.update(cluster=kept)
    SlugRedirect.objects.filter(cluster=other).update(cluster=kept)
    old_slug, old_pk = other.slug, other.pk
    other._change_reason = f"Merged into {kept.name}"
    other._history_user = by
    other.delete()
    # The other's history stays its own, and is shown with this entry's (merged_id).
    SlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"cluster": kept, "merged_id": old_pk}
    )
    kept._change_reason = f"Merged with {other.name}"
    kept._history_user = by
    kept.save()
    Cluster.objects.filter(pk=kept.pk).refresh_derived()
    directory_changed()


@transaction.atomic
def mark_distinct(clusters):
    """These clusters are not duplicates of one another: say so, and never flag it again."""
    clusters = list(clusters)
    for cluster in clusters:
        others = [other for other in clusters if other.pk != cluster.pk]
        cluster.possible_duplicates.remove(*others)
        cluster.distinct_from.add(*others)


@transaction.atomic
def merge_organisations(kept, duplicates, by=None):
    """Move the duplicates' memberships to `kept`, then delete the duplicates.

    Where a cluster lists both, the kept organisation's membership stays and the duplicate's
    goes with it: a cluster lists an organisation once.
    """
    reason = f"Merged into {kept}"
    cluster_ids = set(kept.memberships.values_list("cluster_id", flat=True))
    for membership in Membership.objects.filter(organisation__in=duplicates).order_by("pk"):
        if membership.cluster_id not in cluster_ids:
            membership.organisation = kept
            membership._change_reason = reason
            membership._history_user = by
            membership.save(update_fields=["organisation"])
            cluster_ids.add(membership.cluster_id)
    for duplicate in duplicates:
        # Its address, and those it had, lead to the kept one.
        OrganisationRedirect.objects.filter(organisation=duplicate).update(organisation=kept)
        OrganisationRedirect.objects.update_or_create(
            old_slug=duplicate.slug, defaults={"organisation": kept}
        )
        duplicate._change_reason = reason
        duplicate._history_user = by
        duplicate.delete()
    directory_changed()
