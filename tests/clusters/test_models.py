from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import Cluster, Membership, Organisation
from themes.models import ThematicArea


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": Decimal("91"), "longitude": Decimal("0")},
        {"latitude": Decimal("0"), "longitude": Decimal("-181")},
        {"latitude": Decimal("45"), "longitude": None},
        {"year_founded": 1500},
        {"eccp_registered": False, "eccp_profile_url": "https://example.org/profile"},
        {"label": Cluster.Label.NONE, "label_expires_on": "2030-01-01"},
    ],
)
def test_the_database_refuses_impossible_clusters(db, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cluster.objects.create(name="Broken", **fields)


def test_a_founding_year_in_the_future_is_invalid(empty_directory):
    cluster = Cluster(name="Future", year_founded=timezone.now().year + 1)
    with pytest.raises(ValidationError) as error:
        cluster.full_clean()
    assert "year_founded" in error.value.message_dict


def test_slugs_are_generated_unique_and_transliterated(empty_directory):
    first = Cluster.objects.create(name="Łomża Social Economy Cluster")
    second = Cluster.objects.create(name="Łomża Social Economy Cluster")
    assert first.slug == "lomza-social-economy-cluster"
    assert second.slug == "lomza-social-economy-cluster-2"


def test_a_slug_stays_when_the_name_changes(empty_directory):
    cluster = Cluster.objects.create(name="Old Name")
    cluster.name = "New Name"
    cluster.save()
    assert cluster.slug == "old-name"


def test_publishing_records_when(empty_directory):
    cluster = Cluster.objects.create(name="Soon", status=Cluster.Status.PENDING)
    assert cluster.published_at is None
    cluster.status = Cluster.Status.PUBLISHED
    cluster.save()
    assert cluster.published_at is not None


def test_published_is_the_one_visibility_rule(empty_directory):
    for status in Cluster.Status:
        Cluster.objects.create(name=f"In {status}", status=status)
    assert list(Cluster.objects.published().values_list("name", flat=True)) == ["In published"]


def test_an_organisation_is_one_record_per_name_and_country(empty_directory):
    Organisation.objects.create(name="UNIMOS Foundation", country="PL")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="unimos foundation", country="PL")
    assert Organisation.objects.matching(" Unimos Foundation ", "PL").count() == 1
    Organisation.objects.create(name="UNIMOS Foundation", country="DE")


def test_an_organisation_joins_a_cluster_once(empty_directory):
    cluster = Cluster.objects.create(name="Cluster")
    organisation = Organisation.objects.create(name="Member")
    Membership.objects.create(cluster=cluster, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(cluster=cluster, organisation=organisation)


def test_only_active_and_developing_thematic_areas_are_public(empty_directory):
    for status in ThematicArea.Status:
        ThematicArea.objects.create(name=f"Area {status}", status=status)
    assert set(ThematicArea.objects.public().values_list("status", flat=True)) == {
        "active",
        "under_development",
    }


def test_place_does_not_repeat_a_city_that_is_its_own_region(empty_directory):
    assert Cluster(city="Berlin", region="Berlin").place == "Berlin"
    assert Cluster(city="Turin", region="Piedmont").place == "Turin, Piedmont"
    assert Cluster(region="Lapland").place == "Lapland"


def test_staff_cannot_give_a_cluster_the_address_of_another_page(empty_directory):
    cluster = Cluster(name="Map", slug="map")
    with pytest.raises(ValidationError) as error:
        cluster.full_clean()
    assert "slug" in error.value.message_dict
