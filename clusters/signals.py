"""Keep what each cluster stores about itself for search and filters in step with its data,
and log the changes of published clusters for the changes API.

Code that writes in bulk (bulk_create, update) skips these signals and refreshes the same
columns itself (ClusterQuerySet.refresh_derived).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from clusters.models import (
    SEARCHED_TAXONOMIES,
    Cluster,
    ClusterChange,
    FieldOfActivity,
    InnovationType,
    JoinedThematicArea,
    MemberService,
    Membership,
    Organisation,
)
from core.vocabulary import in_every_language
from themes.models import ThematicArea

# The relation from each kind of term to the clusters tagged with it.
TERM_RELATIONS = {
    Cluster._meta.get_field(taxonomy).related_model: taxonomy for taxonomy in SEARCHED_TAXONOMIES
}


@receiver(post_save, sender=Cluster)
def cluster_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        # A new cluster gets its terms after it is saved (tags_changed).
        Cluster.objects.filter(pk=instance.pk).refresh_derived(tagged=not created)
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


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A cluster tagged or untagged: its search text names its terms in every language."""
    if action == "pre_clear" and reverse:
        # After the clear, the clusters that had the term are no longer known.
        tagged = Cluster.objects.filter(**{TERM_RELATIONS[type(instance)]: instance})
        instance._untagged = list(tagged.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            clusters = Cluster.objects.filter(pk=instance.pk)
        elif action == "post_clear":
            clusters = Cluster.objects.filter(pk__in=instance.__dict__.pop("_untagged", []))
        else:
            clusters = Cluster.objects.filter(pk__in=pk_set)
        clusters.refresh_derived()


for taxonomy in SEARCHED_TAXONOMIES:
    m2m_changed.connect(
        tags_changed,
        sender=Cluster._meta.get_field(taxonomy).remote_field.through,
        dispatch_uid=f"tags_changed:{taxonomy}",
    )


def searched_values(term):
    """What of a term the clusters' search text holds: its names, and for a thematic area
    whether it is public (only public ones are searched)."""
    values = [getattr(term, column) for column in in_every_language("name")]
    return (*values, term.is_public) if isinstance(term, ThematicArea) else tuple(values)


@receiver(pre_save, sender=FieldOfActivity)
@receiver(pre_save, sender=MemberService)
@receiver(pre_save, sender=InnovationType)
@receiver(pre_save, sender=ThematicArea)
def term_saving(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).first()
    instance._renamed = before is None or searched_values(before) != searched_values(instance)


@receiver(post_save, sender=FieldOfActivity)
@receiver(post_save, sender=MemberService)
@receiver(post_save, sender=InnovationType)
@receiver(post_save, sender=ThematicArea)
def term_saved(sender, instance, created, raw=False, **kwargs):
    """A term renamed or translated, or an area opened or closed: the clusters tagged with it
    are found by its new names, in one refresh whatever their number. A change of position
    alone refreshes nothing."""
    if not raw and not created and instance.__dict__.pop("_renamed", False):
        Cluster.objects.filter(**{TERM_RELATIONS[sender]: instance}).refresh_derived()


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
