"""What every CSV/XLSX export of the portal shares: time zone, formats, formula safety, the writers."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import formats, translation
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# The fairs are held in Kazakhstan; organisers read times as Almaty time whatever the server's zone.
EXPORT_TIME_ZONE = ZoneInfo("Asia/Almaty")
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel in Kazakh and Russian locales splits columns on ";", not ",".
CSV_DELIMITER = ";"


def column_label(model, field_name: str) -> str:
    """A column named as the admin names the field, in the active language."""
    return capfirst(str(model._meta.get_field(field_name).verbose_name))


def neutralise(value):
    """Make a text cell inert: a leading apostrophe keeps spreadsheets from evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Rows written to the client at a time: one write per row would cost more than the rows.
CSV_ROWS_PER_CHUNK = 200


def csv_response(rows, *, filename: str) -> StreamingHttpResponse:
    """A download of `rows` (the header first); datetimes to the minute, every text neutralised.

    Streamed: rows are written as they are read (give a generator over `.iterator()`), so a
    national fair's export holds a chunk of rows in memory, never the file, and the first
    bytes leave at once. The rows are read after the view has returned, so the language
    active now is kept for them.
    """
    response = StreamingHttpResponse(
        _csv_chunks(rows, translation.get_language()), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_chunks(rows, language: str | None) -> Iterator[str]:
    with translation.override(language):
        buffer = io.StringIO()
        # The byte-order mark tells Excel the file is UTF-8; without it Cyrillic turns to mojibake.
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
        for number, row in enumerate(rows, start=1):
            writer.writerow([_csv_cell(cell) for cell in row])
            if number % CSV_ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def _csv_cell(cell):
    if isinstance(cell, datetime):
        return f"{cell:%Y-%m-%d %H:%M}"
    if isinstance(cell, float):
        # The decimal separator of the active language: Excel in kk/ru reads "7,5", not "7.5".
        return formats.number_format(cell, use_l10n=True)
    return neutralise(cell)


def _xlsx_value(value):
    # openpyxl refuses control characters that XML cannot carry; they mean nothing in a cell.
    # Neutralise afterwards: removing them may uncover a leading "=".
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


def write_xlsx(sheets, target) -> None:
    """Write a workbook with one sheet per (title, rows, column widths) to the binary file
    `target`; each header bold and frozen.

    openpyxl's write-only mode, with plain values: a cell object is made only for the header
    (bold) and for datetimes (their format), which halves the time of a big sheet.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows, widths in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"  # the header stays in view while scrolling
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        rows = iter(rows)
        header = []
        for value in next(rows):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return _xlsx_value(value)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return value


def xlsx_response(sheets, *, filename: str) -> HttpResponse:
    """The workbook as a download, built in the request: for sheets that take a second or two."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
