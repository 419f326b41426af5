"""The ranking as spreadsheets: aggregates per project, and every juror's scores.

Rows are in the active language. Scores are rounded to 0.01 only here, when written;
the ranking itself compares exact values.
"""

import logging
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from fairportal import spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE
from jury import selectors
from jury.models import Criterion, ExportJob, Recusal, Review
from projects.models import Nomination

logger = logging.getLogger(__name__)
# A workbook is kept this long after it was asked for; the next request deletes older ones.
EXPORT_KEEP = timedelta(hours=24)
PROGRESS_EVERY = 50  # projects between two progress updates: one UPDATE each


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

    The scores are read as the rows are written (`selectors.iter_marks`), one project at a time;
    `tables.progress`, if set, hears how many projects are written now and then.
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
    marks_by_project = selectors.iter_marks(
        tables.review, tables.rows, nomination=tables.nomination, table=selectors.ScaleTable.of(criteria)
    )
    for done, (row, marks) in enumerate(marks_by_project):
        if tables.progress is not None and done % PROGRESS_EVERY == 0:
            tables.progress(done)
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
    progress: Callable[[int], object] | None = None


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


# ---------------------------------------------------------------- the workbook, built by a task


def export_job_start(*, review: Review, nomination: Nomination | None, user, now=None) -> ExportJob:
    """Ask for the ranking workbook; the task builds it (`jury.tasks`) once this commits.

    The same person asking again while theirs is still being written gets that one, not a
    second; files older than EXPORT_KEEP are deleted first.
    """
    purge_expired_exports(now=now)
    unfinished = ExportJob.objects.filter(
        review=review,
        nomination=nomination,
        requested_by=user,
        state__in=(ExportJob.State.QUEUED, ExportJob.State.RUNNING),
    ).first()
    if unfinished is not None:
        return unfinished
    job = ExportJob.objects.create(
        review=review,
        nomination=nomination,
        requested_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        download_name=filename(review, nomination, "xlsx"),
    )
    from jury.tasks import build_ranking_workbook  # the task module imports this one

    transaction.on_commit(lambda: build_ranking_workbook.enqueue(job.pk), robust=True)
    return job


def export_job_run(*, job_id: int) -> None:
    """Write the workbook to a private file, recording progress; the task's whole work.

    Claimed by a conditional update, so a task delivered twice writes it once.
    """
    if not ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING
    ):
        return
    job = ExportJob.objects.select_related("review__fair", "nomination").get(pk=job_id)
    jobs = ExportJob.objects.filter(pk=job_id)
    try:
        with translation.override(job.language):
            tables = tables_of(job.review, job.nomination)
            jobs.update(projects_total=len(tables.rows))
            tables.progress = lambda done: jobs.update(projects_done=done)
            with tempfile.TemporaryFile() as target:
                spreadsheets.write_xlsx(xlsx_sheets(tables), target)
                target.seek(0)
                job.file.save(f"{uuid.uuid4().hex}.xlsx", File(target), save=False)
    except Exception:
        logger.exception("Ranking export %s failed", job_id)
        jobs.update(state=ExportJob.State.FAILED, finished_at=timezone.now())
        return
    jobs.update(
        state=ExportJob.State.DONE,
        file=job.file.name,
        projects_done=len(tables.rows),
        finished_at=timezone.now(),
    )


def purge_expired_exports(*, now=None) -> int:
    """Delete exports (and their files) asked for more than EXPORT_KEEP ago; how many."""
    cutoff = (now or timezone.now()) - EXPORT_KEEP
    expired = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
