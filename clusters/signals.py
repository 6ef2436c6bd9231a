"""Keep what each cluster stores about itself for search and filters in step with its data.

Code that writes in bulk (bulk_create, update) skips these signals and refreshes the same
columns itself (ClusterQuerySet.refresh_derived).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clusters.models import Cluster, Membership, Organisation


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
