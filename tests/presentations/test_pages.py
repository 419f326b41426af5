"""The NGO's page of its slot and its .ics, and the fair's public programme."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from presentations import services
from presentations.models import Slot, SlotAnswer, SlotOutcome
from projects.models import ProjectState
from tests.factories.presentations import SlotFactory, finalist
from tests.factories.projects import make_ngo_member

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def url(name: str, lang: str, *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def at(day_offset: int, hour: int, minute: int = 0):
    return services.local_moment(timezone.localdate() + timedelta(days=day_offset), time(hour, minute))


@pytest.fixture
def slot(presentation_round, ngo_owner):
    project = finalist(
        presentation_round, organisation=ngo_owner.memberships.get().organisation, title="Бірге"
    )
    return SlotFactory(round=presentation_round, project=project, starts_at=at(3, 14, 40))


# ---------------------------------------------------------------- the NGO's page


def test_the_ngo_sees_its_slot_and_confirms_it(client, slot, ngo_owner):
    client.force_login(ngo_owner)
    page_url = url("presentations:ngo_slot", "en", slot.project_id)

    page = client.get(page_url).content.decode()
    assert "14:40–14:55" in page
    assert "Hall A" in page
    assert "https://meet.example.kz/jury" in page
    assert url("presentations:ngo_slot_ics", "en", slot.project_id) in page
    # Every input that is seen has a label.
    for input_id in re.findall(r'<textarea[^>]* id="([^"]+)"', page):
        assert f'for="{input_id}"' in page

    sequence = re.search(r'name="confirmed-sequence" value="(\d+)"', page).group(1)
    response = client.post(page_url, {"confirmed-answer": "confirmed", "confirmed-sequence": sequence})

    assert response.status_code == 302
    slot.refresh_from_db()
    assert (slot.answer, slot.answered_by) == (SlotAnswer.CONFIRMED, ngo_owner)


def test_the_ngos_project_page_links_to_its_slot(client, slot, ngo_owner):
    client.force_login(ngo_owner)
    page = client.get(url("projects:project_detail", "en", slot.project_id)).content.decode()
    assert url("presentations:ngo_slot", "en", slot.project_id) in page


def test_asking_for_another_time_without_a_note_is_refused_in_the_pages_language_and_keeps_the_form(
    client, slot, ngo_member
):
    client.force_login(ngo_member)
    page_url = url("presentations:ngo_slot", "kk", slot.project_id)

    response = client.post(page_url, {"swap-answer": "swap", "swap-note": "   ", "swap-sequence": "0"})

    assert response.status_code == 400
    assert "бұл уақыт неге келмейтінін жазыңыз" in response.content.decode()
    slot.refresh_from_db()
    assert slot.answer == SlotAnswer.NONE


def test_an_answer_to_a_time_changed_meanwhile_is_refused_and_keeps_what_was_typed(client, slot, ngo_owner):
    client.force_login(ngo_owner)
    Slot.objects.filter(pk=slot.pk).update(sequence=1)

    response = client.post(
        url("presentations:ngo_slot", "ru", slot.project_id),
        {"swap-answer": "swap", "swap-note": "Лучше во второй половине дня", "swap-sequence": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Организаторы изменили время" in page
    assert "Лучше во второй половине дня</textarea>" in page
    slot.refresh_from_db()
    assert slot.answer == SlotAnswer.NONE


def test_the_calendar_file_is_the_slots_in_the_pages_language(client, slot, ngo_owner):
    client.force_login(ngo_owner)

    response = client.get(url("presentations:ngo_slot_ics", "ru", slot.project_id))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="presentation-{slot.pk}.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(ALMATY) == slot.starts_at
    assert str(event["SUMMARY"]).startswith("Презентация")


@pytest.mark.parametrize("name", ["presentations:ngo_slot", "presentations:ngo_slot_ics"])
def test_anyone_but_the_ngos_members_gets_a_404(client, slot, name, organiser):
    page_url = url(name, "en", slot.project_id)
    assert client.get(page_url).status_code == 302  # to log in

    client.force_login(make_ngo_member(email="stranger@ngo.kz"))
    assert client.get(page_url).status_code == 404
    assert (
        client.post(page_url, {"confirmed-answer": "confirmed", "confirmed-sequence": "0"}).status_code == 404
    )
    slot.refresh_from_db()
    assert slot.answer == SlotAnswer.NONE


def test_a_project_without_a_slot_has_no_presentation_page(client, presentation_round, ngo_owner):
    project = finalist(presentation_round, organisation=ngo_owner.memberships.get().organisation)
    client.force_login(ngo_owner)
    assert client.get(url("presentations:ngo_slot", "en", project.pk)).status_code == 404


# ---------------------------------------------------------------- the public programme


@pytest.fixture
def programme(presentation_round, nominations):
    health, disability = nominations
    SlotFactory(
        round=presentation_round,
        project=finalist(
            presentation_round, nomination=disability, title="Бірге", organisation__name="«Бірге» қоры"
        ),
        starts_at=at(2, 10, 0),
    )
    SlotFactory(
        round=presentation_round,
        project=finalist(presentation_round, nomination=health, title="Health first"),
        starts_at=at(2, 10, 20),
        room="",
    )
    SlotFactory(
        round=presentation_round,
        project=finalist(presentation_round, nomination=health, title="Withdrawn later"),
        starts_at=at(3, 10, 0),
    )
    return presentation_round


def test_the_programme_is_hidden_until_it_is_public(client, programme):
    fair = programme.review.fair
    assert client.get(url("presentations:programme", "en", fair.slug)).status_code == 404
    assert "/programme/" not in client.get(url("catalogue:fair_detail", "en", fair.slug)).content.decode()
    assert "/programme/" not in client.get("/sitemap-programmes.xml").content.decode()

    programme.programme_public = True
    programme.save()  # ends the cached fair page too

    assert client.get(url("presentations:programme", "en", fair.slug)).status_code == 200
    assert (
        url("presentations:programme", "en", fair.slug)
        in client.get(url("catalogue:fair_detail", "en", fair.slug)).content.decode()
    )
    cache.clear()  # the sitemap is cached for an hour
    assert f"/kk/fairs/{fair.slug}/programme/" in client.get("/sitemap-programmes.xml").content.decode()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ("Финалистердің таныстырылым бағдарламасы", "Уақыты", "онлайн")),
        ("ru", ("Программа презентаций финалистов", "Время", "онлайн")),
        ("en", ("Programme of the finalists' presentations", "Time", "online")),
    ],
)
def test_the_programme_lists_each_day_in_order_in_almaty_time(client, programme, lang, words):
    programme.programme_public = True
    programme.save()
    fair = programme.review.fair
    programme.review.fair.projects.filter(title="Withdrawn later").update(state=ProjectState.WITHDRAWN)

    page = client.get(url("presentations:programme", lang, fair.slug)).content.decode()

    for word in words:
        assert word in page
    assert (
        page.index(">10:00</time>")
        < page.index("Бірге")
        < page.index(">10:20</time>")
        < page.index("Health first")
    )
    assert "«Бірге» қоры" in page
    assert "Hall A" in page
    assert "Withdrawn later" not in page
    assert "https://meet.example.kz/jury" not in page  # the jury's call is not for the public
    assert page.count("<h2") == 1  # the one day left, under the h1
    assert '<th scope="col">' in page
    # Project titles carry their project's language (Kazakh here): marked on the ru and en pages.
    assert ('lang="kk"' in page.split("<main")[1]) is (lang != "kk")


def test_the_programme_says_who_presented_once_outcomes_are_set(client, programme):
    programme.programme_public = True
    programme.save()
    fair = programme.review.fair
    slots = list(programme.slots.order_by("starts_at"))
    Slot.objects.filter(pk=slots[0].pk).update(outcome=SlotOutcome.PRESENTED)

    page = client.get(url("presentations:programme", "ru", fair.slug)).content.decode()
    assert "выступил" in page
    assert "Кто выступил" not in page

    for slot in slots[1:]:
        slot.outcome = SlotOutcome.ABSENT
        slot.save()  # the page cache ends with the save
    page = client.get(url("presentations:programme", "ru", fair.slug)).content.decode()
    assert "Кто выступил" in page
    assert "не выступил" in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_programme_costs_the_same_whatever_its_length(
    client, presentation_round, count, django_assert_max_num_queries
):
    presentation_round.programme_public = True
    presentation_round.save()
    for number in range(count):
        SlotFactory(
            round=presentation_round,
            project=finalist(presentation_round, title=f"Project {number}"),
            starts_at=at(2 + number // 20, 10, 0) + timedelta(minutes=20 * (number % 20)),
        )

    with django_assert_max_num_queries(6):
        response = client.get(url("presentations:programme", "en", presentation_round.review.fair.slug))

    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == count + (2 if count > 20 else 1)
