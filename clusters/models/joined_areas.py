"""When each cluster joined each of its thematic areas.

The link itself (Cluster.thematic_areas) is Django's own table, which holds no date: making
it a model of ours would take the field out of the admin's and the forms' hands. So the date
is kept beside it, one row a link, written whenever a link is made or removed: by the signal
of the links (clusters.signals) and, after a write in bulk, by `sync`.
"""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from clusters.models.clusters import Cluster


class JoinedThematicAreaQuerySet(models.QuerySet):
    def joined(self, pairs):
        """These (cluster id, area id) links were made now."""
        now = timezone.now()
        self.bulk_create(
            [
                JoinedThematicArea(cluster_id=cluster, thematic_area_id=area, joined_at=now)
                for cluster, area in pairs
            ],
            update_conflicts=True,
            unique_fields=["cluster", "thematic_area"],
            update_fields=["joined_at"],
        )

    def sync(self, clusters, by_publication=False):
        """Make the dates of these clusters' links match their links, after a write in bulk
        that sent no signal: a link that went loses its date, a new one is dated now or,
        `by_publication`, when its cluster was published (or made)."""
        links = set(
            Cluster.thematic_areas.through.objects.filter(cluster__in=clusters).values_list(
                "cluster_id", "thematicarea_id"
            )
        )
        dated = {
            (cluster, area): pk
            for pk, cluster, area in self.filter(cluster__in=clusters).values_list(
                "pk", "cluster_id", "thematic_area_id"
            )
        }
        self.filter(pk__in=[pk for link, pk in dated.items() if link not in links]).delete()
        new = links - dated.keys()
        dates = {}
        if by_publication:
            dates = dict(
                Cluster.objects.filter(pk__in=clusters).values_list(
                    "pk", Coalesce("published_at", "created_at")
                )
            )
        now = timezone.now()
        self.bulk_create(
            [
                JoinedThematicArea(
                    cluster_id=cluster, thematic_area_id=area, joined_at=dates.get(cluster, now)
                )
                for cluster, area in new
            ],
            batch_size=1000,
        )


class JoinedThematicArea(models.Model):
    """A cluster is in a thematic area since `joined_at`."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="joined_areas")
    thematic_area = models.ForeignKey(
        "themes.ThematicArea", on_delete=models.CASCADE, related_name="joined_clusters"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    objects = JoinedThematicAreaQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "thematic_area"], name="joined_thematic_area_once"
            )
        ]
        # An area's feed: its newest members first.
        indexes = [
            models.Index(fields=["thematic_area", "-joined_at"], name="joined_area_newest_idx")
        ]

    def __str__(self):
        return f"{self.cluster_id} in {self.thematic_area_id} since {self.joined_at:%Y-%m-%d}"
