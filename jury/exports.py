"""The ranking as spreadsheets: aggregates per project, and every juror's scores.

Rows are in the active language. Scores are rounded to 0.01 only here, when written;
the ranking itself compares exact values.
"""

from collections.abc import Iterator

from django.http import HttpResponse
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


def score_rows(
    rows: list[selectors.RankedProject], criteria: list[Criterion], jurors: dict, recusals: dict
) -> Iterator[list]:
    """One row per project and juror (the project's aggregates repeated on each), then the
    juror's mark, each criterion's score and the comment. Recused jurors appear with their
    reason; "cannot assess" is written out, never as 0; unscored projects get one row."""
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
    for row in rows:
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
        for mark in row.marks:
            values = [
                cannot if mark.values.get(c.pk, "") is None else mark.values.get(c.pk, "") for c in criteria
            ]
            yield [*start, jurors[mark.juror_id], _rounded(mark.mark), *values, mark.comment, ""]
        project_recusals = recusals.get(project.pk, [])
        for juror_id, reason in project_recusals:
            yield [*start, jurors[juror_id], None, *blank_scores, "", reason]
        if not row.marks and not project_recusals:
            yield [*start, "", None, *blank_scores, "", ""]


def _filename(review: Review, nomination: Nomination | None, extension: str) -> str:
    scope = f"-nomination-{nomination.pk}" if nomination else ""
    day = timezone.localdate(timezone=EXPORT_TIME_ZONE)
    return f"jury-{review.fair.slug}{scope}-{day:%Y%m%d}.{extension}"


def _tables(review: Review, nomination: Nomination | None):
    criteria = selectors.criteria_of(review)
    rows = selectors.ranking(review, nomination=nomination, criteria=criteria)
    jurors = {juror.pk: juror.user.get_full_name() for juror in review.jurors.select_related("user")}
    recusals: dict[int, list] = {}
    for recusal in Recusal.objects.filter(juror__review=review).order_by("pk"):
        recusals.setdefault(recusal.project_id, []).append((recusal.juror_id, recusal.reason))
    return rows, criteria, jurors, recusals


def csv_response(review: Review, nomination: Nomination | None) -> HttpResponse:
    rows, criteria, jurors, recusals = _tables(review, nomination)
    return spreadsheets.csv_response(
        score_rows(rows, criteria, jurors, recusals), filename=_filename(review, nomination, "csv")
    )


def xlsx_response(review: Review, nomination: Nomination | None) -> HttpResponse:
    rows, criteria, jurors, recusals = _tables(review, nomination)
    return spreadsheets.xlsx_response(
        [
            (gettext("Ranking"), ranking_rows(rows), (7, 7, 10, 40, 32, 36, 16, 12, 12, 14, 9, 9, 10)),
            (
                gettext("Scores"),
                score_rows(rows, criteria, jurors, recusals),
                (7, 10, 40, 32, 36, 12, 12, 14, 28, 14, *([16] * len(criteria)), 40, 40),
            ),
        ],
        filename=_filename(review, nomination, "xlsx"),
    )
