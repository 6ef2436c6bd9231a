import io

from django.core.management import call_command

from cases.models import CaseStudy
from clusters.models import Cluster, FieldOfActivity, InnovationType, MemberService, Membership
from themes.models import ThematicArea


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Cluster, ThematicArea, CaseStudy, FieldOfActivity, MemberService, InnovationType,
            Membership,
        )
    }  # fmt: skip


def test_the_seed_has_the_mapping(seed):
    assert counts() == {
        "Cluster": 62,
        "ThematicArea": 7,
        "CaseStudy": 4,
        "FieldOfActivity": 12,
        "MemberService": 5,
        "InnovationType": 9,
        "Membership": 1,
    }
    assert Cluster.objects.published().count() == 62
    assert set(Cluster.objects.values_list("source", flat=True)) == {"seed"}


def test_loading_the_seed_twice_changes_nothing(seed):
    before = counts()
    stamps = dict(Cluster.objects.values_list("slug", "updated_at"))
    output = io.StringIO()
    call_command("load_seed", stdout=output)
    assert counts() == before
    assert dict(Cluster.objects.values_list("slug", "updated_at")) == stamps
    assert "Created 0 terms, 0 thematic areas, 0 clusters" in output.getvalue()


def test_loading_the_seed_again_keeps_staff_edits(seed):
    Cluster.objects.filter(name="Impact Noord").update(short_description="Edited by staff")
    call_command("load_seed", stdout=io.StringIO())
    assert Cluster.objects.get(name="Impact Noord").short_description == "Edited by staff"


def test_uncertain_rows_need_review_for_their_reasons(seed):
    def reasons(name):
        return Cluster.objects.with_review_reasons().get(name=name).review_reasons

    assert reasons("Base 202")[:2] == ["Country inferred or unknown", "No coordinates"]
    assert reasons("Coursive Boutaric")[0] == "Country inferred or unknown"
    assert "No coordinates" in reasons("ecoBI")
    assert reasons("Torino Social Impact") == ["Model inferred", "Not verified for a year"]
    assert Cluster.objects.needing_review("country").count() == 35


def test_case_studies_are_linked_to_their_clusters(seed):
    links = dict(CaseStudy.objects.values_list("title", "cluster__name"))
    assert links == {
        "Circularium": "Circularium",
        "Fondazione Innovazione Urbana Bologna": "Fondazione Innovazione Urbana",
        "Social Innovation and Enterprise Cluster (SINEC)": (
            "SINEC - Social Innovation and Enterprise Cluster"
        ),
        "The PTCE model": None,
    }


def test_seed_clusters_keep_the_facts_of_the_mapping(seed):
    torino = Cluster.objects.get(slug="torino-social-impact")
    assert torino.country.code == "IT"
    assert torino.eccp_registered
    assert torino.model == Cluster.Model.SOCIAL_INNOVATION_CLUSTER
    assert float(torino.latitude) == 45.0703
    lomza = Cluster.objects.get(slug="lomza-social-economy-cluster")
    assert lomza.activity_status == Cluster.ActivityStatus.UNKNOWN
