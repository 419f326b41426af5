"""The presentation round's writes fired at once on real connections: each stays DB-safe."""

from datetime import time, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from awards import services as award_services
from awards.models import Award, AwardKind
from fairportal.models import OutgoingMail
from presentations import services
from presentations.models import Slot
from tests.factories.accounts import make_organiser
from tests.factories.awards import CeremonyFactory
from tests.factories.presentations import SlotFactory, finalist, open_round
from tests.presentations.test_final_ranking import closed_fair
from tests.race import at_once, raised

race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at(day_offset: int, hour: int, minute: int = 0):
    return services.local_moment(timezone.localdate() + timedelta(days=day_offset), time(hour, minute))


@race
def test_a_request_for_another_time_sent_twice_at_once_mails_the_organisers_once():
    make_organiser("boss@fair.kz")
    presentation_round = open_round(room="Hall A")
    project = finalist(presentation_round, members=[("a@ngo.kz", "ru")])
    slot = SlotFactory(round=presentation_round, project=project, starts_at=at(3, 10))
    member = project.organisation.memberships.get().user

    outcomes = at_once(
        lambda: services.slot_answer(slot=slot, user=member, answer="swap", note="После обеда", sequence=0),
        [()] * 4,
    )

    assert raised(outcomes) == []
    recipients = list(
        OutgoingMail.objects.filter(template="presentations/email/swap_requested").values_list(
            "recipient", flat=True
        )
    )
    assert sorted(recipients) == sorted(set(recipients))
    assert "boss@fair.kz" in recipients


@race
def test_the_schedule_applied_twice_at_once_is_made_once():
    presentation_round = open_round(room="Hall A")
    for number in range(3):
        finalist(presentation_round, title=f"P{number}", members=[(f"n{number}@ngo.kz", "kk")])
    people = [make_organiser("one@fair.kz"), make_organiser("two@fair.kz")]

    outcomes = at_once(
        lambda actor: services.schedule_apply(round=presentation_round, actor=actor), [(p,) for p in people]
    )

    assert len(raised(outcomes)) == 1
    assert Slot.objects.filter(round=presentation_round).count() == 3
    assert OutgoingMail.objects.filter(template="presentations/email/slot_scheduled").count() == 3


@race
def test_a_move_and_a_swap_at_once_never_leave_two_slots_in_one_place():
    presentation_round = open_round(room="Hall A")
    first = SlotFactory(round=presentation_round, starts_at=at(1, 10, 0))
    second = SlotFactory(round=presentation_round, starts_at=at(1, 10, 20))
    third = SlotFactory(round=presentation_round, starts_at=at(1, 10, 40))
    people = [make_organiser("one@fair.kz"), make_organiser("two@fair.kz")]

    at_once(
        lambda kind, actor: (
            services.slot_move(slot=third, starts_at=at(1, 10, 0), actor=actor)
            if kind == "move"
            else services.slot_swap(a=first, b=second, actor=actor)
        ),
        [("move", people[0]), ("swap", people[1])],
    )

    slots = list(Slot.objects.filter(round=presentation_round).order_by("starts_at"))
    for earlier, later in pairwise(slots):
        assert earlier.ends_at <= later.starts_at


@race
def test_the_reminders_run_twice_at_once_go_once():
    presentation_round = open_round(room="Hall A")
    project = finalist(presentation_round, members=[("a@ngo.kz", "kk"), ("b@ngo.kz", "ru")])
    SlotFactory(round=presentation_round, project=project, starts_at=at(2, 14))

    outcomes = at_once(lambda: services.send_presentation_reminders(now=at(1, 9, 30)), [()] * 3)

    assert sorted(outcomes) == [0, 0, 1]
    assert OutgoingMail.objects.filter(template="presentations/email/slot_reminder").count() == 2


@race
def test_the_jury_prizes_given_twice_at_once_are_given_once():
    fair = closed_fair()
    ceremony = CeremonyFactory(fair=fair.fair)
    keys = award_services.jury_prizes_proposal(ceremony=ceremony).keys
    people = [make_organiser("one@fair.kz"), make_organiser("two@fair.kz")]

    outcomes = at_once(
        lambda actor: award_services.jury_prizes_give(ceremony=ceremony, expected=keys, actor=actor),
        [(p,) for p in people],
    )

    assert len(raised(outcomes)) == 1
    assert Award.objects.filter(kind=AwardKind.JURY_PRIZE).count() == 2
