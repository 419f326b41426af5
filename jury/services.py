"""Every write of the jury: setting up a review, seating jurors, recusals, scores, the shortlist.

Permissions and the review window are re-checked here, under a lock on the juror's row
(`select_for_update`), so a score cannot slip in after the window closes or the juror
finalises, and a recusal and a score for the same project cannot cross.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import normalize_login_email
from fairportal import audit, ratelimit
from fairportal.locks import Busy, row_lock
from fairportal.mail import Derived, queue_to_users
from fairportal.text import quoted
from jury import assignment, permissions, selectors
from jury.default_criteria import DEFAULT_CRITERIA
from jury.models import (
    Criterion,
    Evaluation,
    Juror,
    Normalisation,
    Reading,
    ReadingAssignment,
    Recusal,
    Review,
    Score,
)
from projects.models import Fair, Membership, Nomination, Project, ProjectState
from projects.services import project_mark_finalist, project_mark_not_selected

logger = logging.getLogger(__name__)

JURY_GROUP = "Jury"
WELCOME_SALT = "jury.welcome"
WELCOME_MAX_AGE = int(timedelta(days=30).total_seconds())
INVITATIONS_PER_DAY = 100

audit.register_actions(
    {
        "juror.invited": _("Juror invited"),
        "juror.invitation_resent": _("Juror's invitation sent again"),
        "juror.nominations_changed": _("Juror's nominations changed"),
        "juror.reopened": _("Juror's scores reopened"),
        "juror.finalised": _("Juror finalised their scores"),
        "evaluation.saved": _("Juror saved scores"),
        "recusal.declared": _("Conflict of interest declared"),
        "recusal.lifted": _("Conflict of interest lifted by the organisers"),
        "shortlist.applied": _("Shortlist applied"),
        "review.changed": _("Review window or protocol changed"),
        "criterion.changed": _("Review criterion created, changed or deleted"),
        "export.protocol": _("Commission protocol downloaded"),
        "juror.changed": _("Juror's languages or conflicts changed"),
        "juror.removed": _("Juror removed from the review"),
        "reading.applied": _("Reading assignment applied"),
        "reading.moved": _("Reading moved to another juror"),
        "reading.rebalanced": _("Reading assignment re-balanced"),
    }
)
# Projects that may become finalists; finalists already chosen keep their place.
SHORTLISTABLE_STATES = (ProjectState.SUBMITTED, ProjectState.NOT_SELECTED)
ALREADY_IN_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)


# ---------------------------------------------------------------- setting up


@transaction.atomic
def review_create(
    *, fair: Fair, opens_at: datetime, closes_at: datetime, with_default_criteria: bool = True, **texts
) -> Review:
    review = Review(fair=fair, opens_at=opens_at, closes_at=closes_at, **texts)
    review.full_clean()
    review.save()
    if with_default_criteria:
        Criterion.objects.bulk_create(
            Criterion(review=review, position=position, **fields)
            for position, fields in enumerate(DEFAULT_CRITERIA, start=1)
        )
    return review


CRITERION_AUDIT_FIELDS = (
    "title_kk",
    "title_ru",
    "title_en",
    "weight",
    "scale_max",
    "allow_cannot_assess",
    "position",
)


def _may_edit_criteria(actor, permission: str) -> bool:
    return actor.has_perm("jury.change_review") or actor.has_perm(permission)


@transaction.atomic
def criterion_save(*, criterion: Criterion, actor) -> Criterion:
    """Create or change a review's criterion, recorded old → new (`criterion.changed`).

    `Criterion.clean` freezes the scale (and "cannot assess") once jurors have used them; the
    stored row is locked first, so two organisers' edits are compared one after the other."""
    permission = "jury.change_criterion" if criterion.pk else "jury.add_criterion"
    if not _may_edit_criteria(actor, permission):
        raise PermissionDenied
    if criterion.pk:
        with row_lock():
            Criterion.objects.select_for_update().filter(pk=criterion.pk).exists()
    before = audit.stored_values(criterion, CRITERION_AUDIT_FIELDS)
    criterion.full_clean()
    criterion.save()
    audit.record_change(
        actor=actor,
        action="criterion.changed",
        instance=criterion,
        fields=CRITERION_AUDIT_FIELDS,
        before=before,
        fair_id=Review.objects.values_list("fair_id", flat=True).get(pk=criterion.review_id),
    )
    return criterion


def criterion_delete_error(*, criterion: Criterion) -> ValidationError | None:
    """Why a criterion cannot be deleted: jurors scored it, and every mean would silently change."""
    if Score.objects.filter(criterion=criterion).exists():
        return _scored_criterion_error(criterion)
    return None


def _scored_criterion_error(criterion: Criterion) -> ValidationError:
    return ValidationError(
        _("Jurors have already scored %(criterion)s: it cannot be deleted.")
        % {"criterion": quoted(criterion.title)},
        code="criterion_scored",
    )


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor) -> None:
    """Delete a criterion nobody has scored (the database restricts scored ones too, so a score
    saved meanwhile ends in the same refusal)."""
    if not _may_edit_criteria(actor, "jury.delete_criterion"):
        raise PermissionDenied
    error = criterion_delete_error(criterion=criterion)
    if error is not None:
        raise error
    pk, fair_id = criterion.pk, Review.objects.values_list("fair_id", flat=True).get(pk=criterion.review_id)
    try:
        with transaction.atomic():
            criterion.delete()
    except RestrictedError as exc:
        raise _scored_criterion_error(criterion) from exc
    criterion.pk = pk  # for the event's target
    audit.record_change(
        actor=actor,
        action="criterion.changed",
        instance=criterion,
        fields=CRITERION_AUDIT_FIELDS,
        before=None,
        deleted=True,
        fair_id=fair_id,
    )


@transaction.atomic
@transaction.atomic
def review_update(*, review: Review, actor) -> Review:
    """Save a review's changed window, instructions or protocol setting (its fair never changes);
    when the scoring window moved, every juror is told, in the same transaction.

    The stored row is locked first, so two organisers moving the window at once each compare
    with what the other saved, and every juror hears of each move."""
    if not actor.has_perm("jury.change_review"):
        raise PermissionDenied
    with row_lock():
        before = (
            Review.objects.select_for_update()
            .values("opens_at", "closes_at", "normalisation", "shortlist_applied_at", "reading_assigned_at")
            .get(pk=review.pk)
        )
    # Not the form's to change, and maybe applied since the form was loaded.
    review.reading_assigned_at = before["reading_assigned_at"]
    if error := normalisation_change_error(
        applied=before["shortlist_applied_at"] is not None,
        stored=before["normalisation"],
        wanted=review.normalisation,
    ):
        raise ValidationError({"normalisation": error})
    review.full_clean()
    review.save()
    if (before["opens_at"], before["closes_at"]) != (review.opens_at, review.closes_at):
        _tell_jurors_the_window_moved(
            review, old_opens_at=before["opens_at"], old_closes_at=before["closes_at"]
        )
    # More readers per project asked for (or assigned reading chosen again): the missing
    # readings are given; fewer asked for takes none away, as a re-balance never does.
    _rebalance(review, actor=actor, cause="review_changed")
    return review


def normalisation_change_error(*, applied: bool, stored: str, wanted: str | None) -> ValidationError | None:
    """Once the shortlist is applied, the way scores were combined is part of the result: the
    finalists, the protocol and each NGO's feedback were made on it, so it no longer changes."""
    if applied and wanted is not None and wanted != stored:
        return ValidationError(
            _(
                "The way scores are combined cannot change once the shortlist was applied: the finalists were chosen on it."
            ),
            code="normalisation_fixed",
        )
    return None


def review_window_defaults(fair: Fair) -> dict[str, datetime]:
    """Between the end of submission and the start of public voting, when the shortlist is needed."""
    return {"opens_at": fair.submission_closes_at, "closes_at": fair.voting_opens_at}


# ---------------------------------------------------------------- jurors


def welcome_token(juror: Juror) -> str:
    return signing.dumps({"juror": juror.pk, "user": juror.user_id}, salt=WELCOME_SALT)


def juror_from_welcome_token(token: str) -> Juror | None:
    """The seat a welcome link stands for, while its new account has no password yet."""
    try:
        payload = signing.loads(token, salt=WELCOME_SALT, max_age=WELCOME_MAX_AGE)
    except signing.BadSignature:
        return None
    juror = (
        Juror.objects.select_related("user", "review__fair")
        .filter(pk=payload.get("juror"), user_id=payload.get("user"), user__is_active=True)
        .first()
    )
    if juror is None or juror.user.has_usable_password():
        return None  # used: the password is set; from now on the person logs in
    return juror


def welcome_set_password(*, juror: Juror, password: str) -> None:
    """The invited person chose a password: the link reached their mailbox, so it is confirmed."""
    user = juror.user
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
    user.save(update_fields=["password", "email_confirmed_at"])


def _check_nominations(review: Review, nominations) -> list[Nomination]:
    nominations = list(nominations)
    if any(nomination.fair_id != review.fair_id for nomination in nominations):
        raise ValidationError(_("Choose nominations of this fair only."), code="wrong_fair")
    return nominations


@transaction.atomic
def juror_invite(
    *, review: Review, email: str, full_name: str, language: str, nominations, invited_by
) -> Juror:
    """Seat a person on the review: an account is created for a new address or the existing one
    linked, the person joins the Jury group, and gets an e-mail (on commit) telling them how to start."""
    if not invited_by.has_perm("jury.add_juror"):
        raise PermissionDenied
    nominations = _check_nominations(review, nominations)
    email = normalize_login_email(email)
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is not None and review.jurors.filter(user=user).exists():
        raise ValidationError(_("This person is already a juror of this fair."), code="already_juror")
    if user is not None and not user.is_active:
        raise ValidationError(_("This account is deactivated."), code="inactive")
    if not ratelimit.hit(
        f"jury.invitations:user:{invited_by.pk}", limit=INVITATIONS_PER_DAY, period=86400
    ).allowed:
        raise ValidationError(
            _("You have sent many invitations today. Please try again tomorrow."), code="limit"
        )
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, full_name=full_name.strip(), language=language
        )
    user.groups.add(Group.objects.get(name=JURY_GROUP))
    juror = Juror.objects.create(review=review, user=user, invited_by=invited_by)
    juror.nominations.set(nominations)
    audit.record(
        actor=invited_by,
        action="juror.invited",
        target=juror,
        fair_id=review.fair_id,
        details={"nominations": [nomination.pk for nomination in nominations]},
    )
    _send_invitation(juror)
    return juror


def _send_invitation(juror: Juror) -> None:
    user = juror.user
    token = None if user.has_usable_password() else Derived("jury.services.welcome_token", juror)
    queue_to_users(
        template_prefix="jury/email/invitation",
        context={"juror": juror, "review": juror.review, "fair": juror.review.fair, "token": token},
        users=[user],
    )


@transaction.atomic
def juror_resend_invitation(*, juror: Juror, actor) -> None:
    if not actor.has_perm("jury.add_juror"):
        raise PermissionDenied
    if not ratelimit.hit(
        f"jury.invitations:user:{actor.pk}", limit=INVITATIONS_PER_DAY, period=86400
    ).allowed:
        raise ValidationError(
            _("You have sent many invitations today. Please try again tomorrow."), code="limit"
        )
    audit.record(actor=actor, action="juror.invitation_resent", target=juror, fair_id=juror.review.fair_id)
    _send_invitation(juror)


@transaction.atomic
def juror_set_nominations(*, juror: Juror, nominations, actor) -> None:
    juror_update(juror=juror, nominations=nominations, actor=actor)


@transaction.atomic
def juror_update(
    *, juror: Juror, actor, nominations=None, languages=None, conflict_organisations=None
) -> "Rebalance":
    """Change a juror's seat (nominations), the languages they read and the NGOs they declared a
    conflict with (None: unchanged); each change is recorded, and with assigned reading the
    readings the change makes invalid go to other jurors (`_rebalance`)."""
    if not actor.has_perm("jury.change_juror"):
        raise PermissionDenied
    # The juror's row first, then the review, in the order a juror's own save takes them.
    review = _locked_juror(juror, review_for_update=True).review
    juror.review = review
    if nominations is not None:
        nominations = _check_nominations(review, nominations)
        before = sorted(juror.nominations.values_list("pk", flat=True))
        after = sorted(nomination.pk for nomination in nominations)
        juror.nominations.set(nominations)
        if before != after:
            audit.record(
                actor=actor,
                action="juror.nominations_changed",
                target=juror,
                fair_id=review.fair_id,
                details={"changes": {"nominations": [before, after]}},
            )
    changes = {}
    if languages is not None:
        stored = Juror.objects.values_list("languages", flat=True).get(pk=juror.pk)
        languages = sorted(set(languages))
        if sorted(stored or []) != languages:
            changes["languages"] = [sorted(stored or []), languages]
            Juror.objects.filter(pk=juror.pk).update(languages=languages)
            juror.languages = languages
    if conflict_organisations is not None:
        before = sorted(juror.conflict_organisations.values_list("pk", flat=True))
        after = sorted(organisation.pk for organisation in conflict_organisations)
        if before != after:
            changes["conflict_organisations"] = [before, after]
            juror.conflict_organisations.set(conflict_organisations)
    if changes:
        audit.record(
            actor=actor,
            action="juror.changed",
            target=juror,
            fair_id=review.fair_id,
            details={"changes": changes},
        )
    return _rebalance(review, actor=actor, cause="juror_changed")


@transaction.atomic
def juror_remove(*, juror: Juror, actor) -> "Rebalance":
    """Take a juror off the review, with their scores and recusals (as deleting the seat always
    did); with assigned reading their readings go to the other jurors."""
    return jurors_remove(jurors=[juror], actor=actor)


@transaction.atomic
def jurors_remove(*, jurors, actor) -> "Rebalance":
    """`juror_remove` for several at once (the admin's bulk delete): every seat goes first, then
    each review is re-balanced once, so no reading is handed to a juror removed in the same step.
    The jurors' rows are locked in id order, so two removals never wait for each other in a ring."""
    if not actor.has_perm("jury.delete_juror"):
        raise PermissionDenied
    reviews: dict[int, Review] = {}
    for juror in sorted(jurors, key=lambda juror: juror.pk):
        review = _locked_juror(juror, review_for_update=True).review
        reviews.setdefault(review.pk, review)
        audit.record(
            actor=actor,
            action="juror.removed",
            target=juror,
            fair_id=review.fair_id,
            details={"user": juror.user_id, "name": juror.user.get_full_name()},
        )
        juror.delete()
    results = [_rebalance(review, actor=actor, cause="juror_removed") for review in reviews.values()]
    return Rebalance(
        [pair for result in results for pair in result.added],
        [pair for result in results for pair in result.removed],
        [problem for result in results for problem in result.problems],
    )


def _locked_juror(juror: Juror, *, review_for_update: bool = False) -> Juror:
    """Lock the juror's row, and hold the review in share mode: jurors do not wait for each
    other, but a shortlist being applied (which locks the review for update) waits for them.

    The juror's row FOR NO KEY UPDATE: a reading assignment inserted for this juror meanwhile
    (a key-share lock on the row) need not wait. `review_for_update`: the review FOR NO KEY
    UPDATE instead of share, for a recusal, which may re-balance the review's readings
    (`_locked_review`), or a change of the juror's seat; asked for at once, since two recusals
    upgrading a shared lock would deadlock, and after the juror's row, as every juror's save
    takes them."""
    with row_lock():
        locked = (
            Juror.objects.select_for_update(no_key=True)
            .select_related("review__fair", "user")
            .get(pk=juror.pk)
        )
        mode = "FOR NO KEY UPDATE" if review_for_update else "FOR SHARE"
        statement = f"SELECT 1 FROM {Review._meta.db_table} WHERE id = %s {mode}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(statement, [locked.review_id])
    return locked


def _check_can_work(juror: Juror, project: Project, now: datetime) -> None:
    if not permissions.can_act_as_juror(juror.user) or not permissions.seat_covers(juror, project):
        raise PermissionDenied
    if juror.finalised_at is not None:
        raise ValidationError(
            _("You have finalised your scores; they can no longer be changed."), code="finalised"
        )
    if not juror.review.is_open_at(now):
        raise ValidationError(
            _("Scoring is closed: the review window is over or has not begun."), code="closed"
        )


@transaction.atomic
def juror_reopen(*, juror: Juror, actor) -> None:
    """An organiser lets a juror who finalised change scores again (while the window is open)."""
    if not actor.has_perm("jury.change_juror"):
        raise PermissionDenied
    if Juror.objects.filter(pk=juror.pk).exclude(finalised_at=None).update(finalised_at=None):
        audit.record(actor=actor, action="juror.reopened", target=juror, fair_id=juror.review.fair_id)


def _tell_organisers_juror_finalised(juror: Juror) -> None:
    from projects.selectors import organisers_to_notify

    queue_to_users(
        template_prefix="jury/email/juror_finalised",
        context={"juror": juror, "review": juror.review, "fair": juror.review.fair},
        users=organisers_to_notify(),
    )


def _tell_jurors_the_window_moved(review: Review, *, old_opens_at: datetime, old_closes_at: datetime) -> None:
    """Each active juror of the review gets the new scoring dates, and the old ones."""
    for juror in Juror.objects.active().filter(review=review).select_related("user"):
        queue_to_users(
            template_prefix="jury/email/window_changed",
            context={
                "juror": juror,
                "review": review,
                "fair": review.fair,
                "old_opens_at": old_opens_at,
                "old_closes_at": old_closes_at,
            },
            users=[juror.user],
        )


# ---------------------------------------------------------------- the juror's work


@transaction.atomic
def evaluation_save(
    *,
    juror: Juror,
    project: Project,
    answers: dict[int, int | None],
    comment: str,
    comment_for_ngo: str = "",
    now: datetime | None = None,
) -> Evaluation:
    """Store (or replace) the juror's scores for a project: one answer for every criterion."""
    now = now or timezone.now()
    juror = _locked_juror(juror)
    _check_can_work(juror, project, now)
    if juror.recusals.filter(project=project).exists():
        raise ValidationError(_("You declared a conflict of interest for this project."), code="recused")
    criteria = list(juror.review.criteria.all())
    missing = [criterion for criterion in criteria if criterion.pk not in answers]
    if missing or set(answers) - {criterion.pk for criterion in criteria}:
        raise ValidationError(_("Give a score for every criterion."), code="incomplete")
    for criterion in criteria:
        value = answers[criterion.pk]
        if value is None and not criterion.allow_cannot_assess:
            raise ValidationError(
                _("%(criterion)s must be scored.") % {"criterion": quoted(criterion.title)}, code="must_score"
            )
        if value is not None and not 1 <= value <= criterion.scale_max:
            raise ValidationError(
                _("Scores for %(criterion)s run from 1 to %(max)s.")
                % {"criterion": quoted(criterion.title), "max": criterion.scale_max},
                code="out_of_range",
            )
    evaluation, _created = Evaluation.objects.update_or_create(
        juror=juror,
        project=project,
        defaults={"comment": comment.strip(), "comment_for_ngo": comment_for_ngo.strip()},
    )
    # One statement for all the criteria: insert, or replace the value already given.
    Score.objects.bulk_create(
        [
            Score(evaluation=evaluation, criterion=criterion, value=answers[criterion.pk])
            for criterion in criteria
        ],
        update_conflicts=True,
        unique_fields=["evaluation", "criterion"],
        update_fields=["value"],
    )
    # Which project, never the scores: the trail is read by every organiser, the ranking is not.
    audit.record(
        actor=juror.user,
        action="evaluation.saved",
        target=project,
        fair_id=juror.review.fair_id,
        details={"juror": juror.pk},
    )
    return evaluation


@transaction.atomic
def recusal_declare(*, juror: Juror, project: Project, reason: str, now: datetime | None = None) -> Recusal:
    """Step back from a project for a conflict of interest. Any scores given for it are removed."""
    now = now or timezone.now()
    juror = _locked_juror(juror, review_for_update=True)
    _check_can_work(juror, project, now)
    if not reason.strip():
        raise ValidationError(_("Say briefly what the conflict of interest is."), code="reason_required")
    if juror.recusals.filter(project=project).exists():
        raise ValidationError(
            _("You have already declared a conflict of interest for this project."), code="twice"
        )
    Evaluation.objects.filter(juror=juror, project=project).delete()
    recusal = Recusal.objects.create(juror=juror, project=project, reason=reason.strip())
    audit.record(
        actor=juror.user,
        action="recusal.declared",
        target=project,
        fair_id=juror.review.fair_id,
        reason=recusal.reason,
        details={"juror": juror.pk, "recusal": recusal.pk},
    )
    # With assigned reading, the project's reading goes to another juror; nothing else moves.
    _rebalance(juror.review, actor=juror.user, cause="recusal")
    return recusal


@transaction.atomic
def recusal_lift(*, recusal: Recusal, actor) -> None:
    """An organiser lifts a conflict of interest declared by mistake: the juror may score the
    project again (the scores removed when they recused do not come back)."""
    if not actor.has_perm("jury.delete_recusal"):
        raise PermissionDenied
    audit.record(
        actor=actor,
        action="recusal.lifted",
        target=recusal.project,
        fair_id=recusal.juror.review.fair_id,
        reason=recusal.reason,
        details={"juror": recusal.juror_id},
    )
    recusal.delete()


@transaction.atomic
def juror_finalise(*, juror: Juror, now: datetime | None = None) -> None:
    """The juror is done: every project scored or recused. Scores are then locked."""
    now = now or timezone.now()
    juror = _locked_juror(juror)
    if not permissions.can_act_as_juror(juror.user):
        raise PermissionDenied
    if not permissions.can_change_scores(juror, now):
        raise ValidationError(
            _("Your scores are already final, or the review window is closed."), code="closed"
        )
    _items, progress = selectors.worklist(juror)
    if not progress.done:
        raise ValidationError(
            ngettext(
                "%(count)d project still needs your scores.",
                "%(count)d projects still need your scores.",
                progress.left,
            )
            % {"count": progress.left},
            code="unfinished",
        )
    juror.finalised_at = now
    juror.save(update_fields=["finalised_at"])
    audit.record(actor=juror.user, action="juror.finalised", target=juror, fair_id=juror.review.fair_id)
    _tell_organisers_juror_finalised(juror)


# ---------------------------------------------------------------- shortlist


@dataclass
class ShortlistEntry:
    row: selectors.RankedProject
    group: Nomination | None
    place: int | None  # place among this group's candidates, ties sharing one
    selected: bool
    tied_at_cut: bool
    note: str  # why a project cannot be shortlisted; empty for candidates


@dataclass
class ShortlistGroup:
    nomination: Nomination | None
    entries: list[ShortlistEntry]
    cut: Fraction | float | None  # the score of the last place within N, on the shortlist's basis

    @property
    def selected(self) -> list[ShortlistEntry]:
        return [entry for entry in self.entries if entry.selected]

    @property
    def tied_at_cut(self) -> list[ShortlistEntry]:
        return [entry for entry in self.entries if entry.tied_at_cut]


@dataclass
class Shortlist:
    groups: list[ShortlistGroup]
    basis: str = Normalisation.NONE  # which score ranks: raw or normalised (`selectors.basis_score`)

    @property
    def normalised(self) -> bool:
        return self.basis == Normalisation.ZSCORE

    def score_of(self, entry: ShortlistEntry):
        return selectors.basis_score(entry.row, self.basis)

    @property
    def selected_ids(self) -> list[int]:
        return sorted(entry.row.project.pk for group in self.groups for entry in group.selected)

    @property
    def turned_down_ids(self) -> list[int]:
        """Scored candidates left out that are still "submitted": what "mark the others" changes."""
        return sorted(
            entry.row.project.pk
            for group in self.groups
            for entry in group.entries
            if not entry.selected
            and entry.place is not None
            and entry.row.project.state == ProjectState.SUBMITTED
        )

    @property
    def to_promote(self) -> int:
        """How many projects applying would change (the others in the list are finalists already)."""
        return sum(
            1
            for group in self.groups
            for entry in group.selected
            if entry.row.project.state in SHORTLISTABLE_STATES
        )


def _shortlist_group(
    rows: list[selectors.RankedProject],
    nomination: Nomination | None,
    top_n: int,
    include_ties: bool,
    basis: str = Normalisation.NONE,
) -> ShortlistGroup:
    def score(row):
        return selectors.basis_score(row, basis)

    candidates = [
        row
        for row in rows
        if score(row) is not None and row.project.state in (*SHORTLISTABLE_STATES, *ALREADY_IN_STATES)
    ]
    candidates.sort(key=lambda row: -score(row))
    cut = score(candidates[top_n - 1]) if len(candidates) >= top_n else None
    at_or_above = [row for row in candidates if cut is None or score(row) >= cut]
    straddles = cut is not None and len(at_or_above) > top_n
    places: dict[Fraction | float, int] = {}
    for index, row in enumerate(candidates, start=1):
        places.setdefault(score(row), index)
    candidate_ids = {row.project.pk for row in candidates}
    entries = []
    for row in rows:
        if row.project.pk in candidate_ids:
            tied = straddles and score(row) == cut
            # Fewer candidates than N (no cut): all of them are in.
            selected = (cut is None or score(row) >= cut) and (include_ties or not tied)
            # A finalist chosen earlier (by hand, or by a longer shortlist) stays one: the
            # shortlist only ever promotes; the project actions undo a decision.
            note = (
                ""
                if selected or row.project.state not in ALREADY_IN_STATES
                else gettext("already a finalist; stays one")
            )
            entries.append(ShortlistEntry(row, nomination, places[score(row)], selected, tied, note))
        else:
            if score(row) is None:
                note = gettext("not scored")
            else:
                note = gettext("cannot be shortlisted: %(state)s") % {
                    "state": row.project.get_state_display()
                }
            entries.append(ShortlistEntry(row, nomination, None, False, False, note))
    entries.sort(
        key=lambda entry: (entry.place is None, entry.place or 0, entry.row.project.title.casefold())
    )
    return ShortlistGroup(nomination, entries, cut)


def shortlist_preview(
    *,
    review: Review,
    top_n: int,
    per_nomination: bool,
    include_ties: bool,
    rows: list[selectors.RankedProject] | None = None,
    basis: str | None = None,
) -> Shortlist:
    """Who would become a finalist: the best N scored projects overall or in each nomination.

    Projects tied with the N-th are all in when `include_ties`, all out otherwise, so the
    organisers decide a tie at the cut-off knowingly, never by the order of titles.
    `basis`: rank by the raw or the normalised score; by default what the review says.
    `rows`: the review's whole ranking, when the caller has it already (with the normalised
    scores, `selectors.ranking(with_normalised=True)`, for a normalised basis).
    """
    basis = basis or review.normalisation
    if rows is None:
        # Normalised scores whatever the basis: the preview shows both columns side by side.
        rows = selectors.ranking(review, with_normalised=True)
    if not per_nomination:
        return Shortlist([_shortlist_group(rows, None, top_n, include_ties, basis)], basis)
    by_nomination: dict[int | None, list] = {}
    for row in rows:
        by_nomination.setdefault(row.project.nomination_id, []).append(row)
    nominations = list(review.fair.nominations.all())
    groups = [
        _shortlist_group(by_nomination.get(nomination.pk, []), nomination, top_n, include_ties, basis)
        for nomination in nominations
    ]
    return Shortlist([group for group in groups if group.entries], basis)


class ShortlistChanged(ValidationError):
    pass


@transaction.atomic
def shortlist_apply(
    *,
    review: Review,
    top_n: int,
    per_nomination: bool,
    include_ties: bool,
    expected_ids: list[int],
    others_not_selected: bool,
    actor,
    expected_turned_down: list[int] | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Make the previewed projects finalists (and, if asked, the rest "not selected").

    Each change goes through `projects.services` (history, e-mails to the NGO). If scores or
    states changed since the preview, nothing is applied and the organiser looks again.
    Returns (made finalists, marked not selected).
    """
    if not permissions.can_view_ranking(actor) or not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    now = now or timezone.now()
    # Serialise shortlists of one fair, and wait for jurors' saves in progress (they hold the
    # review in share mode, see `_locked_juror`), so the ranking cannot change under us.
    with row_lock():
        review = Review.objects.select_for_update(of=("self",)).select_related("fair").get(pk=review.pk)
    if now >= review.fair.voting_opens_at:
        raise ValidationError(
            _("Public voting has begun: the finalists can no longer change through the shortlist."),
            code="voting_open",
        )
    shortlist = shortlist_preview(
        review=review, top_n=top_n, per_nomination=per_nomination, include_ties=include_ties
    )
    changed = shortlist.selected_ids != sorted(expected_ids)
    if others_not_selected and shortlist.turned_down_ids != sorted(expected_turned_down or []):
        changed = True
    if changed:
        raise ShortlistChanged(
            _("The ranking has changed since you looked at it. Check the new preview and apply again."),
            code="changed",
        )
    promoted = turned_down = 0
    for group in shortlist.groups:
        for entry in group.entries:
            project = entry.row.project
            if entry.selected and project.state in SHORTLISTABLE_STATES:
                project_mark_finalist(project=project, actor=actor)
                promoted += 1
            elif others_not_selected and project.pk in shortlist.turned_down_ids:
                project_mark_not_selected(project=project, actor=actor)
                turned_down += 1
    first_time = review.shortlist_applied_at is None
    # The rule the commission's protocol reports, with the digest of the scores it was applied to.
    review.shortlist_applied_at = now
    review.shortlist_basis = shortlist.basis
    review.shortlist_top_n = top_n
    review.shortlist_per_nomination = per_nomination
    review.shortlist_include_ties = include_ties
    review.shortlist_scores_sha256 = selectors.scores_digest(selectors.counted_scores(review))
    review.save(
        update_fields=[
            "shortlist_applied_at",
            "shortlist_top_n",
            "shortlist_per_nomination",
            "shortlist_include_ties",
            "shortlist_scores_sha256",
            "shortlist_basis",
        ]
    )
    audit.record(
        actor=actor,
        action="shortlist.applied",
        target=review,
        fair_id=review.fair_id,
        details={
            "top_n": top_n,
            "per_nomination": per_nomination,
            "include_ties": include_ties,
            "others_not_selected": others_not_selected,
            "finalists": shortlist.selected_ids,
            "promoted": promoted,
            "not_selected": turned_down,
        },
    )
    # Plain text, so the review's history page in the admin shows it as it is.
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[review],
        action_flag=CHANGE,
        change_message=gettext(
            "Promoted to finalists: top %(top_n)s %(scope)s, ties %(ties)s, by the %(basis)s; "
            "%(promoted)s made finalists, %(not_selected)s marked not selected. "
            "Finalists (project ids): %(ids)s."
        )
        % {
            "top_n": top_n,
            "scope": gettext("in each nomination") if per_nomination else gettext("in the whole fair"),
            "ties": gettext("included") if include_ties else gettext("left out"),
            "basis": basis_label(shortlist.basis),
            "promoted": promoted,
            "not_selected": turned_down,
            "ids": ", ".join(str(pk) for pk in shortlist.selected_ids) or "—",
        },
        single_object=True,
    )
    if first_time:
        _send_feedback(review, shortlist)
    return promoted, turned_down


def basis_label(basis: str) -> str:
    return gettext("normalised score") if basis == Normalisation.ZSCORE else gettext("raw score")


def shortlist_rule_text(review: Review) -> str:
    """The stored rule in words, as the review's admin page and the feedback page state it."""
    if review.shortlist_applied_at is None:
        return "—"
    return gettext("top %(top_n)s %(scope)s, ties %(ties)s, by the %(basis)s") % {
        "top_n": review.shortlist_top_n,
        "scope": gettext("in each nomination")
        if review.shortlist_per_nomination
        else gettext("in the whole fair"),
        "ties": gettext("included") if review.shortlist_include_ties else gettext("left out"),
        "basis": basis_label(review.shortlist_basis or Normalisation.NONE),
    }


def _send_feedback(review: Review, shortlist: Shortlist) -> None:
    """Tell the members of every scored project's NGO that the jury's feedback is ready, each in
    their language, once: on the first shortlist (a later, longer one changes the page, which is
    always current, not the news). Queued in this transaction, sent after it commits."""
    projects = [
        entry.row.project
        for group in shortlist.groups
        for entry in group.entries
        if entry.row.jurors_scored and entry.row.project.state != ProjectState.RETURNED
    ]
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in={project.organisation_id for project in projects}
    ).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    for project in projects:
        users = members.get(project.organisation_id, [])
        if users:
            queue_to_users(
                template_prefix="jury/email/feedback",
                context={"project": project, "fair": review.fair},
                users=users,
            )


# ---------------------------------------------------------------- reminders


def send_deadline_reminders(*, now: datetime | None = None, within: timedelta, every: timedelta) -> int:
    """E-mail each juror who still has projects to score in a review closing within `within`.

    A juror is reminded at most once per `every`, so the command can run hourly from cron.
    """
    now = now or timezone.now()
    jurors = (
        Juror.objects.active()
        .filter(
            finalised_at__isnull=True,
            review__opens_at__lte=now,
            review__closes_at__gt=now,
            review__fair__voting_opens_at__gt=now,
        )
        # Scoring stops at the earlier of the window's end and the start of voting.
        .filter(Q(review__closes_at__lte=now + within) | Q(review__fair__voting_opens_at__lte=now + within))
        .filter(
            review__fair__is_published=True,
        )
        .select_related("user", "review__fair")
        .prefetch_related("nominations")
    )
    sent = 0
    for juror in jurors.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - every)):
        if not permissions.can_act_as_juror(juror.user):
            continue
        _items, progress = selectors.worklist(juror)
        if progress.done:
            continue
        # Claim the reminder first: of two overlapping runs, only one sends it.
        claimed = Juror.objects.filter(pk=juror.pk, reminded_at=juror.reminded_at).update(reminded_at=now)
        if not claimed:
            continue
        try:
            queue_to_users(
                template_prefix="jury/email/reminder",
                context={
                    "juror": juror,
                    "fair": juror.review.fair,
                    "review": juror.review,
                    # What the template shows, as it stands now (the row stores plain values).
                    "progress": {"left": progress.left},
                },
                users=[juror.user],
            )
        except Exception:  # one bad address or a mail hiccup must not stop the others
            logger.exception("Could not send the jury reminder to juror %s", juror.pk)
            Juror.objects.filter(pk=juror.pk).update(reminded_at=juror.reminded_at)  # try again next run
            continue
        sent += 1
    return sent


# ---------------------------------------------------------------- the reading assignment


class ReadingAssignmentChanged(ValidationError):
    pass


@dataclass
class ReadingPreview:
    """A proposal as the organiser sees it, with the digest of what it was computed from."""

    input: selectors.ReadingInput
    proposal: assignment.Proposal
    digest: str

    @property
    def jurors(self) -> list[tuple[Juror, int, int]]:
        """(juror, load, readings in a language they read), in the jurors' order."""
        return [
            (juror, self.proposal.loads.get(juror.pk, 0), self.proposal.language_matches.get(juror.pk, 0))
            for juror in self.input.jurors
        ]

    @property
    def projects(self) -> list[tuple[Project, list[tuple[Juror, bool]]]]:
        """(project, [(reader, reads its language)]), in the projects' order."""
        result = []
        for project in self.input.projects:
            readers = [
                self.input.juror_by_id[juror_id] for juror_id in self.proposal.readers.get(project.pk, [])
            ]
            result.append(
                (project, [(juror, project.content_language in (juror.languages or ())) for juror in readers])
            )
        return result

    @property
    def language_matches(self) -> int:
        return sum(self.proposal.language_matches.values())

    @property
    def readings(self) -> int:
        return sum(self.proposal.loads.values())


def _proposal(reading: selectors.ReadingInput, *, full: bool) -> assignment.Proposal:
    """`full`: a new proposal, keeping only readings already scored (each still eligible);
    otherwise a re-balance, keeping every assignment still valid."""
    if full:
        kept = {pair for pair in reading.scored if reading.eligible(*pair)}
    else:
        kept = {pair for pair in reading.assignments if reading.eligible(*pair)}
    return assignment.propose(
        jurors=reading.juror_data,
        projects=reading.project_data,
        readers_per_project=reading.review.readers_per_project,
        recusals=reading.recusals,
        kept=kept,
    )


def reading_assignment_preview(*, review: Review) -> ReadingPreview:
    """Who would read what: N readers per project, loads within one, language preferred.

    Readings already scored stay as they are; every other current assignment may change.
    Writes nothing."""
    reading = selectors.reading_input(review)
    return ReadingPreview(reading, _proposal(reading, full=True), reading.digest)


def _locked_review(review: Review) -> Review:
    """Every change of a review's reading assignment holds its row, FOR NO KEY UPDATE: changes
    of one review go one after the other, and wait for jurors' saves in progress (which hold
    the row in share mode, `_locked_juror`), so a reading is never moved from under a score
    being saved. Not FOR UPDATE: inserting an assignment takes a key-share lock on the juror's
    row, which a juror's own save holds FOR NO KEY UPDATE; the two are compatible."""
    with row_lock():
        return (
            Review.objects.select_for_update(no_key=True, of=("self",))
            .select_related("fair")
            .get(pk=review.pk)
        )


def _may_assign(actor) -> None:
    if not actor.has_perm("jury.change_review"):
        raise PermissionDenied


@transaction.atomic
def reading_assignment_apply(*, review: Review, actor, digest: str, now: datetime | None = None) -> int:
    """Apply the proposal the organiser previewed: refused if anything it depends on changed
    since (`ReadingAssignmentChanged`), or if it breaks a rule (a project without N eligible
    readers, too few jurors). Readings already scored are never touched; the other current
    assignments are replaced. Returns the number of assignments created."""
    _may_assign(actor)
    now = now or timezone.now()
    review = _locked_review(review)
    if not review.assigned_reading:
        raise ValidationError(
            _("This review has every juror read every project: choose assigned reading first."),
            code="not_assigned",
        )
    reading = selectors.reading_input(review)
    if reading.digest != digest:
        raise ReadingAssignmentChanged(
            _(
                "Jurors, projects or recusals have changed since you looked. Check the new proposal and apply again."
            ),
            code="changed",
        )
    proposal = _proposal(reading, full=True)
    if not proposal.complete:
        raise ValidationError(
            [ValidationError(problem.message, code="impossible") for problem in proposal.problems]
        )
    wanted = {
        (juror_id, project_id) for project_id, jurors in proposal.readers.items() for juror_id in jurors
    }
    stale = [
        row.pk
        for pair, row in reading.assignments.items()
        if pair not in wanted and pair not in reading.scored
    ]
    ReadingAssignment.objects.filter(pk__in=stale).delete()
    created = ReadingAssignment.objects.bulk_create(
        ReadingAssignment(
            juror_id=juror_id, project_id=project_id, assigned_by=actor, how=ReadingAssignment.How.PROPOSED
        )
        for juror_id, project_id in sorted(wanted - set(reading.assignments))
    )
    review.reading_assigned_at = now
    review.save(update_fields=["reading_assigned_at"])
    audit.record(
        actor=actor,
        action="reading.applied",
        target=review,
        fair_id=review.fair_id,
        details={
            "readers_per_project": review.readers_per_project,
            "created": len(created),
            "removed": len(stale),
            "loads": {str(juror_id): load for juror_id, load in proposal.loads.items()},
            "digest": digest,
        },
    )
    return len(created)


def reading_move_error(
    *, reading: selectors.ReadingInput, assignment_row: ReadingAssignment, to_juror: Juror
) -> ValidationError | None:
    """Why this reading cannot go to `to_juror`, in the organiser's words; None if it can."""
    project = reading.project_by_id.get(assignment_row.project_id)
    title = quoted(project.title) if project else "—"
    name = to_juror.user.get_full_name()
    if to_juror.review_id != reading.review.pk:
        return ValidationError(_("Choose a juror of this review."), code="wrong_review")
    if (assignment_row.juror_id, assignment_row.project_id) in reading.scored:
        return ValidationError(
            _("%(project)s is already scored by its reader; a scored reading is not moved.")
            % {"project": title},
            code="scored",
        )
    if (to_juror.pk, assignment_row.project_id) in reading.assignments:
        return ValidationError(
            _("%(juror)s already reads %(project)s.") % {"juror": name, "project": title},
            code="already_reads",
        )
    data = reading.data_by_juror.get(to_juror.pk)
    if project is None or not reading.eligible(to_juror.pk, project.pk) or data is None:
        return ValidationError(
            _(
                "%(juror)s cannot read %(project)s: outside their nominations, a member of its NGO, "
                "in conflict with it or recused."
            )
            % {"juror": name, "project": title},
            code="ineligible",
        )
    if not data.available:
        return ValidationError(
            _("%(juror)s can take no new readings: their scores are final or their account is off.")
            % {"juror": name},
            code="unavailable",
        )
    return None


@transaction.atomic
def reading_assignment_move(*, assignment: ReadingAssignment, to_juror: Juror, actor) -> ReadingAssignment:
    """Give one project's reading to another juror (an organiser's decision); refused if the
    other juror may not read it or reads it already, or the reading is scored."""
    _may_assign(actor)
    juror = Juror.objects.select_related("review").get(pk=assignment.juror_id)
    review = _locked_review(juror.review)
    row = ReadingAssignment.objects.filter(pk=assignment.pk).first()
    if row is None:
        raise ReadingAssignmentChanged(
            _("This reading has just been changed by someone else. Look at the assignment again."),
            code="changed",
        )
    reading = selectors.reading_input(review)
    to_juror = reading.juror_by_id.get(to_juror.pk) or to_juror
    if error := reading_move_error(reading=reading, assignment_row=row, to_juror=to_juror):
        raise error
    from_juror = row.juror_id
    row.juror = to_juror
    row.how = ReadingAssignment.How.MOVED
    row.assigned_by = actor
    row.assigned_at = timezone.now()
    try:
        with transaction.atomic():
            row.save(update_fields=["juror", "how", "assigned_by", "assigned_at"])
    except IntegrityError as exc:  # the same juror given the same project by a move in between
        raise ValidationError(
            _("%(juror)s already reads %(project)s.")
            % {
                "juror": to_juror.user.get_full_name(),
                "project": quoted(reading.project_by_id[row.project_id].title),
            },
            code="already_reads",
        ) from exc
    audit.record(
        actor=actor,
        action="reading.moved",
        target=reading.project_by_id[row.project_id],
        fair_id=review.fair_id,
        details={"from_juror": from_juror, "to_juror": to_juror.pk},
    )
    return row


@dataclass
class Rebalance:
    added: list[tuple[int, int]]  # (juror id, project id)
    removed: list[tuple[int, int]]
    problems: list[assignment.Problem]


def _rebalance(review: Review, *, actor, cause: str) -> Rebalance:
    """Re-balance only what must change; the caller holds the review (`_locked_review`, or
    `_locked_juror(…, review_for_update=True)`).

    An unscored assignment that is no longer valid (the juror recused, left the project's
    nomination, was deactivated; the project left the review) is removed; every valid one
    stays; projects short of readers get them from the least-loaded eligible jurors; a scored
    reading is never touched. Does nothing before the organisers applied a first proposal."""
    if not review.assigned_reading or review.reading_assigned_at is None:
        return Rebalance([], [], [])
    reading = selectors.reading_input(review)
    invalid = [
        (pair, row)
        for pair, row in reading.assignments.items()
        if pair not in reading.scored
        and (not reading.eligible(*pair) or not reading.juror_by_id[pair[0]].user.is_active)
    ]
    ReadingAssignment.objects.filter(pk__in=[row.pk for _pair, row in invalid]).delete()
    for pair, _row in invalid:
        del reading.assignments[pair]
    proposal = _proposal(reading, full=False)
    ReadingAssignment.objects.bulk_create(
        ReadingAssignment(
            juror_id=juror_id, project_id=project_id, assigned_by=actor, how=ReadingAssignment.How.REBALANCED
        )
        for juror_id, project_id in proposal.new
    )
    result = Rebalance(
        proposal.new,
        sorted(pair for pair, _row in invalid),
        [problem for problem in proposal.problems if problem.code != "uneven"],
    )
    if result.added or result.removed or result.problems:
        audit.record(
            actor=actor,
            action="reading.rebalanced",
            target=review,
            fair_id=review.fair_id,
            details={
                "cause": cause,
                "added": [list(pair) for pair in result.added],
                "removed": [list(pair) for pair in result.removed],
                "unfilled": [problem.project_id for problem in result.problems if problem.project_id],
            },
        )
    return result


@transaction.atomic
def reading_rebalance(*, review: Review, actor, cause: str = "organisers") -> Rebalance:
    """Fill what is missing now (the organisers' button; also what a state change triggers)."""
    if actor is not None:
        _may_assign(actor)
    review = _locked_review(review)
    return _rebalance(review, actor=actor, cause=cause)


def rebalance_after_state_change(project_id: int) -> None:
    """A project was submitted late, withdrawn, returned…: run after that change committed (the
    projects app knows nothing of the jury; `jury.apps` connects this), in its own transaction.
    A busy review is left for the next change or the organisers' button, never an error."""
    review = (
        Review.objects.filter(fair__projects__pk=project_id, reading=Reading.ASSIGNED)
        .exclude(reading_assigned_at=None)
        # Once the shortlist is applied the reading is over: a prize given or a finalist
        # withdrawn months later must not hand out new readings nobody will do.
        .filter(shortlist_applied_at=None)
        .first()
    )
    if review is None:
        return
    try:
        reading_rebalance(review=review, actor=None, cause="project_state")
    except Busy:
        logger.warning(
            "Reading assignment of review %s busy; not re-balanced after project %s", review.pk, project_id
        )
