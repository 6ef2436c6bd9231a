"""Keep what each cluster stores about itself for search and filters in step with its data,
and log the changes of published clusters for the changes API.

Code that writes in bulk (bulk_create, update) skips these signals and refreshes the same
columns itself (ClusterQuerySet.refresh_derived).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from clusters.models import (
    Cluster,
    ClusterChange,
    FieldOfActivity,
    JoinedThematicArea,
    Membership,
    Organisation,
)
from themes.models import ThematicArea


@receiver(post_save, sender=Cluster)
def cluster_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        Cluster.objects.filter(pk=instance.pk).refresh_derived()
        # Publishing, rejecting or archiving it shows or hides its members.
        Organisation.objects.filter(memberships__cluster=instance).refresh_cluster_counts()


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Cluster.objects.filter(pk=instance.cluster_id).refresh_derived()
        Organisation.objects.filter(pk=instance.organisation_id).refresh_cluster_counts()


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        Cluster.objects.filter(memberships__organisation=instance).refresh_derived()


# The changes API's log (ClusterChange): each write that changes what the JSON API says of
# a published cluster logs it in the same transaction. What is written in bulk (members,
# imports, the seed, generated data) logs its clusters itself.


@receiver(post_save, sender=Cluster)
@receiver(post_delete, sender=Cluster)
def cluster_changed(sender, instance, **kwargs):
    if instance.status == Cluster.Status.PUBLISHED or instance.published_at:
        ClusterChange.objects.record_entries([(instance.pk, instance.slug)])


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_logged(sender, instance, **kwargs):
    ClusterChange.objects.record(Cluster.objects.filter(pk=instance.cluster_id))


@receiver(post_save, sender=Organisation)
def organisation_logged(sender, instance, created, **kwargs):
    # Its name, address and type are in the records of its clusters.
    if not created:
        ClusterChange.objects.record(Cluster.objects.filter(memberships__organisation=instance))


@receiver(post_save, sender=FieldOfActivity)
@receiver(pre_delete, sender=FieldOfActivity)
@receiver(post_save, sender=ThematicArea)
@receiver(pre_delete, sender=ThematicArea)
def term_logged(sender, instance, **kwargs):
    """A renamed term, an area made public or hidden, changes its clusters' records; the
    clusters of one deleted lose it, and its links go without a signal of their own."""
    if instance.pk:
        ClusterChange.objects.record(instance.clusters.all())


def areas_dated(sender, instance, action, reverse, pk_set, **kwargs):
    """Date each link of a cluster to a thematic area as it is made; forget it as it goes."""
    if action == "post_add":
        pairs = [(other, instance.pk) if reverse else (instance.pk, other) for other in pk_set]
        JoinedThematicArea.objects.joined(pairs)
    elif action == "post_remove":
        side, other_side = ("thematic_area", "cluster") if reverse else ("cluster", "thematic_area")
        JoinedThematicArea.objects.filter(
            **{side: instance.pk, f"{other_side}__in": pk_set}
        ).delete()
    elif action == "pre_clear":
        JoinedThematicArea.objects.filter(
            **{"thematic_area" if reverse else "cluster": instance.pk}
        ).delete()


m2m_changed.connect(areas_dated, sender=Cluster.thematic_areas.through, dispatch_uid="areas_dated")


def links_logged(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        ClusterChange.objects.record(Cluster.objects.filter(pk=instance.pk))
    elif action in ("post_add", "post_remove") and reverse:
        ClusterChange.objects.record(Cluster.objects.filter(pk__in=pk_set))
    elif action == "pre_clear" and reverse:
        ClusterChange.objects.record(instance.clusters.all())


# The terms a record names; services and innovation types are not in it.
for field in (Cluster.fields_of_activity, Cluster.thematic_areas):
    m2m_changed.connect(links_logged, sender=field.through, dispatch_uid=f"changes:{field}")
