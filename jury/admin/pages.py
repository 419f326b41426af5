"""The review's own pages in the admin (`fairportal.admin_pages`): the ranking and its exports,
the shortlist, the commission's protocol, inviting a juror, the reading assignment. Each is
`page(model_admin, request, pk, …)` and checks its own permission."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, spreadsheets
from fairportal.admin_pages import require
from fairportal.locks import Busy
from fairportal.text import quoted
from jury import exports, permissions, selectors, services, views
from jury.admin.forms import InviteForm, ReadingMoveForm, ShortlistForm
from jury.models import ExportJob, Juror, ReadingAssignment, Review
from projects.models import Nomination, Project

SORTS = {
    "rank": (lambda row: (row.score is None, -(row.score or 0)), _("score")),
    "jurors": (lambda row: -row.jurors_scored, _("jurors who scored")),
    "normalised": (
        lambda row: (row.normalised_score is None, -(row.normalised_score or 0)),
        _("normalised score"),
    ),
    "spread": (lambda row: (row.spread is None, -(row.spread or 0)), _("spread")),
    "recusals": (lambda row: -row.recusals, _("recusals")),
    "title": (lambda row: row.project.title.casefold(), _("title")),
}

# How often the export's progress page reloads itself while the workbook is written.
EXPORT_REFRESH_SECONDS = 3

REVIEWS = Review.objects.select_related("fair")


def _render(model_admin, request, template: str, review: Review, title, **context):
    return model_admin.render_page(
        request, template, title=title, obj=review, subtitle=str(review.fair), review=review, **context
    )


def _ranked_review(model_admin, request, pk) -> Review:
    return model_admin.page_object(REVIEWS, pk, allowed=permissions.can_view_ranking(request.user))


def _nomination(request, review) -> Nomination | None:
    nomination_id = request.GET.get("nomination", "")
    if not nomination_id.isdecimal() or not nomination_id.isascii():
        return None
    return review.fair.nominations.filter(pk=nomination_id).first()


def ranking(model_admin, request, pk):
    review = _ranked_review(model_admin, request, pk)
    nomination = _nomination(request, review)
    criteria = selectors.criteria_of(review)
    rows = selectors.ranking(review, nomination=nomination, criteria=criteria)
    normalisation = selectors.add_normalised(review, rows, table=selectors.ScaleTable.of(criteria))
    if review.assigned_reading:
        # A project's score is the mean over its readers who scored: say how many of how many.
        readers = selectors.readers_by_project(review)
        for row in rows:
            row.readers = readers.get(row.project.pk, 0)
    sort = request.GET.get("sort", "rank")
    if sort in SORTS and sort != "rank":
        rows.sort(key=SORTS[sort][0])
    return _render(
        model_admin,
        request,
        "admin/jury/review/ranking.html",
        review,
        gettext("Jury ranking"),
        rows=rows,
        criteria=criteria,
        nominations=list(review.fair.nominations.all()),
        nomination=nomination,
        sort=sort,
        sorts=[(key, label) for key, (_key, label) in SORTS.items()],
        progress=selectors.progress_by_juror(review),
        normalisation=normalisation,
        now=timezone.now(),
    )


def export(model_admin, request, pk, fmt):
    review = _ranked_review(model_admin, request, pk)
    nomination = _nomination(request, review)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    audit.record(
        actor=request.user,
        action="export.jury_ranking",
        target=review,
        details={"format": fmt, "nomination": nomination.pk if nomination else None},
    )
    if fmt == "csv":
        return exports.csv_response(review, nomination)
    # Every score of a national fair takes a workbook longer to write than a request may:
    # a task writes it, and the progress page offers it when ready.
    job = exports.export_job_start(review=review, nomination=nomination, user=request.user)
    return HttpResponseRedirect(reverse("admin:jury_review_export_progress", args=[review.pk, job.pk]))


def _export_job(request, pk, job_id) -> ExportJob:
    """Someone else's export is a 404, as if it did not exist."""
    job = get_object_or_404(
        ExportJob.objects.select_related("review__fair", "nomination"), pk=job_id, review_id=pk
    )
    if not permissions.can_see_export(request.user, job):
        raise Http404
    return job


def export_progress(model_admin, request, pk, job_id):
    job = _export_job(request, pk, job_id)
    return _render(
        model_admin,
        request,
        "admin/jury/review/export_progress.html",
        job.review,
        gettext("Ranking export"),
        job=job,
        refresh_seconds=EXPORT_REFRESH_SECONDS,
        ranking_url=reverse("admin:jury_review_ranking", args=[job.review.pk]),
    )


def export_download(model_admin, request, pk, job_id):
    job = _export_job(request, pk, job_id)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.download_name,
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def shortlist(model_admin, request, pk):
    review = _ranked_review(model_admin, request, pk)
    require(request.user.has_perm("projects.change_project_state"))
    data = request.POST if request.method == "POST" else (request.GET if "top_n" in request.GET else None)
    form = ShortlistForm(data)
    preview = None
    ranking_url = reverse("admin:jury_review_ranking", args=[review.pk])
    if form.is_valid():
        options = {
            "top_n": form.cleaned_data["top_n"],
            "per_nomination": form.cleaned_data["scope"] == "nomination",
            "include_ties": form.cleaned_data["ties"] == "include",
        }
        if request.method == "POST" and "apply" in request.POST:
            try:
                promoted, turned_down = services.shortlist_apply(
                    review=review,
                    expected_ids=form.cleaned_data["expected"],
                    expected_turned_down=form.cleaned_data["expected_turned_down"],
                    others_not_selected=form.cleaned_data["others_not_selected"],
                    actor=request.user,
                    **options,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _shortlist_applied_message(promoted, turned_down))
                return HttpResponseRedirect(ranking_url)
        preview = services.shortlist_preview(review=review, **options)
    progress = selectors.progress_by_juror(review)
    return _render(
        model_admin,
        request,
        "admin/jury/review/shortlist.html",
        review,
        gettext("Promote to finalists"),
        form=form,
        shortlist=preview,
        expected=",".join(str(pk) for pk in preview.selected_ids) if preview else "",
        expected_turned_down=",".join(str(pk) for pk in preview.turned_down_ids) if preview else "",
        window_open=review.is_open_at(timezone.now()),
        unfinished=[item for item in progress if not item.juror.finalised_at],
        not_scored=selectors.readings_not_scored(review),
        ranking_url=ranking_url,
    )


def _shortlist_applied_message(promoted: int, turned_down: int) -> str:
    message = ngettext(
        "%(count)d project is now a finalist.", "%(count)d projects are now finalists.", promoted
    ) % {"count": promoted}
    if turned_down:
        message += " " + ngettext(
            "%(count)d project marked not selected.", "%(count)d projects marked not selected.", turned_down
        ) % {"count": turned_down}
    return message


def protocol(model_admin, request, pk, language):
    """The commission's protocol, whether or not it is public yet."""
    review = _ranked_review(model_admin, request, pk)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    audit.record(actor=request.user, action="export.protocol", target=review, details={"language": language})
    with translation.override(language):
        return views.commission_protocol_response(review)


def invite(model_admin, request, pk):
    # Object first, then permission, as before: a missing review is a 404 for everyone.
    review = get_object_or_404(REVIEWS, pk=pk)
    require(request.user.has_perm("jury.add_juror"))
    form = InviteForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            juror = services.juror_invite(
                review=review,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
                nominations=form.cleaned_data["nominations"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Invitation sent: %(email)s is now a juror of %(fair)s.")
                % {"email": juror.user.email, "fair": review.fair},
            )
            if "_addanother" in request.POST:
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(reverse("admin:jury_review_change", args=[review.pk]))
    return _render(
        model_admin, request, "admin/jury/review/invite.html", review, gettext("Invite a juror"), form=form
    )


# ------------------------------------------------------------------ the reading assignment


@dataclass
class Reader:
    row: ReadingAssignment
    juror: Juror
    scored: bool
    form: ReadingMoveForm | None  # None: a scored reading stays where it is


def report_rebalance(request, result: services.Rebalance) -> None:
    """What a re-balance did after a change, on the organiser's next page."""
    if result.added or result.removed:
        messages.info(
            request,
            ngettext(
                "Reading assignment re-balanced: %(count)d reading given to another juror.",
                "Reading assignment re-balanced: %(count)d readings given to other jurors.",
                len(result.added),
            )
            % {"count": len(result.added)},
        )
    for problem in result.problems:
        messages.warning(request, problem.message)


def _current(reading: selectors.ReadingInput) -> list[tuple[Project, list[Reader]]]:
    """Each project under review with its readers, and for every unscored reading the jurors
    it may move to (eligible, free to take it, not reading it yet)."""
    readers: dict[int, list[ReadingAssignment]] = {}
    for (_juror_id, project_id), row in sorted(reading.assignments.items()):
        readers.setdefault(project_id, []).append(row)
    available = [juror for juror in reading.jurors if reading.data_by_juror[juror.pk].available]
    result = []
    for project in reading.projects:
        rows = readers.get(project.pk, [])
        reading_ids = {row.juror_id for row in rows}
        choices = [
            (juror.pk, juror.user.get_full_name())
            for juror in available
            if juror.pk not in reading_ids and reading.eligible(juror.pk, project.pk)
        ]
        entries = []
        for row in rows:
            scored = (row.juror_id, row.project_id) in reading.scored
            form = (
                None
                if scored or not choices
                else ReadingMoveForm(
                    initial={"assignment": row.pk}, choices=choices, prefix=f"move-{row.pk}", auto_id="id_%s"
                )
            )
            entries.append(Reader(row, reading.juror_by_id[row.juror_id], scored, form))
        result.append((project, entries))
    return result


def _loads(reading: selectors.ReadingInput) -> list[tuple[Juror, int, int]]:
    loads = dict.fromkeys(reading.juror_by_id, 0)
    scored = dict.fromkeys(reading.juror_by_id, 0)
    for juror_id, project_id in reading.assignments:
        if project_id in reading.project_by_id:
            loads[juror_id] += 1
            scored[juror_id] += (juror_id, project_id) in reading.scored
    return [(juror, loads[juror.pk], scored[juror.pk]) for juror in reading.jurors]


def reading(model_admin, request, pk):
    """The review's reading assignment: the mode, a proposal to preview and apply, and once
    applied each project's readers with a "move to…" form for every reading not yet scored."""
    review = model_admin.page_object(REVIEWS, pk, allowed=request.user.has_perm("jury.change_review"))
    here = reverse("admin:jury_review_reading", args=[review.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "apply":
                created = services.reading_assignment_apply(
                    review=review, actor=request.user, digest=request.POST.get("digest", "")
                )
                messages.success(
                    request,
                    ngettext(
                        "Reading assignment applied: %(count)d new reading.",
                        "Reading assignment applied: %(count)d new readings.",
                        created,
                    )
                    % {"count": created},
                )
            elif action == "move":
                _move(request, review)
            elif action == "rebalance":
                report_rebalance(request, services.reading_rebalance(review=review, actor=request.user))
        except (ValidationError, Busy) as error:
            messages.error(
                request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
            if action == "apply":
                return HttpResponseRedirect(f"{here}?propose=1")
        return HttpResponseRedirect(here)
    preview = services.reading_assignment_preview(review=review) if "propose" in request.GET else None
    current = selectors.reading_input(review) if preview is None else preview.input
    return _render(
        model_admin,
        request,
        "admin/jury/review/reading.html",
        review,
        gettext("Reading assignment"),
        preview=preview,
        current=_current(current) if review.reading_assigned_at else None,
        loads=_loads(current),
        jurors_count=len(current.jurors),
        projects_count=len(current.projects),
        here=here,
    )


def _move(request, review: Review) -> None:
    row = ReadingAssignment.objects.filter(
        pk=request.POST.get("assignment", "0") if request.POST.get("assignment", "").isdecimal() else 0,
        juror__review=review,
    ).first()
    if row is None:
        raise ValidationError(
            gettext("This reading has just been changed by someone else. Look at the assignment again.")
        )
    prefix = f"move-{row.pk}"
    to_juror_id = request.POST.get(f"{prefix}-to_juror", "")
    to_juror = (
        Juror.objects.select_related("user").filter(pk=to_juror_id, review=review).first()
        if to_juror_id.isdecimal()
        else None
    )
    if to_juror is None:
        raise ValidationError(gettext("Choose a juror of this review."))
    services.reading_assignment_move(assignment=row, to_juror=to_juror, actor=request.user)
    messages.success(
        request,
        gettext("%(project)s is now read by %(juror)s.")
        % {"project": quoted(row.project.title), "juror": to_juror.user.get_full_name()},
    )
