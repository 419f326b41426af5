"""The project list as CSV or XLSX, for organisers' spreadsheets.

`project_rows` reads any project queryset (the admin's selection, or the change
list's filtered list) in a constant number of queries. Every text cell is
neutralised against spreadsheet formula injection: NGOs type the titles and names.
"""

from collections.abc import Iterator

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE, column_label, neutralise
from projects.models import Organisation, Project

# Projects read from the database at a time (with their spheres): the export streams them.
EXPORT_CHUNK_SIZE = 500
# Characters per column, in the order of `project_header`.
XLSX_COLUMN_WIDTHS = (8, 40, 32, 14, 22, 28, 36, 22, 28, 18, 12, 16, 17)


def project_header() -> list[str]:
    return [
        gettext("ID"),
        column_label(Project, "title"),
        column_label(Project, "organisation"),
        column_label(Organisation, "bin"),
        column_label(Organisation, "legal_form"),
        column_label(Project, "fair"),
        column_label(Project, "nomination"),
        column_label(Project, "region"),
        column_label(Project, "spheres"),
        column_label(Project, "state"),
        column_label(Project, "beneficiaries"),
        column_label(Project, "budget_requested"),
        column_label(Project, "submitted_at"),
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
    for project in projects.iterator(chunk_size=EXPORT_CHUNK_SIZE):
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


def csv_response(queryset: QuerySet[Project]) -> StreamingHttpResponse:
    return spreadsheets.csv_response(project_rows(queryset), filename=_filename("csv"))


def xlsx_response(queryset: QuerySet[Project]) -> HttpResponse:
    title = capfirst(str(Project._meta.verbose_name_plural))
    return spreadsheets.xlsx_response(
        [(title, project_rows(queryset), XLSX_COLUMN_WIDTHS)], filename=_filename("xlsx")
    )


RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}


def export_projects(
    *, queryset: QuerySet[Project], fmt: str, actor, details: dict | None = None
) -> HttpResponseBase:
    """The export, and its audit event: NGOs' contact data leaving the portal is an organiser's act."""
    fair_ids = list(queryset.order_by().values_list("fair_id", flat=True).distinct()[:2])
    audit.record(
        actor=actor,
        action="export.projects",
        details={"format": fmt, "projects": queryset.count(), **(details or {})},
        fair_id=fair_ids[0] if len(fair_ids) == 1 else None,
    )
    return RESPONSES[fmt](queryset)


@admin.action(description=_("Export selected as CSV"), permissions=["view"])
def export_selected_csv(modeladmin, request, queryset):
    return export_projects(queryset=queryset, fmt="csv", actor=request.user, details={"selected": True})


@admin.action(description=_("Export selected as XLSX"), permissions=["view"])
def export_selected_xlsx(modeladmin, request, queryset):
    return export_projects(queryset=queryset, fmt="xlsx", actor=request.user, details={"selected": True})
