"""Reads for the public programme and the NGO's page (`presentations.selectors` holds the
jurors' reads and the final ranking; these are kept apart so both can grow without clashing)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from presentations.models import PRESENTING_STATES, PresentationRound, Slot, SlotOutcome
from projects.models import Fair, Project, public_project_condition


@dataclass
class ProgrammeDay:
    day: date
    slots: list[Slot] = field(default_factory=list)


@dataclass
class Programme:
    round: PresentationRound
    days: list[ProgrammeDay]

    @property
    def slots(self) -> list[Slot]:
        return [slot for day in self.days for slot in day.slots]

    @property
    def any_outcome(self) -> bool:
        return any(slot.outcome != SlotOutcome.SCHEDULED for slot in self.slots)

    @property
    def finished(self) -> bool:
        """Every slot has its outcome: the round is over. Judged by the data, not the clock, so
        the cached page changes exactly when an outcome is saved."""
        slots = self.slots
        return bool(slots) and all(slot.outcome != SlotOutcome.SCHEDULED for slot in slots)

    @property
    def presented(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.outcome == SlotOutcome.PRESENTED]

    @property
    def absent(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.outcome == SlotOutcome.ABSENT]


def public_round(fair: Fair) -> PresentationRound | None:
    return PresentationRound.objects.filter(review__fair=fair, programme_public=True).first()


def public_programme(fair: Fair) -> Programme | None:
    """The fair's programme by day (Almaty), the slots in order, or None while it is not public.

    Two queries whatever the number of slots. Only public projects that still present are
    listed: a finalist withdrawn (or no longer selected) after the schedule was made leaves the
    programme, even when its page stays public.
    """
    presentation_round = public_round(fair)
    if presentation_round is None:
        return None
    slots = (
        Slot.objects.filter(round=presentation_round)
        .filter(public_project_condition("project__"), project__state__in=PRESENTING_STATES)
        .select_related("project__organisation", "project__nomination")
        .order_by("starts_at", "room", "pk")
    )
    days: list[ProgrammeDay] = []
    for slot in slots:
        day = timezone.localtime(slot.starts_at).date()
        if not days or days[-1].day != day:
            days.append(ProgrammeDay(day=day))
        days[-1].slots.append(slot)
    return Programme(round=presentation_round, days=days)


def slot_of(project: Project) -> Slot | None:
    """The project's presentation slot, with what its NGO's page shows."""
    return (
        Slot.objects.filter(project=project)
        .select_related("round__review__fair", "project__nomination", "project__organisation")
        .first()
    )
