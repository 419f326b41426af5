"""Every write of the organisers' and the NGOs' side of the presentation round: opening it, the
schedule, moves and swaps, the NGO's answer, the outcome on the day, the reminders.

Locking: every write that changes when or where a slot is (`schedule_apply`, `slot_move`,
`slot_swap`) first locks the round's row (`select_for_update`), so two organisers moving slots
at once are serialised and the overlap check below sees the other's committed move. An
exclusion constraint over `tstzrange(starts_at, ends_at)` with the room would be the database's
own guard, but it needs `btree_gist`, which the embedded PostgreSQL we test on does not ship;
the round lock gives the same guarantee as long as slots are only changed here.
The NGO's answer and the outcome lock the slot's row only (never the round: no deadlock with a
move, which takes the round, then the slot).

Times are the fair's: settings.TIME_ZONE (Asia/Almaty), in which the round's days and hours are
meant. E-mails go to every member of the finalist NGO, each in their language, queued in the
action's transaction with the slot's `.ics` (`presentations.ics`) made when each is sent.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, page_cache, ratelimit
from fairportal.locks import row_lock
from fairportal.mail import Attachment, queue_to_users
from fairportal.text import quoted
from jury.models import Review
from presentations import ngo_permissions
from presentations.models import (
    PRESENTING_STATES,
    PresentationCriterion,
    PresentationRound,
    Slot,
    SlotAnswer,
    SlotOutcome,
)
from projects import selectors as project_selectors
from projects.models import Membership, Project

logger = logging.getLogger(__name__)

# Who presents: the shortlist's finalists (a demo or a late round may already have winners).
# The reminder goes from this hour (Almaty) of the day before the slot: a morning e-mail, not
# one at midnight when the hourly command first sees the slot.
REMINDER_HOUR = 9
NOTE_MAX_LENGTH = 1000
# Each request for another time e-mails every organiser: a few a day per slot (all its NGO's
# members together) is plenty for a real change of plans, and no NGO can flood their inboxes.
SWAP_REQUESTS_PER_DAY = 5

audit.register_actions(
    {
        "presentations.round_opened": _("Presentation round opened"),
        "presentations.round_changed": _("Presentation round's settings changed"),
        "presentations.schedule_applied": _("Presentation schedule applied"),
        "presentations.slot_moved": _("Presentation slot moved"),
        "presentations.slots_swapped": _("Presentation slots swapped"),
        "presentations.slot_answered": _("NGO answered its presentation slot"),
        "presentations.outcome_set": _("Presentation outcome recorded"),
    }
)


def fair_time_zone():
    return timezone.get_default_timezone()


def local_moment(day: date, at: time) -> datetime:
    """That day and hour in the fair's time zone."""
    return datetime.combine(day, at, tzinfo=fair_time_zone())


def minutes_text(minutes: int) -> str:
    """17 h 20 min, 8 h, 40 min."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(minutes)s min") % {"minutes": rest}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---------------------------------------------------------------- opening the round


@transaction.atomic
def round_open(
    *,
    review: Review,
    actor,
    first_day: date,
    days: int = 2,
    day_starts_at: time = time(10, 0),
    day_ends_at: time = time(18, 0),
    slot_minutes: int = 15,
    gap_minutes: int = 5,
    room: str = "",
    video_link: str = "",
    reading_weight: int = 40,
    scoring_closes_at: datetime | None = None,
    programme_public: bool = False,
    copy_reading_criteria: bool = True,
) -> PresentationRound:
    """Open the fair's presentation round, once its shortlist has been applied.

    Copies the reading round's criteria (titles, guidance, weights, scales, order) unless the
    organisers will set their own (`copy_reading_criteria=False`: the round starts without
    criteria). Scoring closes by default at midnight after the last day. Locks the review's row,
    which `jury.services.shortlist_apply` locks too: a round never opens beside a shortlist
    being applied, and two organisers opening it at once get one round (and the other a refusal).
    """
    _require(ngo_permissions.can_open_round(actor))
    with row_lock():
        review = Review.objects.select_for_update(of=("self",)).select_related("fair").get(pk=review.pk)
    if review.shortlist_applied_at is None:
        raise ValidationError(
            _("The jury's shortlist has not been applied yet: the finalists are not known."),
            code="no_shortlist",
        )
    if PresentationRound.objects.filter(review=review).exists():
        raise ValidationError(_("This fair already has a presentation round."), code="exists")
    if scoring_closes_at is None:
        scoring_closes_at = local_moment(first_day + timedelta(days=days), time(0, 0))
    presentation_round = PresentationRound(
        review=review,
        first_day=first_day,
        days=days,
        day_starts_at=day_starts_at,
        day_ends_at=day_ends_at,
        slot_minutes=slot_minutes,
        gap_minutes=gap_minutes,
        room=room.strip(),
        video_link=video_link.strip(),
        reading_weight=reading_weight,
        presentation_weight=100 - reading_weight,
        scoring_closes_at=scoring_closes_at,
        programme_public=programme_public,
        opened_by=actor,
    )
    presentation_round.full_clean(exclude=["review", "opened_by"], validate_unique=False)
    try:
        with transaction.atomic():
            presentation_round.save()
    except IntegrityError as error:  # the review's row lock makes this the rare path
        raise ValidationError(_("This fair already has a presentation round."), code="exists") from error
    copied = 0
    if copy_reading_criteria:
        criteria = PresentationCriterion.objects.bulk_create(
            PresentationCriterion(
                round=presentation_round,
                title_kk=criterion.title_kk,
                title_ru=criterion.title_ru,
                title_en=criterion.title_en,
                guidance_kk=criterion.guidance_kk,
                guidance_ru=criterion.guidance_ru,
                guidance_en=criterion.guidance_en,
                weight=criterion.weight,
                scale_max=criterion.scale_max,
                position=criterion.position,
            )
            for criterion in review.criteria.order_by("position", "pk")
        )
        copied = len(criteria)
    audit.record(
        actor=actor,
        action="presentations.round_opened",
        target=presentation_round,
        fair_id=review.fair_id,
        details={"first_day": first_day.isoformat(), "days": days, "criteria_copied": copied},
    )
    return presentation_round


ROUND_SETTINGS = (
    "first_day",
    "days",
    "day_starts_at",
    "day_ends_at",
    "slot_minutes",
    "gap_minutes",
    "room",
    "video_link",
    "reading_weight",
    "presentation_weight",
    "scoring_closes_at",
    "programme_public",
)


@transaction.atomic
def round_update(*, round: PresentationRound, actor) -> PresentationRound:
    """Save the round's settings as the admin's form changed them (recorded old → new).

    The days and hours are the defaults the schedule is proposed from: slots already made keep
    their times (they change only by `slot_move` / `slot_swap`, which tell the NGO).
    """
    presentation_round = round
    _require(actor.has_perm("presentations.change_presentationround"))
    before = (
        PresentationRound.objects.select_for_update(of=("self",))
        .filter(pk=presentation_round.pk)
        .values(*ROUND_SETTINGS)
        .first()
    )
    presentation_round.full_clean(exclude=["review", "opened_by"], validate_unique=False)
    presentation_round.save()
    audit.record_change(
        actor=actor,
        action="presentations.round_changed",
        instance=presentation_round,
        fields=ROUND_SETTINGS,
        before=before,
        fair_id=presentation_round.review.fair_id,
    )
    return presentation_round


# ---------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class ProposedSlot:
    project: Project
    starts_at: datetime
    ends_at: datetime


@dataclass
class ScheduleProposal:
    round: PresentationRound
    slots: list[ProposedSlot]

    @property
    def project_ids(self) -> list[int]:
        return [entry.project.pk for entry in self.slots]


class ScheduleDoesNotFit(ValidationError):
    pass


class ScheduleChanged(ValidationError):
    pass


# The Kazakh alphabet; Russian's is the same order without the Kazakh letters, so one key sorts
# titles in either language as a reader expects (the database's C collation puts Ә after Я).
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(KAZAKH_ALPHABET)}


def title_key(title: str) -> tuple:
    """Digits and Latin letters by code point, then Cyrillic in the Kazakh alphabet's order."""
    return tuple(
        (1, _LETTER_RANK[char]) if char in _LETTER_RANK else (0, ord(char))
        for char in title.strip().casefold()
    )


def finalists(presentation_round: PresentationRound) -> list[Project]:
    """The fair's finalists in the programme's order: by nomination (its position), then title."""
    projects = (
        Project.objects.filter(fair_id=presentation_round.review.fair_id, state__in=PRESENTING_STATES)
        .select_related("organisation", "nomination")
        .order_by(F("nomination__position").asc(nulls_last=True), "nomination_id", "pk")
    )
    return sorted(
        projects,
        key=lambda project: (
            project.nomination is None,
            project.nomination.position if project.nomination else 0,
            project.nomination_id or 0,
            title_key(project.title),
            project.pk,
        ),
    )


def day_capacity(presentation_round: PresentationRound) -> int:
    """How many presentations one day holds (the last needs no break after it)."""
    start = local_moment(presentation_round.first_day, presentation_round.day_starts_at)
    end = local_moment(presentation_round.first_day, presentation_round.day_ends_at)
    day_minutes = int((end - start).total_seconds() // 60)
    step = presentation_round.slot_minutes + presentation_round.gap_minutes
    return max(0, (day_minutes + presentation_round.gap_minutes) // step)


def _does_not_fit_message(presentation_round: PresentationRound, count: int, capacity: int) -> str:
    step = presentation_round.slot_minutes + presentation_round.gap_minutes
    start = local_moment(presentation_round.first_day, presentation_round.day_starts_at)
    end = local_moment(presentation_round.first_day, presentation_round.day_ends_at)
    day_minutes = int((end - start).total_seconds() // 60)
    need = ngettext("%(count)s finalist needs %(time)s", "%(count)s finalists need %(time)s", count) % {
        "count": count,
        "time": minutes_text(count * step),
    }
    hold = ngettext(
        "%(days)s day of %(length)s holds %(fit)s",
        "%(days)s days of %(length)s hold %(fit)s",
        presentation_round.days,
    ) % {"days": presentation_round.days, "length": minutes_text(day_minutes), "fit": capacity}
    return f"{need}; {hold}. " + gettext(
        "Add a day, lengthen the days, or shorten the presentations or the breaks between them."
    )


def schedule_propose(*, round: PresentationRound, now: datetime | None = None) -> ScheduleProposal:
    """The finalists laid out over the round's days, each day from `day_starts_at` to
    `day_ends_at` (Almaty), `slot_minutes` each with `gap_minutes` between; nothing is saved.
    Raises `ScheduleDoesNotFit` with the arithmetic when they do not fit, and refuses a schedule
    whose first presentation has already passed (NGOs would be invited to the past)."""
    presentation_round = round
    now = now or timezone.now()
    projects = finalists(presentation_round)
    if not projects:
        raise ValidationError(_("The fair has no finalists to schedule."), code="no_finalists")
    per_day = day_capacity(presentation_round)
    capacity = per_day * presentation_round.days
    if len(projects) > capacity:
        raise ScheduleDoesNotFit(
            _does_not_fit_message(presentation_round, len(projects), capacity), code="does_not_fit"
        )
    length = timedelta(minutes=presentation_round.slot_minutes)
    step = timedelta(minutes=presentation_round.slot_minutes + presentation_round.gap_minutes)
    slots = []
    for index, project in enumerate(projects):
        day, place = divmod(index, per_day)
        starts_at = (
            local_moment(presentation_round.first_day + timedelta(days=day), presentation_round.day_starts_at)
            + place * step
        )
        slots.append(ProposedSlot(project=project, starts_at=starts_at, ends_at=starts_at + length))
    if slots[0].starts_at < now:
        raise ValidationError(
            _(
                "The first presentation would start at %(when)s, which has passed: choose a later first day "
                "or later hours in the round's settings."
            )
            % {"when": formats.date_format(timezone.localtime(slots[0].starts_at), "DATETIME_FORMAT")},
            code="in_the_past",
        )
    return ScheduleProposal(round=presentation_round, slots=slots)


def _locked_round(presentation_round: PresentationRound) -> PresentationRound:
    with row_lock():
        return (
            PresentationRound.objects.select_for_update(of=("self",))
            .select_related("review__fair")
            .get(pk=presentation_round.pk)
        )


@transaction.atomic
def schedule_apply(
    *,
    round: PresentationRound,
    actor,
    expected_project_ids: list[int] | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Make the proposed slots and e-mail each finalist NGO its slot, with the .ics.

    Under the round's row lock, in one transaction. With `expected_project_ids` (the preview's
    order), nothing is made if the finalists or their order changed since the preview. Refused
    once the round has slots: from then on single slots are moved or swapped.
    """
    _require(ngo_permissions.can_manage_slots(actor))
    now = now or timezone.now()
    presentation_round = _locked_round(round)
    if presentation_round.slots.exists():
        raise ValidationError(
            _("The schedule has already been made: move or swap single slots instead."), code="exists"
        )
    proposal = schedule_propose(round=presentation_round, now=now)
    if expected_project_ids is not None and proposal.project_ids != list(expected_project_ids):
        raise ScheduleChanged(
            _(
                "The finalists have changed since you looked at the proposal. Check the new one and apply again."
            ),
            code="changed",
        )
    slots = Slot.objects.bulk_create(
        Slot(
            round=presentation_round,
            project=entry.project,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            room=presentation_round.room,
            video_link=presentation_round.video_link,
            notified_at=now,
        )
        for entry in proposal.slots
    )
    audit.record(
        actor=actor,
        action="presentations.schedule_applied",
        target=presentation_round,
        fair_id=presentation_round.review.fair_id,
        details={"slots": len(slots), "projects": proposal.project_ids},
    )
    for slot in slots:
        slot.round = presentation_round
    _tell_ngos(slots, "scheduled")
    # bulk_create sends no post_save: the public programme learns of the slots here.
    page_cache.invalidate()
    return slots


def finalists_without_slot(presentation_round: PresentationRound) -> list[Project]:
    """Finalists the applied schedule does not hold: made finalists by hand after it."""
    scheduled = set(presentation_round.slots.values_list("project_id", flat=True))
    return [project for project in finalists(presentation_round) if project.pk not in scheduled]


@transaction.atomic
def schedule_add_late(*, round: PresentationRound, actor, now: datetime | None = None) -> list[Slot]:
    """Give each finalist without a slot the first free time of the round's days, in programme
    order, after now, in the round's room; nothing already scheduled moves. Under the round's
    row lock, so it never races a move or a swap; the NGOs are e-mailed as for the schedule."""
    _require(ngo_permissions.can_manage_slots(actor))
    now = now or timezone.now()
    presentation_round = _locked_round(round)
    if not presentation_round.slots.exists():
        raise ValidationError(_("Make the schedule first."), code="no_schedule")
    late = finalists_without_slot(presentation_round)
    if not late:
        return []
    room = presentation_round.room
    taken = list(presentation_round.slots.filter(room=room).values_list("starts_at", "ends_at"))
    length = timedelta(minutes=presentation_round.slot_minutes)
    gap = timedelta(minutes=presentation_round.gap_minutes)
    free = []
    for day in range(presentation_round.days):
        moment = local_moment(
            presentation_round.first_day + timedelta(days=day), presentation_round.day_starts_at
        )
        day_end = local_moment(
            presentation_round.first_day + timedelta(days=day), presentation_round.day_ends_at
        )
        while moment + length <= day_end and len(free) < len(late):
            clash = next(
                (end for start, end in taken if start < moment + length + gap and end + gap > moment), None
            )
            if clash is not None:
                moment = clash + gap
                continue
            if moment >= now:
                free.append(moment)
                taken.append((moment, moment + length))
            moment += length + gap
    if len(free) < len(late):
        raise ScheduleDoesNotFit(
            ngettext(
                "%(count)s finalist has no slot and the round's days have room for %(free)s more: add a day or "
                "lengthen the days in the round's settings.",
                "%(count)s finalists have no slot and the round's days have room for %(free)s more: add a day or "
                "lengthen the days in the round's settings.",
                len(late),
            )
            % {"count": len(late), "free": len(free)},
            code="does_not_fit",
        )
    slots = Slot.objects.bulk_create(
        Slot(
            round=presentation_round,
            project=project,
            starts_at=starts_at,
            ends_at=starts_at + length,
            room=room,
            video_link=presentation_round.video_link,
            notified_at=now,
        )
        for project, starts_at in zip(late, free, strict=False)
    )
    audit.record(
        actor=actor,
        action="presentations.late_finalists_scheduled",
        target=presentation_round,
        fair_id=presentation_round.review.fair_id,
        details={"projects": [slot.project_id for slot in slots]},
    )
    for slot in slots:
        slot.round = presentation_round
    _tell_ngos(slots, "scheduled")
    page_cache.invalidate()
    return slots


def _tell_ngos(slots: list[Slot], kind: str) -> None:
    """Every member of each slot's NGO, in their language: `presentations/email/slot_<kind>`."""
    organisation_ids = {slot.project.organisation_id for slot in slots}
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(organisation_id__in=organisation_ids).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    for slot in slots:
        users = members.get(slot.project.organisation_id, [])
        if users:
            queue_to_users(
                template_prefix=f"presentations/email/slot_{kind}",
                context={"slot": slot},
                users=users,
                attachments=[Attachment("presentations.ics.slot_attachment", slot)],
            )


# ---------------------------------------------------------------- moves and swaps


class SlotOverlap(ValidationError):
    pass


def _check_free(presentation_round, *, room: str, starts_at: datetime, ends_at: datetime, ignore: list[int]):
    """No other slot of the round in the same room (the same video call, for online rounds) at
    that time. Called under the round's row lock."""
    other = (
        Slot.objects.filter(round=presentation_round, room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk__in=ignore)
        .select_related("project")
        .order_by("starts_at")
        .first()
    )
    if other is not None:
        local_start, local_end = timezone.localtime(other.starts_at), timezone.localtime(other.ends_at)
        raise SlotOverlap(
            _("That time overlaps the presentation of %(project)s (%(start)s–%(end)s) in the same place.")
            % {
                "project": quoted(other.project.title),
                "start": local_start.strftime("%d.%m %H:%M"),
                "end": local_end.strftime("%H:%M"),
            },
            code="overlap",
        )


def _check_changeable(slot: Slot, now: datetime) -> None:
    if slot.outcome != SlotOutcome.SCHEDULED:
        raise ValidationError(
            _("The presentation of %(project)s has taken place or was missed; its time no longer changes.")
            % {"project": quoted(slot.project.title)},
            code="over",
        )
    if slot.starts_at <= now:
        raise ValidationError(
            _("The presentation of %(project)s has begun; its time no longer changes.")
            % {"project": quoted(slot.project.title)},
            code="begun",
        )


def _reschedule(
    slot: Slot, *, starts_at: datetime, ends_at: datetime, room: str, video_link: str, now
) -> dict:
    """Give the slot its new time and place; the NGO answers again, the reminder goes again."""
    before = {
        "starts_at": slot.starts_at.isoformat(),
        "room": slot.room,
        "answer": slot.answer,
        "answer_note": slot.answer_note,
    }
    slot.starts_at, slot.ends_at, slot.room, slot.video_link = starts_at, ends_at, room, video_link
    slot.sequence += 1
    slot.answer, slot.answer_note, slot.answered_at, slot.answered_by = SlotAnswer.NONE, "", None, None
    slot.notified_at, slot.reminded_at = now, None
    return before


RESCHEDULED_FIELDS = [
    "starts_at",
    "ends_at",
    "room",
    "video_link",
    "sequence",
    "answer",
    "answer_note",
    "answered_at",
    "answered_by",
    "notified_at",
    "reminded_at",
]


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, fair_time_zone()) if timezone.is_naive(moment) else moment


@transaction.atomic
def slot_move(
    *, slot: Slot, starts_at: datetime, actor, room: str | None = None, now: datetime | None = None
) -> Slot:
    """Move one slot (keeping its length; optionally to another room) and tell its NGO.

    Under the round's row lock, so two moves into the same free time cannot both succeed.
    The NGO's earlier answer was about the old time: it is cleared, and the NGO answers again.
    """
    _require(ngo_permissions.can_manage_slots(actor))
    now = now or timezone.now()
    presentation_round = _locked_round(slot.round)
    slot = Slot.objects.select_for_update(of=("self",)).select_related("project").get(pk=slot.pk)
    _check_changeable(slot, now)
    starts_at = _aware(starts_at)
    if starts_at <= now:
        raise ValidationError(_("A presentation cannot be moved into the past."), code="past")
    room = slot.room if room is None else room.strip()
    ends_at = starts_at + (slot.ends_at - slot.starts_at)
    if starts_at == slot.starts_at and room == slot.room:
        return slot
    _check_free(presentation_round, room=room, starts_at=starts_at, ends_at=ends_at, ignore=[slot.pk])
    before = _reschedule(
        slot, starts_at=starts_at, ends_at=ends_at, room=room, video_link=slot.video_link, now=now
    )
    slot.save(update_fields=RESCHEDULED_FIELDS)
    audit.record(
        actor=actor,
        action="presentations.slot_moved",
        target=slot,
        fair_id=presentation_round.review.fair_id,
        details={"before": before, "starts_at": starts_at.isoformat(), "room": room},
    )
    slot.round = presentation_round
    _tell_ngos([slot], "changed")
    return slot


@transaction.atomic
def slot_swap(*, a: Slot, b: Slot, actor, now: datetime | None = None) -> tuple[Slot, Slot]:
    """Exchange two slots' times and places (each keeps its length) and tell both NGOs."""
    _require(ngo_permissions.can_manage_slots(actor))
    now = now or timezone.now()
    if a.pk == b.pk:
        raise ValidationError(_("Choose two different slots to swap."), code="same")
    if a.round_id != b.round_id:
        raise ValidationError(_("Only slots of the same round can be swapped."), code="other_round")
    presentation_round = _locked_round(a.round)
    locked = {
        slot.pk: slot
        for slot in Slot.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk__in=[a.pk, b.pk])
        .order_by("pk")
    }
    a, b = locked[a.pk], locked[b.pk]
    _check_changeable(a, now)
    _check_changeable(b, now)
    a_place = (b.starts_at, b.starts_at + (a.ends_at - a.starts_at), b.room, b.video_link)
    b_place = (a.starts_at, a.starts_at + (b.ends_at - b.starts_at), a.room, a.video_link)
    for starts_at, ends_at, room, _link in (a_place, b_place):
        _check_free(presentation_round, room=room, starts_at=starts_at, ends_at=ends_at, ignore=[a.pk, b.pk])
    if a_place[2] == b_place[2] and a_place[0] < b_place[1] and b_place[0] < a_place[1]:
        raise SlotOverlap(
            _("These two presentations differ in length: swapped, they would overlap."), code="overlap"
        )
    before_a = _reschedule(
        a, starts_at=a_place[0], ends_at=a_place[1], room=a_place[2], video_link=a_place[3], now=now
    )
    before_b = _reschedule(
        b, starts_at=b_place[0], ends_at=b_place[1], room=b_place[2], video_link=b_place[3], now=now
    )
    a.save(update_fields=RESCHEDULED_FIELDS)
    b.save(update_fields=RESCHEDULED_FIELDS)
    audit.record(
        actor=actor,
        action="presentations.slots_swapped",
        target=a,
        fair_id=presentation_round.review.fair_id,
        details={"with_slot": b.pk, "before": before_a, "other_before": before_b},
    )
    a.round = b.round = presentation_round
    _tell_ngos([a, b], "changed")
    return a, b


# ---------------------------------------------------------------- the NGO's answer, the day


def slot_answerable(slot: Slot, now: datetime | None = None) -> bool:
    """Whether the NGO may still answer: while its project presents, until the slot starts, and
    while nothing happened at it."""
    return (
        slot.project.state in PRESENTING_STATES
        and slot.outcome == SlotOutcome.SCHEDULED
        and (now or timezone.now()) < slot.starts_at
    )


@transaction.atomic
def slot_answer(
    *,
    slot: Slot,
    user,
    answer: str,
    note: str = "",
    sequence: int | None = None,
    now: datetime | None = None,
) -> Slot:
    """The NGO confirms its slot or asks for another time (saying which times suit it).

    Members of the project's NGO only, until the slot starts. With `sequence` (what the page
    showed), an answer to a time the organisers have since changed is refused, not applied to
    the new one. A request for another time is e-mailed to the organisers. Locks the slot's row.
    """
    now = now or timezone.now()
    if not ngo_permissions.can_see_slot(user, slot.project):
        raise PermissionDenied
    if answer not in (SlotAnswer.CONFIRMED, SlotAnswer.SWAP):
        raise ValidationError({"answer": _("Choose to confirm the time or to ask for another one.")})
    note = (note or "").strip()
    if answer == SlotAnswer.SWAP and not note:
        raise ValidationError(
            {"note": _("Say which days and times would suit you, and why this one does not.")}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}}
        )
    with row_lock():
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("round__review", "project")
            .get(pk=slot.pk)
        )
    if locked.project.state not in PRESENTING_STATES:
        # Withdrawn (or no longer a finalist): there is no presentation to confirm or move.
        raise ValidationError(
            _("This project no longer takes part in the presentations."), code="not_presenting"
        )
    if sequence is not None and locked.sequence != sequence:
        raise ValidationError(
            _(
                "The organisers changed the time of this presentation while you were answering. "
                "Check the new time and answer again."
            ),
            code="changed",
        )
    if not slot_answerable(locked, now):
        raise ValidationError(_("The presentation has begun: the answer can no longer change."), code="begun")
    if (locked.answer, locked.answer_note) == (answer, note):
        # A double submit (or the same answer again) changes nothing and mails nobody again.
        return locked
    if (
        answer == SlotAnswer.SWAP
        and not ratelimit.hit(
            f"presentations.swap_request:slot:{locked.pk}", limit=SWAP_REQUESTS_PER_DAY, period=86400
        ).allowed
    ):
        raise ValidationError(
            _(
                "You have asked for another time several times today. The organisers have your "
                "requests; please wait for their answer or write to them."
            ),
            code="swap_limit",
        )
    before = locked.answer
    locked.answer, locked.answer_note = answer, note
    locked.answered_at, locked.answered_by = now, user
    locked.save(update_fields=["answer", "answer_note", "answered_at", "answered_by"])
    audit.record(
        actor=user,
        action="presentations.slot_answered",
        target=locked,
        fair_id=locked.round.review.fair_id,
        details={"answer": [before, answer]},
    )
    if answer == SlotAnswer.SWAP:
        # The organisers rearrange the programme: they hear of the request now, not on the day.
        queue_to_users(
            template_prefix="presentations/email/swap_requested",
            context={"slot": locked},
            users=project_selectors.organisers_to_notify(),
        )
    return locked


@transaction.atomic
def slot_set_outcome(*, slot: Slot, outcome: str, actor, now: datetime | None = None) -> Slot:
    """Record on the day whether the finalist presented; "scheduled" undoes a mistake.

    From the start of the slot's day (Almaty) on: nobody presents before their day.
    """
    _require(ngo_permissions.can_manage_slots(actor))
    now = now or timezone.now()
    if outcome not in SlotOutcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    with row_lock():
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("round__review", "project")
            .get(pk=slot.pk)
        )
    day_starts = local_moment(timezone.localtime(locked.starts_at, fair_time_zone()).date(), time(0, 0))
    if outcome != SlotOutcome.SCHEDULED and now < day_starts:
        raise ValidationError(
            _("What happened at the presentation of %(project)s can be recorded from its day on.")
            % {"project": quoted(locked.project.title)},
            code="too_early",
        )
    if locked.outcome == outcome:
        return locked
    before = locked.outcome
    locked.outcome = outcome
    locked.save(update_fields=["outcome"])
    audit.record(
        actor=actor,
        action="presentations.outcome_set",
        target=locked,
        fair_id=locked.round.review.fair_id,
        details={"outcome": [before, outcome]},
    )
    return locked


# ---------------------------------------------------------------- reminders


def reminder_due_at(slot: Slot) -> datetime:
    """REMINDER_HOUR (Almaty) of the day before the slot's day."""
    day = timezone.localtime(slot.starts_at, fair_time_zone()).date()
    return local_moment(day - timedelta(days=1), time(REMINDER_HOUR, 0))


def send_presentation_reminders(*, now: datetime | None = None) -> int:
    """Remind each finalist NGO of its slot the day before, once (`Slot.reminded_at`).

    Safe to run every hour, and twice at once: each slot's reminder is claimed by a conditional
    UPDATE in the same transaction as its queued mails, so only one run sends it. A moved slot
    is reminded again of its new time (`slot_move` clears `reminded_at`). A slot made after its
    reminder's hour is reminded by the next run if that is still the day before.
    """
    now = now or timezone.now()
    candidates = (
        Slot.objects.filter(
            reminded_at__isnull=True,
            outcome=SlotOutcome.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=2),
            project__state__in=PRESENTING_STATES,
        )
        .select_related("project", "round__review__fair")
        .order_by("starts_at")
    )
    sent = 0
    for slot in candidates:
        due_at = reminder_due_at(slot)
        # Only on the day before: on the day itself "tomorrow" would be wrong, and a slot made or
        # moved that late was just announced by its own e-mail.
        if not due_at <= now < due_at + timedelta(hours=24 - REMINDER_HOUR):
            continue
        try:
            with transaction.atomic():
                claimed = Slot.objects.filter(
                    pk=slot.pk, reminded_at__isnull=True, sequence=slot.sequence
                ).update(reminded_at=now)
                if not claimed:
                    continue
                _tell_ngos([slot], "reminder")
        except Exception:  # one bad row must not stop the others; it is tried again next run
            logger.exception("Could not queue the presentation reminder for slot %s", slot.pk)
            continue
        sent += 1
    return sent
