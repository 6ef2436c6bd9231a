"""The two spreadsheet formats staff exchange with the admin, CSV and XLSX, made safe both
ways: text that a spreadsheet would run as a formula stays text, and a file that cannot be
read says why in words a person can act on.

CSV marks such text with a leading quote, as the public export does, and reading takes the
quote off again, so that a value comes back as the text it was. XLSX needs no mark: each
text is written as a text cell, which no spreadsheet runs.
"""

import csv
import re
from io import BytesIO

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# The characters with which a spreadsheet starts a formula (or, for tab and carriage
# return, a cell it may read as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


class UnreadableFile(ValueError):
    """The file cannot be read as the format chosen: the message says what to do."""


def runs_as_formula(text):
    """Whether a spreadsheet would take this text for a formula, also once a quote that
    marks it has been read off (so that marking is undone exactly)."""
    return text.lstrip("'").startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def formula_safe(value):
    if isinstance(value, str) and runs_as_formula(value):
        return "'" + value
    return value


def as_written(value):
    """A CSV cell's text, with the quote formula_safe() put before it taken off."""
    if isinstance(value, str) and value.startswith("'") and runs_as_formula(value):
        return value[1:]
    return value


def decoded(content):
    """The text of a CSV file in UTF-8 (with or without its mark) or UTF-16."""
    if isinstance(content, str):
        return content
    encoding = "utf-16" if content.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "The file is not in UTF-8, the encoding the import reads. In Excel, save it "
                "with “Save as” and the type “CSV UTF-8 (comma delimited)”; in LibreOffice, "
                "choose the character set “Unicode (UTF-8)”. Or save it as XLSX."
            )
        ) from None


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        text = decoded(in_stream)
        try:
            dataset = tablib.import_set(text, format="csv", **kwargs)
        except csv.Error:
            raise UnreadableFile(
                _(
                    "A cell of the file is longer than %(longest)s characters, or the file "
                    "is not comma-separated values. Check that it is the file you meant."
                )
                % {"longest": f"{csv.field_size_limit():,}"}
            ) from None
        return tablib.Dataset(
            *([as_written(value) for value in row] for row in dataset), headers=dataset.headers
        )

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(
            *([formula_safe(value) for value in row] for row in dataset),
            headers=dataset.headers,
        )
        return super().export_data(safe, **kwargs)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        try:
            workbook = load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for what is not a workbook
            raise UnreadableFile(
                _("The file is not an XLSX workbook. Save it as XLSX, or choose CSV.")
            ) from None
        rows = workbook.active.iter_rows(values_only=True)
        headers = next(rows, ())
        dataset = tablib.Dataset(headers=[str(header or "") for header in headers])
        for row in rows:
            if any(value not in (None, "") for value in row):
                dataset.append([*row, *[None] * (len(headers) - len(row))][: len(headers)])
        return dataset

    def export_data(self, dataset, **kwargs):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset.title or "clusters")
        sheet.append(dataset.headers)
        for row in dataset:
            sheet.append([self.cell(sheet, value) for value in row])
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    @staticmethod
    def cell(sheet, value):
        """Text as a text cell: never a formula, whatever it starts with."""
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value))
        cell.data_type = "s"
        return cell


FORMATS = [CSV, XLSX]
