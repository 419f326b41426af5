"""The organisers' admin: open a round, preview and apply the schedule, the slots with the NGOs'
answers, the outcome actions, move and swap; in kk and ru, a label on every input."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from presentations import services
from presentations.models import (
    PresentationEvaluation,
    PresentationRound,
    PresentationScore,
    Slot,
    SlotAnswer,
    SlotOutcome,
)
from tests.factories.accounts import make_organiser
from tests.factories.jury import CriterionFactory, JurorFactory
from tests.factories.presentations import SlotFactory, finalist, shortlisted_review
from tests.test_admin_translations import unlabelled_inputs

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"admin:presentations_{name}", args=args or None)


def at(day_offset: int, hour: int, minute: int = 0):
    return services.local_moment(timezone.localdate() + timedelta(days=day_offset), time(hour, minute))


@pytest.mark.parametrize(
    ("lang", "title"), [("kk", "Таныстырылым кезеңін ашу"), ("ru", "Открыть тур презентаций")]
)
def test_an_organiser_opens_a_round_from_a_review_with_an_applied_shortlist(organiser_client, lang, title):
    review = shortlisted_review()
    CriterionFactory(review=review)
    page_url = admin_url("presentationround_open", lang=lang)

    page = organiser_client.get(page_url).content.decode()
    assert title in page
    assert unlabelled_inputs(page) == []
    assert str(review.fair) in page

    first_day = timezone.localdate() + timedelta(days=5)
    response = organiser_client.post(
        page_url,
        {
            "review": review.pk,
            "first_day": first_day.isoformat(),
            "days": "2",
            "day_starts_at": "10:00",
            "day_ends_at": "18:00",
            "slot_minutes": "15",
            "gap_minutes": "5",
            "room": "Hall A",
            "video_link": "",
            "reading_weight": "40",
            "scoring_closes_at": "",
            "copy_reading_criteria": "on",
        },
    )

    presentation_round = PresentationRound.objects.get(review=review)
    assert response.status_code == 302
    assert response["Location"] == admin_url("presentationround_schedule", presentation_round.pk, lang=lang)
    assert presentation_round.criteria.count() == 1
    # Once open, the review is no longer offered.
    assert str(review.fair) not in organiser_client.get(page_url).content.decode()


def test_bad_times_come_back_in_the_organisers_words_with_what_was_typed(organiser_client):
    review = shortlisted_review()
    response = organiser_client.post(
        admin_url("presentationround_open", lang="ru"),
        {
            "review": review.pk,
            "first_day": timezone.localdate().isoformat(),
            "days": "1",
            "day_starts_at": "18:00",
            "day_ends_at": "10:00",
            "slot_minutes": "15",
            "gap_minutes": "5",
            "room": "Зал Достық",
            "reading_weight": "40",
        },
    )
    page = response.content.decode()
    assert "Презентации должны начинаться раньше, чем заканчиваться." in page
    assert 'value="Зал Достық"' in page
    assert not PresentationRound.objects.exists()


def test_the_schedule_is_previewed_then_applied(
    organiser_client, presentation_round, django_capture_on_commit_callbacks
):
    finalist(presentation_round, title="Бірге", members=[("a@ngo.kz", "kk")])
    finalist(presentation_round, title="Әлем")
    page_url = admin_url("presentationround_schedule", presentation_round.pk, lang="kk")

    preview = organiser_client.get(page_url).content.decode()
    assert "Ұсынылған кесте" in preview
    assert preview.index("Бірге") < preview.index("Әлем")  # the Kazakh alphabet, not the code points
    expected = re.search(r'name="expected" value="([0-9,]+)"', preview).group(1)
    assert not Slot.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(page_url, {"expected": expected, "apply": "1"})

    assert response.status_code == 302
    assert Slot.objects.count() == 2
    assert [message.to for message in mail.outbox] == [["a@ngo.kz"]]
    slots = organiser_client.get(response["Location"]).content.decode()
    assert "Бірге" in slots
    assert "Әлем" in slots


def test_the_schedule_page_says_why_the_finalists_do_not_fit(organiser_client, presentation_round):
    PresentationRound.objects.filter(pk=presentation_round.pk).update(days=1, day_ends_at=time(10, 30))
    for number in range(3):
        finalist(presentation_round, title=f"P{number}")

    page = organiser_client.get(
        admin_url("presentationround_schedule", presentation_round.pk, lang="ru")
    ).content.decode()

    assert "3 финалистам нужно 1 ч; 1 день по 30 мин вмещает 1." in page
    assert 'name="apply"' not in page


def test_the_slots_list_shows_answers_filters_by_them_and_records_outcomes(
    organiser_client, presentation_round
):
    confirmed = SlotFactory(
        round=presentation_round, starts_at=at(0, 0, 0) + timedelta(minutes=1), answer=SlotAnswer.CONFIRMED
    )
    swap = SlotFactory(
        round=presentation_round,
        starts_at=at(1, 11),
        answer=SlotAnswer.SWAP,
        answer_note="После обеда, пожалуйста",
    )
    changelist = admin_url("slot_changelist", lang="kk")

    page = organiser_client.get(changelist).content.decode()
    assert "После обеда, пожалуйста" in page
    assert "басқа уақыт сұрады" in page
    filtered = organiser_client.get(changelist, {"answer__exact": "swap"}).content.decode()
    assert swap.project.title in filtered
    assert confirmed.project.title not in filtered

    organiser_client.post(
        changelist, {"action": "mark_presented", "_selected_action": [confirmed.pk, swap.pk]}, follow=True
    )

    confirmed.refresh_from_db()
    swap.refresh_from_db()
    assert (confirmed.outcome, swap.outcome) == (
        SlotOutcome.PRESENTED,
        SlotOutcome.SCHEDULED,
    )  # tomorrow's waits


def test_an_organiser_moves_and_swaps_slots_from_their_pages(organiser_client, presentation_round):
    a = SlotFactory(round=presentation_round, starts_at=at(1, 10, 0))
    b = SlotFactory(round=presentation_round, starts_at=at(1, 10, 20))
    move_url = admin_url("slot_move", a.pk, lang="ru")

    page = organiser_client.get(move_url).content.decode()
    assert unlabelled_inputs(page) == []
    clash = organiser_client.post(
        move_url, {"starts_at": at(1, 10, 25).strftime("%Y-%m-%dT%H:%M"), "room": "Hall A"}
    )
    assert "пересекается с презентацией" in clash.content.decode()

    assert (
        organiser_client.post(
            move_url, {"starts_at": (at(1, 12, 0)).strftime("%Y-%m-%dT%H:%M"), "room": "Hall A"}
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert timezone.localtime(a.starts_at).time() == time(12, 0)

    swap_url = admin_url("slot_swap", a.pk, lang="ru")
    assert unlabelled_inputs(organiser_client.get(swap_url).content.decode()) == []
    assert organiser_client.post(swap_url, {"other": b.pk}).status_code == 302
    a.refresh_from_db()
    assert timezone.localtime(a.starts_at).time() == time(10, 20)


def test_people_without_the_organisers_rights_get_no_pages(client, presentation_round, ngo_owner):
    client.force_login(ngo_owner)
    for url in (
        admin_url("presentationround_open"),
        admin_url("presentationround_schedule", presentation_round.pk),
    ):
        assert client.get(url).status_code in (302, 403)


def test_a_criterion_jurors_scored_is_not_deleted_from_the_rounds_page(organiser_client, presentation_round):
    criterion = presentation_round.criteria.create(title_kk="Өлшем", title_ru="Критерий", position=1)
    slot = SlotFactory(round=presentation_round)
    evaluation = PresentationEvaluation.objects.create(
        juror=JurorFactory(review=presentation_round.review), slot=slot
    )
    PresentationScore.objects.create(evaluation=evaluation, criterion=criterion, value=7)
    page_url = admin_url("presentationround_change", presentation_round.pk, lang="ru")
    form = {
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
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 1,
        "criteria-0-id": criterion.pk,
        "criteria-0-round": presentation_round.pk,
        "criteria-0-title_kk": "Өлшем",
        "criteria-0-title_ru": "Критерий",
        "criteria-0-weight": "1",
        "criteria-0-scale_max": "10",
        "criteria-0-position": "1",
        "criteria-0-DELETE": "on",
    }

    response = organiser_client.post(page_url, form)

    assert response.status_code == 200
    assert "нельзя удалить" in response.content.decode()
    assert presentation_round.criteria.filter(pk=criterion.pk).exists()


def test_applying_names_the_finalist_ngos_no_email_reaches(
    organiser_client, presentation_round, django_capture_on_commit_callbacks
):
    """The walk found "each finalist NGO is told by e-mail" shown when 18 of 24 had no account."""
    finalist(presentation_round, title="Бірге", members=[("a@ngo.kz", "kk")])
    silent = finalist(presentation_round, title="Әлем", organisation__name="Қамқор қоры")
    page_url = admin_url("presentationround_schedule", presentation_round.pk)
    expected = re.search(
        r'name="expected" value="([0-9,]+)"', organiser_client.get(page_url).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(page_url, {"expected": expected.group(1), "apply": "1"}, follow=True)

    html = response.content.decode()
    assert "1 NGO has no account on the portal and was not e-mailed; tell it yourselves: Қамқор қоры." in html
    assert "The programme is not public yet" in html
    assert silent.organisation.name == "Қамқор қоры"


def test_the_reviews_page_leads_to_the_presentation_round_after_the_shortlist(organiser_client):
    """The walk found no way from the shortlist to the next step but the admin's side bar."""
    review = shortlisted_review()
    with translation.override("en"):
        review_page = reverse("admin:jury_review_change", args=[review.pk])

    html = organiser_client.get(review_page).content.decode()
    link = admin_url("presentationround_open") + f"?review={review.pk}"
    assert f'href="{link}"' in html
    form = organiser_client.get(link).content.decode()
    assert re.search(rf'<option value="{review.pk}" selected>', form)

    services.round_open(review=review, actor=make_organiser("second@fair.kz"), first_day=timezone.localdate())
    html = organiser_client.get(review_page).content.decode()
    assert admin_url("presentationround_change", review.presentation_round.pk) in html
    assert "?review=" not in html


def test_the_schedule_page_offers_the_late_finalists_the_first_free_times(
    organiser_client, presentation_round, organiser
):
    finalist(presentation_round, title="Бірге")
    services.schedule_apply(round=presentation_round, actor=organiser)
    late = finalist(presentation_round, title="Кеш келген")
    page_url = admin_url("presentationround_schedule", presentation_round.pk, lang="kk")

    page = organiser_client.get(page_url).content.decode()
    assert re.search(r'id="late-finalists">.*Кеш келген', page, re.S)

    response = organiser_client.post(page_url, {"add_late": "1"})

    assert response.status_code == 302
    assert Slot.objects.filter(project=late).exists()
    assert 'id="late-finalists"' not in organiser_client.get(page_url).content.decode()


def test_the_slots_list_costs_the_same_whatever_the_number_of_rounds(
    organiser_client, django_assert_max_num_queries
):
    # The "round" filter in the sidebar names each round by its fair: read with the rounds,
    # not two queries (review, fair) for every round of every year.
    SlotFactory()
    page_url = admin_url("slot_changelist")
    organiser_client.get(page_url)  # warm the session, permissions and content types
    with django_assert_max_num_queries(50) as one_round:
        assert organiser_client.get(page_url).status_code == 200
    rounds = [SlotFactory().round for _index in range(4)]

    with django_assert_max_num_queries(len(one_round.captured_queries)):
        page = organiser_client.get(page_url).content.decode()
    for presentation_round in rounds:
        assert f"round__id__exact={presentation_round.pk}" in page
        assert str(presentation_round.review.fair) in page
