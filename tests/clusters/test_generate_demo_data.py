import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from clusters.demo import DEMO_NOTE
from clusters.models import (
    Cluster,
    FieldOfActivity,
    InnovationType,
    MemberService,
    Membership,
    Organisation,
)
from clusters.search import search_clusters
from core.text import fold

pytestmark = pytest.mark.usefixtures("empty_directory")


def generate(clusters, **options):
    out = io.StringIO()
    call_command("generate_demo_data", clusters=clusters, stdout=out, **options)
    return out.getvalue()


def demo_clusters():
    return Cluster.objects.filter(staff_notes=DEMO_NOTE)


def test_it_adds_the_number_of_published_clusters_asked_for():
    output = generate(50)

    assert demo_clusters().count() == 50
    assert not demo_clusters().exclude(status=Cluster.Status.PUBLISHED).exists()
    assert "Added 50 published demo clusters" in output
    assert len(output.strip().splitlines()) == 1


def test_it_loads_the_seed_first_when_the_taxonomies_are_empty():
    for model in (FieldOfActivity, MemberService, InnovationType):
        model.objects.all().delete()

    generate(5)

    assert FieldOfActivity.objects.exists()
    assert Cluster.objects.filter(source=Cluster.Source.SEED).exists()


def test_every_cluster_has_between_3_and_30_members():
    generate(50)

    member_counts = demo_clusters().annotate(members=Count("memberships"))

    assert all(3 <= cluster.members <= 30 for cluster in member_counts)


def test_each_cluster_stores_the_types_of_its_members():
    generate(20)

    for cluster in demo_clusters():
        types = set(
            Membership.objects.filter(cluster=cluster).values_list("organisation__type", flat=True)
        )
        assert set(cluster.member_types.split()) == types


def test_some_organisations_are_members_of_several_clusters():
    generate(50)

    shared = Organisation.objects.annotate(clusters=Count("memberships")).filter(clusters__gt=1)

    assert shared.exists()


def test_clusters_are_tagged_and_placed():
    generate(50)

    for cluster in demo_clusters().prefetch_related("fields_of_activity", "services"):
        assert cluster.country
        assert cluster.published_at
        assert cluster.fields_of_activity.all()
        assert cluster.services.all()
        assert (cluster.latitude is None) == (cluster.longitude is None)
        assert cluster.eccp_registered == "yes" or not cluster.eccp_profile_url
        assert cluster.sort_name == fold(cluster.name)
        assert cluster.search_text.startswith(fold(cluster.name))
        assert cluster.label != Cluster.Label.NONE or cluster.label_expires_on is None


def test_running_it_twice_adds_more_clusters_with_unique_slugs():
    generate(50)
    generate(50)

    assert demo_clusters().count() == 100
    slugs = list(Cluster.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert all(slugs)


def test_the_same_seed_gives_the_same_clusters():
    def made_with_seed_7():
        generate(20, seed=7)
        return list(demo_clusters().order_by("pk").values_list("name", "country", "latitude"))

    # Both runs start from the same empty database.
    with transaction.atomic():
        first = made_with_seed_7()
        transaction.set_rollback(True)
    second = made_with_seed_7()

    assert first == second


def test_it_refuses_a_number_below_one():
    with pytest.raises(CommandError):
        generate(0)


def test_a_cluster_is_found_by_its_text_and_by_the_names_of_its_members():
    generate(20)
    cluster = demo_clusters().order_by("pk").first()
    member = Membership.objects.filter(cluster=cluster).select_related("organisation").first()

    for query in (cluster.name, cluster.region, member.organisation.name):
        assert cluster in search_clusters(Cluster.objects.published(), query)


def test_it_stores_the_search_text_the_site_would_store():
    generate(20)
    written = dict(demo_clusters().values_list("pk", "search_text"))

    demo_clusters().refresh_derived()

    # The same words; the order of the members' names may differ.
    for pk, search_text in demo_clusters().values_list("pk", "search_text"):
        assert sorted(written[pk].split()) == sorted(search_text.split())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_it_leaves_the_cluster_table_vacuumed_so_facet_counts_can_read_the_index_alone(
    transactional_db,
):
    generate(200)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            [Cluster._meta.db_table],
        )
        pages, all_visible = cursor.fetchone()
    assert pages > 0
    assert all_visible == pages
