"""The jurors' writes in the presentation round: scoring a presentation, declaring a conflict.

Each locks the juror's row first (`select_for_update`, bounded by `row_lock`), so a juror's
double submit, or a score and a recusal for the same finalist, run one after the other; the
slot is read again under the lock, so an outcome set to "did not present" meanwhile is seen.
The unique constraints (one evaluation per juror and slot, one score per criterion) are the
last word: an `IntegrityError` from a race the lock did not cover becomes the same outcome.

A conflict of interest is a `jury.Recusal`, the one the reading round uses: declared here it
also takes the juror's reading-round marks for that project out of the ranking (the jury's
ranking skips recused pairs). `jury.services.recusal_declare` does not fit: it refuses once
the reading round's window has closed, which it always has by the time finalists present.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal import audit
from fairportal.locks import row_lock
from fairportal.text import quoted
from jury import services as jury_services  # noqa: F401 - registers the "recusal.declared" action
from jury.models import Juror, Recusal
from presentations import permissions
from presentations.models import PresentationEvaluation, PresentationScore, Slot

audit.register_actions({"presentation_evaluation.saved": _("Juror saved scores of a presentation")})

REFUSALS = {
    "not_started": _("This presentation has not begun yet: you can score it from its start."),
    "absent": _("The finalist did not present: there is nothing to score."),
    "closed": _("Scoring of the presentations is closed."),
}


def _locked(juror: Juror, slot: Slot) -> tuple[Juror, Slot]:
    with row_lock():
        locked = Juror.objects.select_for_update().select_related("review__fair", "user").get(pk=juror.pk)
    fresh = Slot.objects.select_related("round", "project").get(pk=slot.pk)
    return locked, fresh


def _check_hears(juror: Juror, slot: Slot) -> None:
    if not permissions.can_act_as_juror(juror.user) or not permissions.seat_hears(juror, slot):
        raise PermissionDenied


def _check_recused(juror: Juror, slot: Slot) -> None:
    if Recusal.objects.filter(juror=juror, project_id=slot.project_id).exists():
        raise ValidationError(_("You declared a conflict of interest for this project."), code="recused")


@transaction.atomic
def presentation_evaluation_save(
    *, juror: Juror, slot: Slot, answers: dict[int, int], comment: str, now: datetime | None = None
) -> PresentationEvaluation:
    """Store (or replace) the juror's scores of one presentation: a score for every criterion.

    Allowed from the slot's start until the round's scoring closes, never for a finalist
    marked "did not present", by a juror whose seat hears it and who has not recused.
    """
    now = now or timezone.now()
    juror, slot = _locked(juror, slot)
    _check_hears(juror, slot)
    _check_recused(juror, slot)
    refusal = permissions.scoring_refusal(slot.round, slot, now)
    if refusal is not None:
        raise ValidationError(REFUSALS[refusal], code=refusal)
    criteria = list(slot.round.criteria.all())
    if not criteria:
        raise ValidationError(_("This round has no criteria yet."), code="no_criteria")
    if set(answers) != {criterion.pk for criterion in criteria}:
        raise ValidationError(_("Give a score for every criterion."), code="incomplete")
    for criterion in criteria:
        value = answers[criterion.pk]
        if value is None or not 1 <= value <= criterion.scale_max:
            raise ValidationError(
                _("Scores for %(criterion)s run from 1 to %(max)s.")
                % {"criterion": quoted(criterion.title), "max": criterion.scale_max},
                code="out_of_range",
            )
    try:
        with transaction.atomic():
            evaluation, _created = PresentationEvaluation.objects.update_or_create(
                juror=juror, slot=slot, defaults={"comment": comment.strip()}
            )
    except IntegrityError:
        # Another connection inserted it between our look and our insert (the juror's row lock
        # makes this all but impossible): keep that row and write these scores over it.
        evaluation = PresentationEvaluation.objects.get(juror=juror, slot=slot)
        evaluation.comment = comment.strip()
        evaluation.save(update_fields=["comment", "updated_at"])
    # One statement for all the criteria: insert, or replace the value already given.
    PresentationScore.objects.bulk_create(
        [
            PresentationScore(evaluation=evaluation, criterion=criterion, value=answers[criterion.pk])
            for criterion in criteria
        ],
        update_conflicts=True,
        unique_fields=["evaluation", "criterion"],
        update_fields=["value"],
    )
    # Which presentation, never the scores: the trail is read by every organiser.
    audit.record(
        actor=juror.user,
        action="presentation_evaluation.saved",
        target=slot.project,
        fair_id=juror.review.fair_id,
        details={"juror": juror.pk, "slot": slot.pk},
    )
    return evaluation


@transaction.atomic
def presentation_recusal_declare(
    *, juror: Juror, slot: Slot, reason: str, now: datetime | None = None
) -> Recusal:
    """Step back from a finalist for a conflict of interest, until the round's scoring closes.

    Creates the jury's `Recusal` for the project and removes the juror's presentation scores of
    it. The reading-round evaluation stays stored as it was when the shortlist was made; the
    ranking leaves recused pairs out, so it no longer counts either (organisers who lift the
    recusal bring it back).
    """
    now = now or timezone.now()
    juror, slot = _locked(juror, slot)
    _check_hears(juror, slot)
    if not slot.round.scoring_open_at(now):
        raise ValidationError(REFUSALS["closed"], code="closed")
    if not reason.strip():
        raise ValidationError(_("Say briefly what the conflict of interest is."), code="reason_required")
    _check_recused(juror, slot)
    PresentationEvaluation.objects.filter(juror=juror, slot__project_id=slot.project_id).delete()
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(juror=juror, project=slot.project, reason=reason.strip())
    except IntegrityError as error:
        raise ValidationError(
            _("You have already declared a conflict of interest for this project."), code="twice"
        ) from error
    audit.record(
        actor=juror.user,
        action="recusal.declared",
        target=slot.project,
        fair_id=juror.review.fair_id,
        reason=recusal.reason,
        details={"juror": juror.pk, "recusal": recusal.pk, "slot": slot.pk},
    )
    return recusal
