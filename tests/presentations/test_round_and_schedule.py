"""Opening the round after the shortlist, its criteria, the proposed schedule and applying it."""

from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from icalendar import Calendar

from fairportal.models import AuditEvent, OutgoingMail
from presentations import services
from presentations.models import PresentationRound, Slot
from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.jury import CriterionFactory, ReviewFactory
from tests.factories.presentations import finalist, open_round, shortlisted_review
from tests.factories.projects import ProjectFactory

# Their messages and admin addresses are read in English (`english` in tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ALMATY = ZoneInfo("Asia/Almaty")


# ---------------------------------------------------------------- opening


def test_a_round_opens_only_after_the_shortlist_was_applied(organiser):
    review = ReviewFactory()
    with pytest.raises(ValidationError) as refused:
        services.round_open(review=review, actor=organiser, first_day=timezone.localdate())
    assert refused.value.code == "no_shortlist"
    assert not PresentationRound.objects.exists()

    review.shortlist_applied_at = timezone.now()
    review.save()
    presentation_round = services.round_open(review=review, actor=organiser, first_day=timezone.localdate())

    assert presentation_round.opened_by == organiser
    assert AuditEvent.objects.filter(action="presentations.round_opened", fair_id=review.fair_id).count() == 1
    with pytest.raises(ValidationError, match="already has a presentation round"):
        services.round_open(review=review, actor=organiser, first_day=timezone.localdate())


def test_only_organisers_open_a_round():
    with pytest.raises(PermissionDenied):
        services.round_open(review=shortlisted_review(), actor=UserFactory(), first_day=timezone.localdate())


def test_the_reading_rounds_criteria_are_copied_unless_the_organisers_choose_their_own(organiser):
    review = shortlisted_review()
    CriterionFactory(
        review=review, title_en="Significance", title_kk="Маңыздылық", weight=Decimal("2"), position=1
    )
    CriterionFactory(review=review, title_en="Openness", scale_max=5, guidance_ru="1 — закрыто", position=2)

    copied = open_round(review, actor=organiser)
    own = open_round(shortlisted_review(), actor=organiser, copy_reading_criteria=False)

    assert [
        (c.title_en, c.title_kk, c.weight, c.scale_max, c.guidance_ru, c.position)
        for c in copied.criteria.all()
    ] == [
        ("Significance", "Маңыздылық", Decimal("2.00"), 10, "", 1),
        ("Openness", review.criteria.get(position=2).title_kk, Decimal("1.00"), 5, "1 — закрыто", 2),
    ]
    assert not own.criteria.exists()
    # Editing the reading round afterwards leaves the presentation round's copy alone.
    review.criteria.filter(position=1).update(title_en="Changed")
    assert copied.criteria.get(position=1).title_en == "Significance"


def test_scoring_closes_by_default_at_midnight_after_the_last_day(organiser):
    first_day = timezone.localdate() + timedelta(days=3)
    presentation_round = open_round(actor=organiser, first_day=first_day, days=2)

    closes = timezone.localtime(presentation_round.scoring_closes_at, ALMATY)
    assert (closes.date(), closes.time()) == (first_day + timedelta(days=2), time(0, 0))


def test_bad_settings_are_refused_in_our_words(organiser):
    with pytest.raises(ValidationError) as refused:
        open_round(actor=organiser, day_starts_at=time(18), day_ends_at=time(10))
    assert "Presentations must start before they end." in refused.value.messages


# ---------------------------------------------------------------- the proposal


def test_the_schedule_follows_the_nominations_then_the_titles_over_the_days_in_almaty_time(
    presentation_round, nominations
):
    health, disability = nominations
    PresentationRound.objects.filter(pk=presentation_round.pk).update(day_ends_at=time(11, 0))
    presentation_round.refresh_from_db()
    finalist(presentation_round, nomination=health, title="Б health")
    finalist(presentation_round, nomination=disability, title="Я disability")
    finalist(presentation_round, nomination=health, title="А health")
    finalist(presentation_round, nomination=disability, title="Ә disability")
    ProjectFactory(fair=presentation_round.review.fair, state=ProjectState.NOT_SELECTED, nomination=health)
    ProjectFactory(fair=presentation_round.review.fair, state=ProjectState.SUBMITTED, nomination=health)

    proposal = services.schedule_propose(round=presentation_round)

    first, second = presentation_round.first_day, presentation_round.first_day + timedelta(days=1)
    assert [
        (entry.project.title, timezone.localtime(entry.starts_at, ALMATY).replace(tzinfo=None))
        for entry in proposal.slots
    ] == [
        ("Ә disability", timezone.datetime.combine(first, time(10, 0))),
        ("Я disability", timezone.datetime.combine(first, time(10, 20))),
        ("А health", timezone.datetime.combine(first, time(10, 40))),
        ("Б health", timezone.datetime.combine(second, time(10, 0))),
    ]
    assert all(entry.ends_at - entry.starts_at == timedelta(minutes=15) for entry in proposal.slots)
    # Almaty is UTC+5: 10:00 there is 05:00 UTC.
    assert proposal.slots[0].starts_at.astimezone(ZoneInfo("UTC")).hour == 5
    assert not Slot.objects.exists()


def test_too_many_finalists_for_the_days_are_refused_with_the_arithmetic(presentation_round, nominations):
    for number in range(52):
        finalist(presentation_round, nomination=nominations[0], title=f"Project {number:02}")

    with translation.override("en"), pytest.raises(services.ScheduleDoesNotFit) as refused:
        services.schedule_propose(round=presentation_round)

    assert refused.value.messages[0].startswith("52 finalists need 17 h 20 min; 2 days of 8 h hold 48.")
    with translation.override("ru"), pytest.raises(services.ScheduleDoesNotFit) as in_russian:
        services.schedule_propose(round=presentation_round)
    assert in_russian.value.messages[0].startswith(
        "52 финалистам нужно 17 ч 20 мин; 2 дня по 8 ч вмещают 48."
    )


# ---------------------------------------------------------------- applying


def test_applying_makes_the_slots_and_mails_every_member_their_slot_with_a_calendar_file(
    presentation_round, nominations, organiser, django_capture_on_commit_callbacks
):
    first = finalist(
        presentation_round,
        nomination=nominations[1],
        title="Инклюзивті шеберхана",
        members=[("aigerim@ngo.kz", "kk"), ("olga@ngo.kz", "ru")],
    )
    second = finalist(presentation_round, nomination=nominations[0], members=[("bob@ngo.kz", "en")])
    finalist(presentation_round, nomination=nominations[0])  # an NGO with nobody to tell

    with django_capture_on_commit_callbacks(execute=True):
        slots = services.schedule_apply(round=presentation_round, actor=organiser)

    assert [slot.project for slot in slots] == [first, second, Slot.objects.order_by("starts_at")[2].project]
    assert OutgoingMail.objects.filter(template="presentations/email/slot_scheduled").count() == 3
    assert sorted(message.to[0] for message in mail.outbox) == ["aigerim@ngo.kz", "bob@ngo.kz", "olga@ngo.kz"]
    slot = Slot.objects.get(project=first)
    by_address = {message.to[0]: message for message in mail.outbox}
    for address, word in (("aigerim@ngo.kz", "қазыларға"), ("olga@ngo.kz", "жюри")):
        message = by_address[address]
        assert "10:00" in message.body
        assert "Hall A" in message.body
        assert "https://meet.example.kz/jury" in message.body
        assert f"/ngo/projects/{first.pk}/presentation/" in message.body
        ((name, content, mimetype),) = message.attachments
        assert (name, mimetype) == (f"presentation-{slot.pk}.ics", "text/calendar")
        calendar = Calendar.from_ical(content)
        assert calendar["METHOD"] == "PUBLISH"
        (event,) = calendar.walk("VEVENT")
        assert event["DTSTART"].dt.astimezone(ALMATY) == slot.starts_at.astimezone(ALMATY)
        assert event["DTSTART"].dt.astimezone(ALMATY).hour == 10
        assert event["DTEND"].dt == slot.ends_at
        assert int(event["SEQUENCE"]) == 0
        assert str(event["UID"]) == f"presentation-slot-{slot.pk}@127.0.0.1"
        assert "Hall A" in str(event["LOCATION"])
        assert str(event["URL"]).endswith(f"/ngo/projects/{first.pk}/presentation/")
        assert "Инклюзивті шеберхана" in str(event["SUMMARY"])
        assert word in message.body  # in the member's own language
    assert str(
        Calendar.from_ical(by_address["olga@ngo.kz"].attachments[0][1]).walk("VEVENT")[0]["SUMMARY"]
    ).startswith("Презентация")
    assert AuditEvent.objects.filter(action="presentations.schedule_applied").count() == 1


def test_the_schedule_is_applied_once_and_only_as_previewed(presentation_round, nominations, organiser):
    finalist(presentation_round, nomination=nominations[0], title="A")
    preview = services.schedule_propose(round=presentation_round)
    finalist(presentation_round, nomination=nominations[0], title="B")  # a late finalist

    with pytest.raises(services.ScheduleChanged):
        services.schedule_apply(
            round=presentation_round, actor=organiser, expected_project_ids=preview.project_ids
        )
    assert not Slot.objects.exists()

    services.schedule_apply(round=presentation_round, actor=organiser)
    with pytest.raises(ValidationError, match="already been made"):
        services.schedule_apply(round=presentation_round, actor=organiser)
    assert Slot.objects.count() == 2


def test_only_organisers_apply_a_schedule(presentation_round, nominations):
    finalist(presentation_round, nomination=nominations[0])
    with pytest.raises(PermissionDenied):
        services.schedule_apply(round=presentation_round, actor=UserFactory())


def test_a_schedule_that_would_start_in_the_past_is_refused(organiser):
    """The walk opened a round on a day already gone and the NGOs were mailed times in the past."""
    presentation_round = open_round(actor=organiser, first_day=timezone.localdate() - timedelta(days=2))
    finalist(presentation_round)

    with pytest.raises(ValidationError) as refused:
        services.schedule_propose(round=presentation_round)
    assert refused.value.code == "in_the_past"
    with pytest.raises(ValidationError):
        services.schedule_apply(round=presentation_round, actor=organiser)
    assert not Slot.objects.exists()


def test_a_slot_reads_in_local_time_in_the_admin(organiser):
    """Row labels (`str`) sat beside local times in UTC: 18:00 for a 23:00 slot."""
    presentation_round = open_round(actor=organiser)
    project = finalist(presentation_round, title="Safe Home")
    slot = Slot.objects.create(
        round=presentation_round,
        project=project,
        starts_at=services.local_moment(presentation_round.first_day, time(23, 0)),
        ends_at=services.local_moment(presentation_round.first_day, time(23, 15)),
    )

    assert str(slot).endswith(f"{presentation_round.first_day:%Y-%m-%d} 23:00")


def test_a_finalist_made_after_the_schedule_gets_the_first_free_time_and_nothing_moves(
    organiser, django_capture_on_commit_callbacks
):
    """Organisers may make a finalist by hand after the schedule; applying again is refused, so
    the late ones are fitted around the slots already confirmed."""
    presentation_round = open_round(
        actor=organiser, days=1, day_starts_at=time(10, 0), day_ends_at=time(11, 0)
    )
    first, second = finalist(presentation_round, title="А"), finalist(presentation_round, title="Б")
    services.schedule_apply(round=presentation_round, actor=organiser)
    before = dict(Slot.objects.values_list("project_id", "starts_at"))
    late = finalist(presentation_round, title="В", members=[("late@ngo.kz", "ru")])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        added = services.schedule_add_late(round=presentation_round, actor=organiser)

    assert [slot.project for slot in added] == [late]
    starts = timezone.localtime(added[0].starts_at, ALMATY)
    assert (starts.hour, starts.minute) == (10, 40)  # after 10:00–10:15 and 10:20–10:35, with the break
    assert (
        dict(Slot.objects.filter(project__in=[first, second]).values_list("project_id", "starts_at"))
        == before
    )
    assert [message.to for message in mail.outbox] == [["late@ngo.kz"]]
    assert services.schedule_add_late(round=presentation_round, actor=organiser) == []


def test_late_finalists_that_do_not_fit_are_refused_in_our_words(organiser):
    presentation_round = open_round(
        actor=organiser, days=1, day_starts_at=time(10, 0), day_ends_at=time(10, 40)
    )
    finalist(presentation_round)
    finalist(presentation_round)
    services.schedule_apply(round=presentation_round, actor=organiser)
    finalist(presentation_round)

    with pytest.raises(
        ValidationError, match="1 finalist has no slot and the round's days have room for 0 more"
    ):
        services.schedule_add_late(round=presentation_round, actor=organiser)
    assert Slot.objects.count() == 2
