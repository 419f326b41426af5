"""The ranking as spreadsheets: aggregates per project, and every juror's scores.

Rows are in the active language. Scores are rounded to 0.01 only here, when written;
the ranking itself compares exact values.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from fairportal import spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE
from jury import selectors
from jury.models import Criterion, Recusal, Review
from projects.models import Nomination


def _rounded(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def ranking_rows(rows: list[selectors.RankedProject]) -> Iterator[list]:
    yield [
        gettext("Rank"),
        gettext("Tied"),
        gettext("Project ID"),
        gettext("Project"),
        gettext("NGO"),
        gettext("Nomination"),
        gettext("State"),
        gettext("Score (1–10)"),
        gettext("Jurors who scored"),
        gettext("Spread (standard deviation)"),
        gettext("Lowest"),
        gettext("Highest"),
        gettext("Recusals"),
    ]
    for row in rows:
        project = row.project
        yield [
            row.rank,
            gettext("yes") if row.tied else "",
            project.pk,
            project.title,
            project.organisation.name,
            project.nomination.title if project.nomination else "",
            str(project.get_state_display()),
            _rounded(row.score),
            row.jurors_scored,
            _rounded(row.spread),
            _rounded(row.lowest),
            _rounded(row.highest),
            row.recusals,
        ]


def score_rows(tables: "Tables") -> Iterator[list]:
    """One row per project and juror (the project's aggregates repeated on each), then the
    juror's mark, each criterion's score and the comment. Recused jurors appear with their
    reason; "cannot assess" is written out, never as 0; unscored projects get one row.

    The scores are read as the rows are written (`selectors.iter_marks`), one project at a time.
    """
    criteria, jurors, recusals = tables.criteria, tables.jurors, tables.recusals
    cannot = gettext("cannot assess")
    yield [
        gettext("Rank"),
        gettext("Project ID"),
        gettext("Project"),
        gettext("NGO"),
        gettext("Nomination"),
        gettext("Score (1–10)"),
        gettext("Jurors who scored"),
        gettext("Spread (standard deviation)"),
        gettext("Juror"),
        gettext("Juror's mark (1–10)"),
        *(f"{criterion.title} (1–{criterion.scale_max})" for criterion in criteria),
        gettext("Comment"),
        gettext("Conflict of interest"),
    ]
    blank_scores = [""] * len(criteria)
    for row, marks in selectors.iter_marks(
        tables.review, tables.rows, nomination=tables.nomination, table=selectors.ScaleTable.of(criteria)
    ):
        project = row.project
        start = [
            row.rank,
            project.pk,
            project.title,
            project.organisation.name,
            project.nomination.title if project.nomination else "",
            _rounded(row.score),
            row.jurors_scored,
            _rounded(row.spread),
        ]
        for mark in marks:
            values = [
                cannot if mark.values.get(c.pk, "") is None else mark.values.get(c.pk, "") for c in criteria
            ]
            yield [*start, jurors[mark.juror_id], _rounded(mark.mark), *values, mark.comment, ""]
        project_recusals = recusals.get(project.pk, [])
        for juror_id, reason in project_recusals:
            yield [*start, jurors[juror_id], None, *blank_scores, "", reason]
        if not marks and not project_recusals:
            yield [*start, "", None, *blank_scores, "", ""]


def filename(review: Review, nomination: Nomination | None, extension: str) -> str:
    scope = f"-nomination-{nomination.pk}" if nomination else ""
    day = timezone.localdate(timezone=EXPORT_TIME_ZONE)
    return f"jury-{review.fair.slug}{scope}-{day:%Y%m%d}.{extension}"


@dataclass
class Tables:
    """What both sheets are written from; everything but the scores, which stream."""

    review: Review
    nomination: Nomination | None
    rows: list[selectors.RankedProject]
    criteria: list[Criterion]
    jurors: dict[int, str]  # juror id → name
    recusals: dict[int, list[tuple[int, str]]]  # project id → (juror id, reason), in declared order


def tables_of(review: Review, nomination: Nomination | None) -> Tables:
    criteria = selectors.criteria_of(review)
    rows = selectors.ranking(review, nomination=nomination, criteria=criteria)
    jurors = {juror.pk: juror.user.get_full_name() for juror in review.jurors.select_related("user")}
    recusals: dict[int, list] = {}
    for juror_id, project_id, reason in (
        Recusal.objects.filter(juror__review=review)
        .order_by("pk")
        .values_list("juror_id", "project_id", "reason")
    ):
        recusals.setdefault(project_id, []).append((juror_id, reason))
    return Tables(review, nomination, rows, criteria, jurors, recusals)


def csv_response(review: Review, nomination: Nomination | None) -> StreamingHttpResponse:
    return spreadsheets.csv_response(
        score_rows(tables_of(review, nomination)), filename=filename(review, nomination, "csv")
    )


def xlsx_sheets(tables: Tables) -> list:
    return [
        (gettext("Ranking"), ranking_rows(tables.rows), (7, 7, 10, 40, 32, 36, 16, 12, 12, 14, 9, 9, 10)),
        (
            gettext("Scores"),
            score_rows(tables),
            (7, 10, 40, 32, 36, 12, 12, 14, 28, 14, *([16] * len(tables.criteria)), 40, 40),
        ),
    ]


def xlsx_response(review: Review, nomination: Nomination | None) -> HttpResponse:
    return spreadsheets.xlsx_response(
        xlsx_sheets(tables_of(review, nomination)), filename=filename(review, nomination, "xlsx")
    )
