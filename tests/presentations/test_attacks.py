"""An attacker's pass over the presentation round: each test reproduces an abuse that worked
before its fix."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from fairportal.models import OutgoingMail
from presentations import services
from presentations.models import PresentationEvaluation, PresentationRound, PresentationScore, SlotAnswer
from projects.models import Project, ProjectState
from tests.factories.jury import JurorFactory
from tests.factories.presentations import SlotFactory, finalist

pytestmark = pytest.mark.django_db

SWAP_MAIL = "presentations/email/swap_requested"


def at(day_offset: int, hour: int, minute: int = 0):
    return services.local_moment(timezone.localdate() + timedelta(days=day_offset), time(hour, minute))


@pytest.fixture
def slot(presentation_round):
    project = finalist(
        presentation_round, title="Бірге", members=[("one@ngo.kz", "kk"), ("two@ngo.kz", "ru")]
    )
    return SlotFactory(round=presentation_round, project=project, starts_at=at(3, 14, 40))


def members(slot):
    return [membership.user for membership in slot.project.organisation.memberships.order_by("pk")]


# ---------------------------------------------------------------- the swap request e-mails organisers


def test_a_double_submitted_request_for_another_time_mails_the_organisers_once(slot, organiser):
    (member, _other) = members(slot)
    for _ in range(2):
        services.slot_answer(slot=slot, user=member, answer="swap", note="После обеда")

    assert OutgoingMail.objects.filter(template=SWAP_MAIL).count() == 1


def test_an_ngo_cannot_flood_the_organisers_with_requests_for_another_time(slot, organiser):
    first, second = members(slot)
    refused = []
    for number in range(30):
        try:
            services.slot_answer(
                slot=slot,
                user=(first, second)[number % 2],
                answer="swap",
                note=f"Другое время, вариант {number}",
            )
        except ValidationError as error:
            refused.append(error.code)

    sent = OutgoingMail.objects.filter(template=SWAP_MAIL).count()
    assert sent == services.SWAP_REQUESTS_PER_DAY
    assert refused == ["swap_limit"] * (30 - services.SWAP_REQUESTS_PER_DAY)
    slot.refresh_from_db()
    # A confirmation is never limited: it mails nobody.
    services.slot_answer(slot=slot, user=first, answer="confirmed")
    slot.refresh_from_db()
    assert slot.answer == SlotAnswer.CONFIRMED


# ---------------------------------------------------------------- the round's settings page


def round_form(presentation_round) -> dict:
    """The round's change form as the organiser's browser sends it (one datetime-local input)."""
    return {
        "first_day": presentation_round.first_day.isoformat(),
        "days": presentation_round.days,
        "day_starts_at": "10:00",
        "day_ends_at": "18:00",
        "slot_minutes": presentation_round.slot_minutes,
        "gap_minutes": presentation_round.gap_minutes,
        "room": presentation_round.room,
        "video_link": presentation_round.video_link,
        "reading_weight": 40,
        "presentation_weight": 60,
        "scoring_closes_at": timezone.localtime(presentation_round.scoring_closes_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "criteria-TOTAL_FORMS": 0,
        "criteria-INITIAL_FORMS": 0,
    }


def test_an_organiser_can_save_the_rounds_settings_and_publish_the_programme(
    organiser_client, presentation_round
):
    with translation.override("kk"):
        page_url = reverse("admin:presentations_presentationround_change", args=[presentation_round.pk])
    page = organiser_client.get(page_url).content.decode()
    assert 'type="datetime-local" name="scoring_closes_at"' in page

    response = organiser_client.post(page_url, {**round_form(presentation_round), "programme_public": "on"})

    assert response.status_code == 302
    presentation_round.refresh_from_db()
    assert presentation_round.programme_public


# ---------------------------------------------------------------- a criterion's scale under given scores


def test_a_criterions_scale_is_not_lowered_under_the_scores_jurors_gave(organiser_client, presentation_round):
    criterion = presentation_round.criteria.create(title_kk="Өлшем", title_ru="Критерий", position=1)
    slot = SlotFactory(round=presentation_round)
    evaluation = PresentationEvaluation.objects.create(
        juror=JurorFactory(review=presentation_round.review), slot=slot
    )
    PresentationScore.objects.create(evaluation=evaluation, criterion=criterion, value=9)
    form = {
        **round_form(presentation_round),
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 1,
        "criteria-0-id": criterion.pk,
        "criteria-0-round": presentation_round.pk,
        "criteria-0-title_kk": "Өлшем",
        "criteria-0-title_ru": "Критерий",
        "criteria-0-weight": "1",
        "criteria-0-scale_max": "5",
        "criteria-0-position": "1",
    }
    with translation.override("kk"):
        page_url = reverse("admin:presentations_presentationround_change", args=[presentation_round.pk])

    response = organiser_client.post(page_url, form)

    # A 9 on a scale of 5 would put the presentation at 200 of 100 in the final ranking.
    assert response.status_code == 200
    assert "9" in response.content.decode()
    assert "бағаларды қойып қойған" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.scale_max == 10
    # Raising it (or keeping it) stays possible.
    form["criteria-0-scale_max"] = "12"
    assert organiser_client.post(page_url, form).status_code == 302
    criterion.refresh_from_db()
    assert criterion.scale_max == 12


# ---------------------------------------------------------------- the note's length as the browser counts it


def test_a_note_the_textarea_accepts_is_not_refused_for_its_line_breaks(client, slot):
    member, _other = members(slot)
    client.force_login(member)
    with translation.override("ru"):
        page_url = reverse("presentations:ngo_slot", args=[slot.project_id])
    # The textarea's maxlength counts a line break as one character; the browser sends CR LF.
    note = "\r\n".join(["Лучше после обеда, пожалуйста."] * 32)
    assert len(note.replace("\r\n", "\n")) <= services.NOTE_MAX_LENGTH < len(note)

    response = client.post(page_url, {"swap-answer": "swap", "swap-note": note, "swap-sequence": "0"})

    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.answer_note == note.replace("\r\n", "\n")


# ---------------------------------------------------------------- a withdrawn finalist


def test_a_withdrawn_finalist_no_longer_answers_its_slot_nor_mails_the_organisers(client, slot, organiser):
    member, _other = members(slot)
    Project.objects.filter(pk=slot.project_id).update(state=ProjectState.WITHDRAWN)
    client.force_login(member)
    with translation.override("kk"):
        page_url = reverse("presentations:ngo_slot", args=[slot.project_id])

    page = client.get(page_url).content.decode()
    response = client.post(page_url, {"swap-answer": "swap", "swap-note": "Басқа күні", "swap-sequence": "0"})

    assert 'name="swap-note"' not in page
    assert "Бұл жоба енді таныстырылымға қатыспайды" in page
    assert response.status_code == 400
    slot.refresh_from_db()
    assert slot.answer == SlotAnswer.NONE
    assert not OutgoingMail.objects.filter(template=SWAP_MAIL).exists()


# ---------------------------------------------------------------- injection through an NGO's texts (guards)


INJECTED = "Бірге\r\nBcc: victim@example.com\rATTENDEE:mailto:x@evil.example\nX-INJ:1"


def test_a_title_with_line_breaks_cannot_add_mail_headers_or_calendar_properties(
    presentation_round, organiser, django_capture_on_commit_callbacks
):
    project = finalist(presentation_round, title=INJECTED, members=[("one@ngo.kz", "kk")])
    slot = SlotFactory(round=presentation_round, project=project, starts_at=at(3, 10))

    with django_capture_on_commit_callbacks(execute=True):
        services.slot_move(slot=slot, starts_at=at(3, 12), actor=organiser)

    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    assert message.message()["Bcc"] is None
    content = message.attachments[0][1]
    content = content.decode() if isinstance(content, bytes) else content
    lines = content.split("\r\n")
    assert not any(line.startswith(("ATTENDEE", "X-INJ", "Bcc")) for line in lines)
    assert "\r" not in content.replace("\r\n", "")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert "ATTENDEE" not in event


# ---------------------------------------------------------------- the public programme


def test_the_public_programme_lists_only_projects_that_still_present(client, presentation_round):
    fair = presentation_round.review.fair
    fair.is_published = True
    fair.save()
    presentation_round.programme_public = True
    presentation_round.save()
    SlotFactory(round=presentation_round, project=finalist(presentation_round, title="Still presenting"))
    demoted = finalist(presentation_round, title="Demoted but public")
    SlotFactory(round=presentation_round, project=demoted, starts_at=at(3, 11))
    Project.objects.filter(pk=demoted.pk).update(state=ProjectState.NOT_SELECTED, is_public=True)
    with translation.override("en"):
        page_url = reverse("presentations:programme", args=[fair.slug])

    page = client.get(page_url).content.decode()

    assert "Still presenting" in page
    assert "Demoted but public" not in page


def test_the_rounds_closing_time_is_shown_and_read_in_almaty_time(organiser_client, presentation_round):
    """The walk saw 19:00 (UTC) for a round closing at midnight in Almaty."""
    closes = services.local_moment(presentation_round.first_day, time(0, 0)) + timedelta(days=5)
    PresentationRound.objects.filter(pk=presentation_round.pk).update(scoring_closes_at=closes)
    with translation.override("kk"):
        page_url = reverse("admin:presentations_presentationround_change", args=[presentation_round.pk])

    page = organiser_client.get(page_url).content.decode()

    shown = timezone.localtime(closes).strftime("%Y-%m-%dT%H:%M")
    assert shown.endswith("T00:00")
    assert f'value="{shown}"' in page
