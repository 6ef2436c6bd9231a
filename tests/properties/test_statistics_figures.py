"""The statistics, added up from the figures kept per version, are what the database counts:
for any combination of filters and searches, each chart's sums equal the same sums in SQL
over the clusters the list shows.

Property tests: `make fuzz` tries a thousand combinations (see tests/conftest.py).
"""

from datetime import timedelta

import pytest
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from hypothesis import given

from clusters.models import MEMBER_COUNT_FIELDS, Cluster
from network.statistics import MEMBER_TYPES, Statistics
from tests.properties.listing_queries import choices, list_queries

pytestmark = pytest.mark.usefixtures("generated_clusters")


def counted_in_sql(clusters):
    """The charts' sums, as the database adds them up."""
    seed = Q(source=Cluster.Source.SEED)
    never = Q(last_verified_at__isnull=True)
    year_ago = timezone.now() - timedelta(days=365)
    fields = Cluster.fields_of_activity.through.objects.filter(cluster=OuterRef("pk"))
    counts = clusters.aggregate(
        recent=Count("pk", filter=Q(last_verified_at__gte=year_ago)),
        earlier=Count("pk", filter=Q(last_verified_at__lt=year_ago)),
        mapping_only=Count("pk", filter=never & seed),
        never=Count("pk", filter=never & ~seed),
        seed=Count("pk", filter=seed),
        no_field=Count("pk", filter=~Exists(fields)),
    )
    composition = {
        (row["country"], row["model"]): (
            row["clusters"],
            {kind: row[name] or 0 for kind, name in MEMBER_TYPES},
        )
        for row in clusters.values("country", "model").annotate(
            clusters=Count("pk"), **{name: Sum(name) for name in MEMBER_COUNT_FIELDS}
        )
    }
    years = {
        row["year"] or 0: row["count"]
        for row in clusters.exclude(seed)
        .values(year=ExtractYear("published_at"))
        .annotate(count=Count("pk"))
    }
    return counts, composition, years


@pytest.mark.django_db
def test_the_charts_add_up_what_the_database_counts():
    @given(query=list_queries(choices(), most_values=2))
    def check(query):
        statistics = Statistics(query)

        counts, composition, years = counted_in_sql(statistics.listing.clusters.order_by())
        assert statistics.counts == counts
        assert {
            (country, model): (clusters, members)
            for country, model, clusters, members in statistics.composition
        } == composition
        timeline = statistics.chart("timeline").rows
        assert {int(row.value or 0): row.count for row in timeline if row.value != "mapping"} == (
            years
        )

    check()
