"""Spreadsheets staff export and import, against hostile content and files gone wrong:
formulas stay text, a file that cannot be imported says why at once, and confirming saves
every row or none, once."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import imports, resources
from clusters.models import Cluster, FieldOfActivity
from clusters.services import history, moderation
from tests.clusters.test_admin import form_data, parse
from tests.clusters.test_import_export import (
    CSV_FORMAT,
    XLSX_FORMAT,
    export,
    preview,
    rows_of,
    snapshot,
)
from tests.clusters.test_register import register

pytestmark = pytest.mark.usefixtures("seed")

HOSTILE = {
    "name": '=HYPERLINK("http://evil","x")',
    "region": "=1+1",
    "city": "+cmd",
    "legal_entity_name": "@SUM(A1)",
    "short_description": "-2+3",
    "also_known_as": "'=already quoted",
}
HOSTILE_MEMBER = "=cmd|' /C calc'!A0"
# The columns whose text a person or a file can choose.
TEXT_COLUMNS = [*HOSTILE, "members", "description", "note", "name_in_source"]


@pytest.fixture
def hostile_cluster(anonymous, editor):
    """A cluster registered through the public form with formulas for its texts, then
    published by staff."""
    register(
        anonymous,
        **{name: value for name, value in HOSTILE.items() if name != "also_known_as"},
        **{"members-0-name": HOSTILE_MEMBER},
    )
    cluster = Cluster.objects.get(region="=1+1")
    cluster.also_known_as = HOSTILE["also_known_as"]
    moderation.publish(cluster)
    return cluster


def test_the_staff_csv_keeps_every_formula_as_text(editor, hostile_cluster):
    rows = rows_of(export(editor))

    [row] = [row for row in rows if row["region"] == "'=1+1"]
    assert row["name"] == "'" + HOSTILE["name"]
    assert row["legal_entity_name"] == "'@SUM(A1)"
    assert row["short_description"] == "'-2+3"
    assert row["also_known_as"] == "''=already quoted"
    # A "|" in a member's name is written "\|": it is what separates a member's details.
    assert row["members"].startswith("'" + HOSTILE_MEMBER.replace("|", "\\|") + " | ")
    for row in rows:
        for column in TEXT_COLUMNS:
            assert not row[column].startswith(("=", "+", "-", "@")), (column, row[column])


def test_the_staff_xlsx_has_no_formula_cell(editor, hostile_cluster):
    workbook = openpyxl.load_workbook(io.BytesIO(export(editor, file_format=XLSX_FORMAT)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]

    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert HOSTILE["name"] in [cell.value for cell in cells]


@pytest.mark.parametrize(
    "file_format, name", [(CSV_FORMAT, "clusters.csv"), (XLSX_FORMAT, "clusters.xlsx")]
)
def test_formulas_exported_come_back_as_the_text_they_were(
    editor, hostile_cluster, file_format, name
):
    before = snapshot()

    page = preview(editor, export(editor, file_format=file_format), name, file_format)
    confirm_page = editor.post(*confirmation(page), follow=True)

    assert "0 new, 0 updated, 63 unchanged" in parse(confirm_page).get_text()
    assert snapshot() == before


def confirmation(page):
    form = page.find("form", action=lambda action: action and "process_import" in action)
    assert form is not None, page.get_text(" ", strip=True)[:2000]
    return form["action"], form_data(form)


def import_errors(page):
    return " ".join(error.get_text(" ", strip=True) for error in page.select(".errorlist"))


@pytest.mark.parametrize(
    "content, said",
    [
        (
            b"title,nation\nA,FR\n",
            ["Missing column: name.", "Unknown columns: title, nation.", "name, name_in_source"],
        ),
        (
            b"name,name,countryy\nA,B,FR\n",
            ["Columns named twice: name.", "Unknown columns: countryy"],
        ),
        (b"name,country\n", ["The file has no rows"]),
    ],
)
def test_a_file_with_other_columns_says_which_and_offers_no_confirmation(editor, content, said):
    page = preview(editor, content)

    for sentence in said:
        assert sentence in import_errors(page)
    assert not page.find("form", action=lambda action: action and "process_import" in action)


def test_a_latin_1_file_is_refused_with_the_encoding_to_use(editor):
    page = preview(editor, "name,country\nPôle Léger,FR\n".encode("latin-1"))

    assert "not in UTF-8" in import_errors(page)
    assert "CSV UTF-8" in import_errors(page)
    assert "UnicodeDecodeError" not in page.get_text()


def test_a_utf_16_file_is_read(editor):
    page = preview(editor, "name,country\nPôle Léger,FR\n".encode("utf-16"))
    editor.post(*confirmation(page))

    assert Cluster.objects.filter(name="Pôle Léger", country="FR").exists()


def test_a_cell_too_long_to_be_a_cluster_field_is_named(editor):
    page = preview(editor, b"name,description\nA," + b"x" * 200_000 + b"\n")

    assert "longer than 131,072 characters" in import_errors(page)
    assert "'Error'" not in page.get_text()


def test_a_workbook_that_is_not_one_says_so(editor):
    page = preview(editor, b"name,country\nA,FR\n", "clusters.xlsx", XLSX_FORMAT)

    assert "not an XLSX workbook" in import_errors(page)


def test_a_file_past_the_limits_is_refused_at_once_with_them(editor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 3)
    content = b"name,country\n" + b"".join(b"Cluster %d,FR\n" % n for n in range(4))

    with CaptureQueriesContext(connection) as queries:
        page = preview(editor, content)

    assert "The file has 4 rows: the import takes files of at most 2 MB and 3 rows." in (
        import_errors(page)
    )
    # The session, the staff member, the cache's: no row was read.
    assert not [query for query in queries if "clusters_" in query["sql"]]

    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 20)
    assert "at most 0 MB" in import_errors(preview(editor, content))


def test_the_confirmation_names_no_server_path(editor):
    page = preview(editor, b"name,country\nNouveau Pole,FR\n")

    _action, data = confirmation(page)
    assert set(data) == {"csrfmiddlewaretoken", "token"}
    assert "/tmp" not in str(page)


def test_confirming_twice_saves_once_and_says_so(editor):
    page = preview(editor, b"name,country\nNouveau Pole,FR\n")
    action, data = confirmation(page)

    first = editor.post(action, data, follow=True)
    second = editor.post(action, data, follow=True)

    assert "1 new, 0 updated, 0 unchanged" in parse(first).get_text()
    assert second.status_code == 200
    assert "Nothing was imported now" in parse(second).get_text()
    assert Cluster.objects.filter(name="Nouveau Pole").count() == 1


def test_another_staff_member_cannot_confirm_a_preview(editor, client):
    page = preview(editor, b"name,country\nNouveau Pole,FR\n")
    action, data = confirmation(page)
    other = User.objects.create_superuser("other", "other@example.org", "other-password")
    client.force_login(other)

    response = client.post(action, data, follow=True)

    assert "Nothing was imported now" in parse(response).get_text()
    assert not Cluster.objects.filter(name="Nouveau Pole").exists()


def test_a_forged_confirmation_of_a_file_with_errors_saves_nothing(editor):
    before = snapshot()
    page = preview(editor, b"name,country,model\nGood One,FR,ptce\nBad One,ZZ,franchise\n")
    assert not page.find("form", action=lambda action: action and "process_import" in action)

    for forged in (
        {"token": "0" * 32},
        {"import_file_name": "clusters.csv", "original_file_name": "x.csv", "format": "0"},
    ):
        response = editor.post("/admin/clusters/cluster/process_import/", forged, follow=True)
        assert "Nothing was imported now" in parse(response).get_text()

    assert snapshot() == before


def test_a_term_deleted_after_the_preview_saves_nothing_and_says_why(editor):
    before = snapshot()
    page = preview(
        editor, b"name,country,fields_of_activity\nPole A,FR,ecology\nPole B,BE,ecology\n"
    )
    action, data = confirmation(page)
    FieldOfActivity.objects.filter(slug="ecology").delete()
    before = snapshot()

    response = editor.post(action, data)

    assert response.status_code == 409
    text = parse(response).get_text(" ", strip=True)
    assert "Nothing was imported: the file is no longer valid" in text
    assert "Unknown: ecology." in text
    assert snapshot() == before


def test_a_term_deleted_while_the_file_is_saved_saves_nothing(editor, monkeypatch):
    page = preview(editor, b"name,country,fields_of_activity\nPole A,FR,ecology\n")
    action, data = confirmation(page)
    read_rows = imports.read_rows

    def then_delete(*args):
        checked = read_rows(*args)
        FieldOfActivity.objects.filter(slug="ecology").delete()
        return checked

    monkeypatch.setattr(imports, "read_rows", then_delete)
    versions = Cluster.history.count()

    response = editor.post(action, data, follow=True)

    assert "Nothing was imported: Some fields of activity the file names were deleted" in (
        parse(response).get_text()
    )
    assert not Cluster.objects.filter(name="Pole A").exists()
    assert Cluster.history.count() == versions


@pytest.mark.parametrize(
    "columns, cells, field",
    [
        ("latitude,longitude", "95,10", "latitude"),
        ("latitude,longitude", "45,200", "longitude"),
        ("latitude", "45", "longitude"),
        ("year_founded", "1700", "year_founded"),
        ("eccp_registered,eccp_profile_url", "no,https://ec.europa.eu/x", "eccp_profile_url"),
        ("label,label_expires_on", "none,2030-01-01", "label_expires_on"),
        ("slug", "twice", "slug"),
    ],
)
def test_a_row_against_a_rule_of_the_model_is_named_and_saves_nothing(
    editor, columns, cells, field
):
    before = snapshot()
    content = f"name,country,{columns}\nPole A,FR,{cells}\nPole B,BE,{cells}\n"

    page = preview(editor, content.encode())

    labels = [label.get_text(strip=True) for label in page.select(".validation-error-field-label")]
    assert field in labels
    assert not page.find("form", action=lambda action: action and "process_import" in action)
    assert snapshot() == before


def test_an_imported_version_keeps_its_taxonomies_in_the_history(editor):
    page = preview(editor, b"slug,fields_of_activity\nfigeacteurs,ecology; education\n")
    editor.post(*confirmation(page))

    figeacteurs = Cluster.objects.get(slug="figeacteurs")
    version = figeacteurs.history.first()
    assert version.history_change_reason == "Spreadsheet import"
    assert version.history_user.username == "editor"
    assert sorted(version.fields_of_activity.values_list("fieldofactivity__slug", flat=True)) == [
        "ecology",
        "education",
    ]
    assert history.differences(figeacteurs, version) == []


def import_queries(client, first, rows):
    """(queries to preview, queries to confirm) a file of `rows` new clusters, each with
    two taxonomy terms and two members."""
    content = "name,country,fields_of_activity,members\n" + "".join(
        # Names no two of which are close, so that none is flagged as another's duplicate.
        f'Pole {n:04d}x,FR,ecology; education,"Coop {n} | other\nMairie {n} | local_authority"\n'
        for n in range(first, first + rows)
    )
    with CaptureQueriesContext(connection) as previewing:
        page = preview(client, content.encode())
    with CaptureQueriesContext(connection) as confirming:
        client.post(*confirmation(page))
    assert Cluster.objects.filter(name__startswith="Pole ").count() == first + rows
    return statements(previewing), statements(confirming)


def statements(queries):
    """The queries, less the savepoints Django takes around each constraint check inside
    the test's transaction (outside one, as on the site, it takes none)."""
    return len([query for query in queries if "SAVEPOINT" not in query["sql"]])


def test_an_import_costs_a_few_queries_a_row_and_writes_in_bulk(editor):
    # A first file reads what Django keeps for the process (the content types), so that
    # the two files compared pay for the same things.
    import_queries(editor, 0, 1)
    few = import_queries(editor, 1, 2)
    many = import_queries(editor, 3, 19)

    # Seventeen rows more: the terms, the clusters the rows match and everything saved are
    # read or written once for the file, and a row is checked without a query. (SQLite
    # takes at most 999 values a statement, nineteen clusters of fifty columns: a longer
    # file is written in as many statements more.) Once saved, the new clusters are
    # compared with those of their countries for possible duplicates: on SQLite in one read,
    # on PostgreSQL by a trigram query each; the links between close names are written at
    # once either way.
    assert many[0] - few[0] == 0
    assert many[1] - few[1] == (17 if connection.vendor == "postgresql" else 0)


def test_a_long_file_is_checked_whole_and_shown_in_part(editor, monkeypatch):
    monkeypatch.setattr(resources, "PREVIEW_ROWS", 2)
    monkeypatch.setattr(imports, "PREVIEW_ROWS", 2)
    content = b"name,country,city\n" + b"".join(b"Pole %d,FR,Cahors\n" % n for n in range(5))

    page = preview(editor, content)

    assert "The file has 5 rows, all checked: the first 2 are shown" in page.get_text()
    shown = [row for row in page.select("table.import-preview tr") if "Cahors" in row.text]
    assert len(shown) == 2
    editor.post(*confirmation(page))
    assert Cluster.objects.filter(city="Cahors", name__startswith="Pole ").count() == 5
