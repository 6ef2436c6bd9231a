"""The log that the changes API reads: which published clusters changed, in an order that a
mirror can follow without ever missing one.

An entry says only "this cluster changed"; the API gives the cluster as it is when it is
read (its record, or that it is withdrawn), so an entry is written in the same transaction
as the change it reports and can never disagree with it.

Its position is (transaction, id). A mirror that has read up to a position must never be
handed an entry before it later, yet an id (or a timestamp) is taken when a row is
written, not when it is committed: a transaction that took id 10 and commits after the one
that took id 11 would be skipped by a mirror that had read 11. So:

- on PostgreSQL, each entry carries the number of the transaction that wrote it
  (pg_current_xact_id, 64 bits, never reused) and the API hands out only the entries of
  transactions older than every transaction still running (the xmin of its snapshot):
  those are all committed or rolled back, and no entry can ever appear below them. A write
  still running holds back the entries after it, never longer than it runs;
- SQLite lets one transaction write at a time, so ids are taken in the order of commits and
  the transaction number is 0.
"""

from django.db import models
from django.db.models import Q
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLookupMixin

from clusters.models.choices import Status


class CurrentTransaction(models.Func):
    """The number of the transaction that runs the statement."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra):
        return "pg_current_xact_id()::text::bigint", []


class SettledTransactions(models.Func):
    """Every transaction numbered below this one has committed or rolled back."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        # SQLite: nothing is written but by the one transaction that has committed.
        return "9223372036854775807", []

    def as_postgresql(self, compiler, connection, **extra):
        return "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", []


class RowAfter(TupleGreaterThan):
    """(a, b) > (x, y), written as one row comparison on every database: Django's own
    lookup spells it out with OR on SQLite, in a form no index seeks to, though SQLite reads
    row values since 3.15."""

    def as_sql(self, compiler, connection):
        return super(TupleLookupMixin, self).as_sql(compiler, connection)


class ClusterChangeQuerySet(models.QuerySet):
    def record(self, clusters, new=False):
        """Log a change of each of these clusters that is published or ever was: those
        are the ones a mirror holds or held. One query to read them, one to drop their
        earlier entries (skipped for `new` clusters, which have none) and one to write."""
        entries = clusters.filter(
            Q(status=Status.PUBLISHED) | Q(published_at__isnull=False)
        ).values_list("pk", "slug")
        self.record_entries(list(entries), new=new)

    def record_entries(self, entries, new=False):
        """Log a change of the clusters given as (id, slug)."""
        if not entries:
            return
        if not new:
            # An earlier entry of the same cluster says nothing the new one does not.
            ids = [pk for pk, _slug in entries]
            for start in range(0, len(ids), 500):
                self.filter(cluster_id__in=ids[start : start + 500]).delete()
        self.bulk_create(
            [
                ClusterChange(cluster_id=pk, slug=slug, transaction=CurrentTransaction())
                for pk, slug in entries
            ],
            batch_size=1000,
        )

    def with_settled(self):
        """Annotate `settled`: whether no entry can ever be written before this one."""
        return self.annotate(
            settled=models.ExpressionWrapper(
                Q(transaction__lt=SettledTransactions()), output_field=models.BooleanField()
            )
        )

    def after(self, transaction, id):
        """The entries after the position (transaction, id), in order. Compared as one row,
        (transaction, id) > (t, i), which the index on (transaction, id) seeks to: a page
        far on costs what the first one does, even inside one transaction that logged
        100,000 clusters (the seed, an import), where "transaction >= t" would not do."""
        return self.filter(
            RowAfter((models.F("transaction"), models.F("id")), (transaction, id))
        ).order_by("transaction", "id")

    def latest_of_each_cluster(self):
        """Without an entry that a later one of the same cluster supersedes: two
        transactions that change a cluster at once each keep theirs."""
        later = ClusterChange.objects.filter(cluster_id=models.OuterRef("cluster_id")).filter(
            Q(transaction__gt=models.OuterRef("transaction"))
            | Q(transaction=models.OuterRef("transaction"), id__gt=models.OuterRef("id"))
        )
        return self.exclude(models.Exists(later))


class ClusterChange(models.Model):
    """A published cluster (or one published before) changed: created, edited, withdrawn."""

    transaction = models.BigIntegerField()
    # Not a foreign key: the entry of a cluster merged into another outlives it.
    cluster_id = models.BigIntegerField()
    # Its address when the entry was written: the one a mirror knows a removed cluster by.
    slug = models.SlugField(max_length=120)

    objects = ClusterChangeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["transaction", "id"], name="cluster_change_position_idx"),
            models.Index(
                fields=["cluster_id", "transaction", "id"], name="cluster_change_cluster_idx"
            ),
        ]

    def __str__(self):
        return f"{self.slug} ({self.transaction}-{self.id})"
