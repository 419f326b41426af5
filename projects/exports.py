"""The project list as CSV or XLSX, for organisers' spreadsheets.

`project_rows` reads any project queryset (the admin's selection, or the change
list's filtered list) in a constant number of queries. Every text cell is
neutralised against spreadsheet formula injection: NGOs type the titles and names.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from fairportal.spreadsheets import CSV_CONTENT_TYPE, CSV_DELIMITER, EXPORT_TIME_ZONE, neutralise
from projects.models import Organisation, Project

# Characters per column, in the order of `project_header`.
XLSX_COLUMN_WIDTHS = (8, 40, 32, 14, 22, 28, 36, 22, 28, 18, 12, 16, 17)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _label(model, field_name: str) -> str:
    return capfirst(str(model._meta.get_field(field_name).verbose_name))


def project_header() -> list[str]:
    return [
        gettext("ID"),
        _label(Project, "title"),
        _label(Project, "organisation"),
        _label(Organisation, "bin"),
        _label(Organisation, "legal_form"),
        _label(Project, "fair"),
        _label(Project, "nomination"),
        _label(Project, "region"),
        _label(Project, "spheres"),
        _label(Project, "state"),
        _label(Project, "beneficiaries"),
        _label(Project, "budget_requested"),
        _label(Project, "submitted_at"),
    ]


def project_rows(queryset: QuerySet[Project]) -> Iterator[list]:
    """The header, then one row per project: plain str, int or None, neutralised.

    Texts are in the active language; the submission time is a naive datetime in Almaty
    time, to the minute (spreadsheets know no time zones).
    """
    yield [neutralise(cell) for cell in project_header()]
    projects = queryset.select_related("organisation", "fair", "nomination", "region").prefetch_related(
        "spheres"
    )
    for project in projects:
        organisation = project.organisation
        submitted_at = project.submitted_at
        row = [
            project.pk,
            project.title,
            organisation.name,
            organisation.bin,
            str(organisation.get_legal_form_display()),
            project.fair.title,
            project.nomination.title if project.nomination else "",
            project.region.name if project.region else "",
            ", ".join(sphere.name for sphere in project.spheres.all()),
            str(project.get_state_display()),
            project.beneficiaries,
            project.budget_requested,
            (
                timezone.localtime(submitted_at, EXPORT_TIME_ZONE).replace(
                    tzinfo=None, second=0, microsecond=0
                )
                if submitted_at
                else ""
            ),
        ]
        yield [neutralise(cell) for cell in row]


def _filename(extension: str) -> str:
    return f"projects-{timezone.localdate(timezone=EXPORT_TIME_ZONE):%Y%m%d}.{extension}"


def csv_response(queryset: QuerySet[Project]) -> HttpResponse:
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    # The byte-order mark tells Excel the file is UTF-8; without it Cyrillic turns to mojibake.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=CSV_DELIMITER)
    for row in project_rows(queryset):
        writer.writerow([f"{cell:%Y-%m-%d %H:%M}" if isinstance(cell, datetime) else cell for cell in row])
    return response


def _xlsx_value(value):
    # openpyxl refuses control characters that XML cannot carry; they mean nothing in a cell.
    # Neutralise again afterwards: removing them may uncover a leading "=".
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


def xlsx_response(queryset: QuerySet[Project]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=capfirst(str(Project._meta.verbose_name_plural))[:31])
    rows = project_rows(queryset)
    bold = Font(bold=True)
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for column, width in zip("ABCDEFGHIJKLM", XLSX_COLUMN_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    header = []
    for value in next(rows):
        cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@admin.action(description=_("Export selected as CSV"), permissions=["view"])
def export_selected_csv(modeladmin, request, queryset):
    return csv_response(queryset)


@admin.action(description=_("Export selected as XLSX"), permissions=["view"])
def export_selected_xlsx(modeladmin, request, queryset):
    return xlsx_response(queryset)
