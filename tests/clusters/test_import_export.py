"""Staff export clusters to a spreadsheet and import one, in the admin."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.models import Cluster, Organisation
from tests.clusters.test_admin import form_data, parse

pytestmark = pytest.mark.usefixtures("seed")

EXPORT = "/admin/clusters/cluster/export/"
IMPORT = "/admin/clusters/cluster/import/"
CSV_FORMAT = "0"
XLSX_FORMAT = "1"


def export(client, query="", file_format=CSV_FORMAT):
    page = parse(client.get(EXPORT + query))
    data = form_data(page.find("select", attrs={"name": "format"}).find_parent("form"))
    data["format"] = file_format
    response = client.post(EXPORT + query, data)
    assert response.status_code == 200
    return response.content


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def preview(client, content, name="clusters.csv", file_format=CSV_FORMAT):
    page = parse(client.get(IMPORT))
    data = form_data(page.find("select", attrs={"name": "format"}).find_parent("form"))
    data["format"] = file_format
    data["import_file"] = SimpleUploadedFile(name, content)
    response = client.post(IMPORT, data)
    assert response.status_code == 200
    return parse(response)


def confirm(client, page):
    form = page.select_one("form#confirm-import-form") or page.find(
        "form", action=lambda action: action and "process_import" in action
    )
    response = client.post(form["action"], form_data(form))
    assert response.status_code == 302
    return response


def snapshot():
    return (
        list(Cluster.objects.order_by("pk").values()),
        sorted(Cluster.objects.values_list("pk", "memberships__organisation__name")),
        sorted(Cluster.objects.values_list("pk", "fields_of_activity__slug")),
        Cluster.history.count(),
    )


def test_the_export_has_every_cluster_with_members_and_taxonomies_and_no_personal_data(editor):
    Cluster.objects.filter(slug="figeacteurs").update(submitter_email="private@example.org")

    rows = rows_of(export(editor))

    assert len(rows) == 62
    agro = next(row for row in rows if row["name"] == "AgroBioCluster")
    assert agro["members"] == "UNIMOS Foundation | civil_society | coordinator |  | PL"
    assert agro["fields_of_activity"] == "local-food"
    assert "private@example.org" not in export(editor).decode()


def test_the_export_follows_the_changelist_filters(editor):
    rows = rows_of(export(editor, "?country__exact=FI"))

    assert sorted(row["name"] for row in rows) == [
        "Arctic Smartness Rural Community",
        "Lapland - Arctic Social Economy Cluster",
        "Smart and Sustainable Arctic Tourism Cluster",
    ]


def test_exporting_everything_and_importing_it_again_changes_nothing(editor):
    before = snapshot()
    content = export(editor)

    page = preview(editor, content)
    assert "Skipped" in page.get_text() or "skip" in page.get_text().lower()
    assert not page.select(".errorlist, .import-error, .validation-error-count")
    confirm(editor, page)

    assert snapshot() == before


def test_a_spreadsheet_in_xlsx_round_trips_too(editor):
    before = snapshot()
    content = export(editor, file_format=XLSX_FORMAT)

    confirm(editor, preview(editor, content, "clusters.xlsx", XLSX_FORMAT))

    assert snapshot() == before


def test_an_import_adds_and_changes_rows_with_members_and_records_who(editor):
    members = (
        "Mairie de Figeac | local_authority | founding_member | | FR\n"
        "Coop Lot | social_economy_enterprise"
    )
    content = (
        "slug,name,country,model,fields_of_activity,members\n"
        f'figeacteurs,Figeacteurs,FR,ptce,ecology; education,"{members}"\n'
        ",Pôle Nouveau,FR,social_economy_cluster,,Coop Nouvelle | social_economy_enterprise\n"
    ).encode()

    confirm(editor, preview(editor, content))

    figeacteurs = Cluster.objects.get(slug="figeacteurs")
    assert figeacteurs.model == "ptce"
    assert sorted(figeacteurs.fields_of_activity.values_list("slug", flat=True)) == [
        "ecology",
        "education",
    ]
    assert sorted(figeacteurs.memberships.values_list("organisation__name", flat=True)) == [
        "Coop Lot", "Mairie de Figeac",
    ]  # fmt: skip
    new = Cluster.objects.get(name="Pôle Nouveau")
    assert new.status == Cluster.Status.PENDING
    assert new.memberships.get().organisation.type == "social_economy_enterprise"
    latest = figeacteurs.history.first()
    assert latest.history_user.username == "editor"
    assert latest.history_change_reason == "Spreadsheet import"


def test_an_import_with_one_bad_row_saves_no_row_and_names_the_row(editor):
    before = snapshot()
    content = (
        b"name,country,model,members\n"
        b"Good One,FR,ptce,\n"
        b"Bad One,ZZ,franchise,Someone | robot\n"
        b"Good Two,BE,other,\n"
    )

    page = preview(editor, content)

    assert "Some rows failed to validate" in page.get_text()
    [bad_row] = [
        row for row in page.select("tr") if row.find("td") and row.td.get_text(strip=True) == "2"
    ]
    problems = bad_row.get_text(" ", strip=True)
    assert "Member 1: “robot” is not a type." in problems
    assert "Value 'ZZ' is not a valid choice." in problems
    assert not page.find("form", action=lambda action: action and "process_import" in action)
    assert snapshot() == before
    assert not Cluster.objects.filter(name__in=["Good One", "Good Two"]).exists()


@pytest.mark.parametrize(
    "member, problem",
    [
        ("Coop | other | member | not a web address", "the website is not a web address"),
        (f"Coop | other | member | https://{'x' * 300}.org", "the website is not a web address"),
        ("Coop | other | member |  | Atlantis", "“ATLANTIS” is not a country code."),
    ],
)
def test_an_imported_member_with_a_bad_website_or_country_is_named_and_saves_nothing(
    editor, member, problem
):
    before = snapshot()

    page = preview(editor, f'name,country,model,members\nGood One,FR,ptce,"{member}"\n'.encode())

    assert f"Member 1: {problem}" in page.get_text()
    assert not page.find("form", action=lambda action: action and "process_import" in action)
    assert snapshot() == before


def test_the_seed_file_imports_as_it_is(editor):
    Cluster.objects.all().delete()
    content = (Path(settings.BASE_DIR) / "fixtures" / "geces-2021-clusters.csv").read_bytes()

    confirm(editor, preview(editor, content))

    assert Cluster.objects.count() == 62
    orebro = Cluster.objects.get(name__contains="Örebro")
    assert (orebro.country_from, orebro.model_from) == ("inferred", "inferred")
    assert Cluster.objects.get(name="Base 202").eccp_registered == "unknown"
    assert Cluster.objects.get(name="Cieszyn Social Cluster").activity_status == "unknown"
    assert Cluster.objects.get(name="Figeacteurs").activity_status == "listed"


def test_an_imported_near_namesake_is_flagged_as_a_possible_duplicate(editor):
    content = b"name,country,model\nTorino Social Impact Cluster,IT,other\n"

    confirm(editor, preview(editor, content))

    imported = Cluster.objects.get(name="Torino Social Impact Cluster")
    assert list(imported.possible_duplicates.values_list("slug", flat=True)) == [
        "torino-social-impact"
    ]
    assert Organisation.objects.count() == 1
