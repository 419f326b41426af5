"""Who may do what in the presentation round, as predicates taking the clock where time matters.

The jurors' pages ask them to decide what to show; `presentations.scoring` asks them again,
under a lock, before writing.

A presentation is scored by every juror whose seat covers the finalist's nomination (a seat
without nominations covers the whole fair), never by a member of the finalist's own NGO. This
is deliberately not `jury.permissions.seat_covers`: in the reading round a seat may be narrowed
to the projects assigned to the juror, while the presentations are heard by the whole seat.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef

from jury.models import Juror
from jury.permissions import can_act_as_juror, can_view_ranking
from presentations.models import PRESENTING_STATES, PresentationRound, Slot, SlotOutcome
from projects.models import Membership, Organisation

__all__ = [
    "PRESENTING_STATES",
    "can_act_as_juror",
    "can_hear",
    "can_view_final_ranking",
    "scoring_refusal",
    "seat_hears",
]


def seat_hears(juror: Juror, slot: Slot) -> bool:
    """The slot belongs to the juror's review, its project is a finalist in one of the seat's
    nominations (or the seat covers the whole fair), and not a project of the juror's own NGO
    or of an NGO they are in conflict with (`Juror.conflict_organisations`).

    Uses `juror.nominations.all()`, so prefetch it when asking for many slots; the NGO check is
    one query (`selectors.heard_slots` answers it for a whole programme at once).
    """
    project = slot.project
    if slot.round.review_id != juror.review_id or project.fair_id != juror.review.fair_id:
        return False
    if project.state not in PRESENTING_STATES:
        return False
    nomination_ids = {nomination.pk for nomination in juror.nominations.all()}
    if nomination_ids and project.nomination_id not in nomination_ids:
        return False
    # Neither their own NGO nor one the organisers recorded a conflict with (as in the reading
    # round, `jury.permissions.seat_covers`); one query for both.
    return (
        not Organisation.objects.filter(pk=project.organisation_id)
        .filter(
            Exists(Membership.objects.filter(organisation_id=OuterRef("pk"), user_id=juror.user_id))
            | Exists(
                Juror.conflict_organisations.through.objects.filter(
                    organisation_id=OuterRef("pk"), juror_id=juror.pk
                )
            )
        )
        .exists()
    )


def can_hear(user, juror: Juror, slot: Slot) -> bool:
    """The user may open the slot's page as this juror (recused or not: the page then says so)."""
    return can_act_as_juror(user) and juror.user_id == user.pk and seat_hears(juror, slot)


def scoring_refusal(round: PresentationRound, slot: Slot, now: datetime) -> str | None:
    """Why scores for this slot cannot be saved now, as a code; None when they can.

    - "not_started": nobody scores a presentation before it has begun;
    - "absent": the finalist did not present (set by the organisers on the day);
    - "closed": the round's scoring has closed.
    """
    if slot.outcome == SlotOutcome.ABSENT:
        return "absent"
    if not round.scoring_open_at(now):
        return "closed"
    if now < slot.starts_at:
        return "not_started"
    return None


def can_view_final_ranking(user) -> bool:
    """Organisers who see the jury's ranking, or who were given the final ranking alone."""
    if not (user.is_active and user.is_staff):
        return False
    return user.has_perm("presentations.view_final_ranking") or can_view_ranking(user)
