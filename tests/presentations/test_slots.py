"""Moving and swapping slots (never two at once in one place, also concurrently), the NGO's
answer, the outcome on the day, and the reminder the day before."""

from datetime import time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from fairportal.models import AuditEvent, OutgoingMail
from presentations import services
from presentations.models import Slot, SlotAnswer, SlotOutcome
from tests.factories.accounts import make_organiser
from tests.factories.presentations import SlotFactory, finalist, open_round
from tests.factories.projects import make_ngo_member
from tests.race import at_once, raised

# Their messages and admin addresses are read in English (`english` in tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ALMATY = ZoneInfo("Asia/Almaty")


def at(day_offset: int, hour: int, minute: int = 0):
    return services.local_moment(timezone.localdate() + timedelta(days=day_offset), time(hour, minute))


@pytest.fixture
def slots(presentation_round):
    """Three slots tomorrow in Hall A: 10:00, 10:20, 10:40; each NGO with one member."""
    made = []
    for number, minute in enumerate((0, 20, 40)):
        project = finalist(
            presentation_round, title=f"Project {number}", members=[(f"ngo{number}@ngo.kz", "en")]
        )
        made.append(SlotFactory(round=presentation_round, project=project, starts_at=at(1, 10, minute)))
    return made


# ---------------------------------------------------------------- moves and swaps


def test_a_move_keeps_the_length_asks_the_ngo_again_and_sends_the_newer_calendar_entry(
    slots, organiser, django_capture_on_commit_callbacks
):
    slot = slots[0]
    services.slot_answer(slot=slot, user=slot.project.organisation.memberships.get().user, answer="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        services.slot_move(slot=slot, starts_at=at(1, 11, 0), actor=organiser)

    slot.refresh_from_db()
    assert (timezone.localtime(slot.starts_at, ALMATY).time(), slot.duration_minutes) == (time(11, 0), 15)
    assert (slot.sequence, slot.answer, slot.reminded_at) == (1, SlotAnswer.NONE, None)
    (message,) = mail.outbox
    assert message.to == ["ngo0@ngo.kz"]
    assert "11:00" in message.subject
    (event,) = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt.astimezone(ALMATY).time() == time(11, 0)
    assert str(event["UID"]) == f"presentation-slot-{slot.pk}@127.0.0.1"
    assert (
        AuditEvent.objects.filter(action="presentations.slot_moved").get().details["before"]["answer"]
        == "confirmed"
    )


def test_a_move_onto_another_slot_in_the_same_place_is_refused(slots, organiser):
    with pytest.raises(services.SlotOverlap, match="Project 1"):
        services.slot_move(slot=slots[0], starts_at=at(1, 10, 25), actor=organiser)
    # Another room at that time is free.
    services.slot_move(slot=slots[0], starts_at=at(1, 10, 25), room="Hall B", actor=organiser)
    # Back-to-back is not an overlap.
    services.slot_move(slot=slots[2], starts_at=at(1, 10, 35), actor=organiser)
    assert not OutgoingMail.objects.filter(
        template="presentations/email/slot_changed", recipient="ngo1@ngo.kz"
    )


def test_a_slot_is_not_moved_into_the_past_nor_after_it_happened(slots, organiser):
    with pytest.raises(ValidationError, match="past"):
        services.slot_move(slot=slots[0], starts_at=timezone.now() - timedelta(hours=1), actor=organiser)
    Slot.objects.filter(pk=slots[1].pk).update(outcome=SlotOutcome.PRESENTED)
    with pytest.raises(ValidationError, match="taken place"):
        services.slot_move(slot=slots[1], starts_at=at(2, 10), actor=organiser)


def test_a_swap_exchanges_times_and_tells_both_ngos(slots, organiser, django_capture_on_commit_callbacks):
    a, b = slots[0], slots[2]
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_swap(a=a, b=b, actor=organiser)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (timezone.localtime(a.starts_at).time(), timezone.localtime(b.starts_at).time()) == (
        time(10, 40),
        time(10, 0),
    )
    assert (a.sequence, b.sequence) == (1, 1)
    assert sorted(message.to[0] for message in mail.outbox) == ["ngo0@ngo.kz", "ngo2@ngo.kz"]


def test_only_organisers_move_slots(slots, ngo_owner):
    with pytest.raises(PermissionDenied):
        services.slot_move(slot=slots[0], starts_at=at(2, 10), actor=ngo_owner)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_organisers_moving_two_slots_into_one_free_time_at_once_leave_one_there():
    presentation_round = open_round(room="Hall A")
    first = SlotFactory(round=presentation_round, starts_at=at(1, 10, 0))
    second = SlotFactory(round=presentation_round, starts_at=at(1, 10, 20))
    people = [make_organiser("one@fair.kz"), make_organiser("two@fair.kz")]
    target = at(1, 15, 0)

    outcomes = at_once(
        lambda slot, actor: services.slot_move(slot=slot, starts_at=target, actor=actor),
        [(first, people[0]), (second, people[1])],
    )

    errors = raised(outcomes)
    assert len(errors) == 1
    assert isinstance(errors[0], services.SlotOverlap)
    assert Slot.objects.filter(starts_at=target).count() == 1


# ---------------------------------------------------------------- the NGO's answer


def test_members_of_the_ngo_confirm_or_ask_for_another_time_until_the_slot_starts(slots):
    slot = slots[0]
    member = slot.project.organisation.memberships.get().user

    services.slot_answer(slot=slot, user=member, answer="swap", note="  Afternoon, please  ")
    slot.refresh_from_db()
    assert (slot.answer, slot.answer_note, slot.answered_by) == (SlotAnswer.SWAP, "Afternoon, please", member)

    with pytest.raises(ValidationError) as no_note:
        services.slot_answer(slot=slot, user=member, answer="swap", note=" ")
    assert "note" in no_note.value.message_dict
    with pytest.raises(ValidationError, match="begun"):
        services.slot_answer(slot=slot, user=member, answer="confirmed", now=slot.starts_at)
    with pytest.raises(PermissionDenied):
        services.slot_answer(slot=slot, user=make_ngo_member(email="other@ngo.kz"), answer="confirmed")
    with pytest.raises(ValidationError, match="changed the time"):
        services.slot_answer(slot=slot, user=member, answer="confirmed", sequence=slot.sequence + 1)


# ---------------------------------------------------------------- the day


def test_the_outcome_is_recorded_from_the_slots_day_on(slots, organiser):
    slot = slots[0]
    with pytest.raises(ValidationError, match="from its day on"):
        services.slot_set_outcome(slot=slot, outcome="presented", actor=organiser)

    on_the_day = at(1, 0, 5)
    services.slot_set_outcome(slot=slot, outcome="absent", actor=organiser, now=on_the_day)
    services.slot_set_outcome(slot=slot, outcome="presented", actor=organiser, now=on_the_day)

    slot.refresh_from_db()
    assert slot.outcome == SlotOutcome.PRESENTED
    assert AuditEvent.objects.filter(action="presentations.outcome_set").count() == 2


# ---------------------------------------------------------------- reminders


def test_the_reminder_goes_once_on_the_day_before_from_nine_and_again_after_a_move(
    presentation_round, organiser, django_capture_on_commit_callbacks
):
    project = finalist(presentation_round, members=[("kk@ngo.kz", "kk"), ("ru@ngo.kz", "ru")])
    slot = SlotFactory(round=presentation_round, project=project, starts_at=at(2, 14, 0))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_presentation_reminders(now=at(1, 8, 59)) == 0  # too early
        assert services.send_presentation_reminders(now=at(1, 9, 0)) == 1
        assert services.send_presentation_reminders(now=at(1, 10, 0)) == 0  # never twice
        assert services.send_presentation_reminders(now=at(2, 9, 0)) == 0  # on the day: no "tomorrow"

    assert sorted(message.to[0] for message in mail.outbox) == ["kk@ngo.kz", "ru@ngo.kz"]
    assert all(message.attachments for message in mail.outbox)
    slot.refresh_from_db()
    assert slot.reminded_at == at(1, 9, 0)

    services.slot_move(slot=slot, starts_at=at(3, 10, 0), actor=organiser)
    assert services.send_presentation_reminders(now=at(2, 9, 30)) == 1


def test_the_reminder_command_is_safe_to_run_every_hour(presentation_round):
    SlotFactory(round=presentation_round, project=finalist(presentation_round, members=[("a@ngo.kz", "en")]))
    # Tomorrow's slot is due from 09:00 today (Almaty): the command sends it once from then on,
    # and nothing earlier; twice never. (`count() <= 1` alone passed with a command that sent nothing.)
    due = timezone.localtime(timezone.now(), services.fair_time_zone()).hour >= services.REMINDER_HOUR
    first, second = StringIO(), StringIO()
    call_command("send_presentation_reminders", stdout=first)
    call_command("send_presentation_reminders", stdout=second)

    assert f"queued for {int(due)} slot(s)" in first.getvalue()
    assert "queued for 0 slot(s)" in second.getvalue()
    assert OutgoingMail.objects.filter(template="presentations/email/slot_reminder").count() == int(due)


def test_the_organisers_hear_of_a_request_for_another_time(
    slots, organiser, django_capture_on_commit_callbacks
):
    slot = slots[0]
    member = slot.project.organisation.memberships.get().user

    with django_capture_on_commit_callbacks(execute=True):
        services.slot_answer(slot=slot, user=member, answer="confirmed")
        services.slot_answer(slot=slot, user=member, answer="swap", note="После обеда, пожалуйста")

    (message,) = mail.outbox
    assert message.to == [organiser.email]
    assert "После обеда, пожалуйста" in message.body
    assert f"/admin/presentations/slot/{slot.pk}/move/" in message.body
