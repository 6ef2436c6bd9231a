"""Spreadsheets staff exchange with the admin, against any content and any file: formulas
stay text in both formats and come back as they were; a file that cannot be imported says
why and saves nothing; a confirmation is taken once, and a forged one never.

Property tests: `make fuzz` tries a thousand examples of each (see tests/conftest.py).
"""

import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusters.models import Cluster
from clusters.resources import ClusterResource
from clusters.spreadsheets import FORMULA_STARTS, formula_safe
from tests.clusters.test_admin import form_data, parse
from tests.clusters.test_import_export import (
    CSV_FORMAT,
    XLSX_FORMAT,
    export,
    preview,
    rows_of,
    snapshot,
)
from tests.fuzzing import rolled_back

pytestmark = pytest.mark.usefixtures("seed")

# The text columns of the export, each with the longest text its field takes.
TEXT_FIELDS = {
    "name": 200, "also_known_as": 300, "region": 150, "city": 150, "legal_entity_name": 200,
    "short_description": 300, "description": 5000, "staff_notes": 5000, "name_in_source": 500,
}  # fmt: skip
COLUMN = {"staff_notes": "note"}


def formula_text(longest):
    """Text a spreadsheet would run: a formula start, quotes before it perhaps, anything
    after (a printable text, as forms keep it)."""
    return st.builds(
        lambda quotes, start, rest: ("'" * quotes + start + rest).strip()[:longest] or start,
        st.integers(min_value=0, max_value=2),
        st.sampled_from([start for start in FORMULA_STARTS if start.strip()]),
        st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), max_size=30),
    )


def exports_and_imports(client, file_format, name):
    """Export the cluster and import the file again: (the file, the page after confirming)."""
    content = export(client, "?q=figeacteurs", file_format=file_format)
    page = preview(client, content, name, file_format)
    form = page.find("form", action=lambda action: action and "process_import" in action)
    assert form is not None, page.get_text(" ", strip=True)[-1500:]
    return content, parse(client.post(form["action"], form_data(form), follow=True))


def test_formulas_in_any_text_column_stay_text_and_come_back_as_they_were(editor):
    cluster = Cluster.objects.get(slug="figeacteurs")

    @given(
        texts=st.fixed_dictionaries(
            {field: formula_text(longest) for field, longest in TEXT_FIELDS.items()}
        )
    )
    def check(texts):
        with rolled_back():
            for field, text in texts.items():
                setattr(cluster, field, text)
            cluster.clean()
            cluster.save()
            before = snapshot()

            content, _page = exports_and_imports(editor, CSV_FORMAT, "clusters.csv")
            [row] = [row for row in rows_of(content) if row["slug"] == cluster.slug]
            for field in TEXT_FIELDS:
                assert row[COLUMN.get(field, field)] == formula_safe(getattr(cluster, field))
            assert snapshot() == before

            content, _page = exports_and_imports(editor, XLSX_FORMAT, "clusters.xlsx")
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
            assert snapshot() == before

    check()


columns = st.lists(
    st.one_of(
        st.sampled_from([field.column_name for field in ClusterResource().get_import_fields()]),
        st.text(st.characters(codec="utf-8", exclude_characters=',"\r\n'), max_size=12),
    ),
    min_size=1,
    max_size=6,
)
cells = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)


@st.composite
def files(draw):
    """(bytes, format) of a CSV in some encoding, or of bytes that are no workbook."""
    headers = draw(columns)
    lines = [",".join(headers)] + [
        ",".join('"' + draw(cells).replace('"', '""') + '"' for _ in headers)
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    text = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1250"]))
    if draw(st.booleans()):
        return text.encode(encoding, errors="replace"), CSV_FORMAT, "clusters.csv"
    return text.encode(encoding, errors="replace"), XLSX_FORMAT, "clusters.xlsx"


def test_any_file_is_previewed_or_refused_and_a_confirmation_counts_once(editor):
    forged = {"token": "0" * 32}

    @given(file=files())
    def check(file):
        content, file_format, name = file
        with rolled_back():
            before = snapshot()

            page = preview(editor, content, name, file_format)

            form = page.find("form", action=lambda action: action and "process_import" in action)
            if form is None:
                assert snapshot() == before
            else:
                data = form_data(form)
                first = editor.post(form["action"], data)
                assert first.status_code in (302, 409)
                again = parse(editor.post(form["action"], data, follow=True))
                assert "Nothing was imported now" in again.get_text()
            after = snapshot()
            response = parse(
                editor.post("/admin/clusters/cluster/process_import/", forged, follow=True)
            )
            assert "Nothing was imported now" in response.get_text()
            assert snapshot() == after

    check()
