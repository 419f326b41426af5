"""A juror scores the finalists' presentations: the window, who may, recusals, the pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jury.models import Evaluation, Recusal
from jury.selectors import ranking
from presentations import permissions, selectors
from presentations.models import PresentationEvaluation, PresentationScore, SlotOutcome
from presentations.scoring import presentation_evaluation_save, presentation_recusal_declare
from projects.models import ProjectState
from tests.factories.jury import CriterionFactory, JurorFactory, review_phase_fair, score
from tests.factories.presentations_scoring import (
    PresentationCriterionFactory,
    PresentationRoundFactory,
    SlotFactory,
    score_presentation,
)
from tests.factories.projects import MembershipFactory, NominationFactory, ProjectFactory
from tests.race import at_once, raised

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages are matched in English (outside a request, Kazakh is active)."""
    with translation.override("en"):
        yield


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def round_():
    return PresentationRoundFactory(review__fair=review_phase_fair(slug="turkistan-2026"))


@pytest.fixture
def criteria(round_):
    return [
        PresentationCriterionFactory(round=round_, title_en="Clarity", position=1),
        PresentationCriterionFactory(round=round_, title_en="Answers", scale_max=5, position=2),
    ]


@pytest.fixture
def nominations(round_):
    return [
        NominationFactory(fair=round_.review.fair, title_en="Disability", position=1),
        NominationFactory(fair=round_.review.fair, title_en="Health", position=2),
    ]


@pytest.fixture
def slot(round_, criteria, nominations):
    project = ProjectFactory(
        fair=round_.review.fair, nomination=nominations[0], state=ProjectState.FINALIST, title="Ашық есік"
    )
    return SlotFactory(round=round_, project=project)


@pytest.fixture
def seat(round_):
    return JurorFactory(review=round_.review)


# ---------------------------------------------------------------- the window


def test_a_juror_scores_a_presentation_and_changes_it(seat, slot, criteria):
    score_presentation(seat, slot, 7, 4, comment="Жақсы")
    score_presentation(seat, slot, 9, 5)

    evaluation = PresentationEvaluation.objects.get(juror=seat, slot=slot)
    assert sorted(evaluation.scores.values_list("value", flat=True)) == [5, 9]
    assert evaluation.comment == ""


def test_a_presentation_cannot_be_scored_before_it_begins(seat, slot, criteria):
    slot.starts_at = timezone.now() + timedelta(minutes=30)
    slot.ends_at = slot.starts_at + timedelta(minutes=15)
    slot.save()

    with pytest.raises(ValidationError, match="not begun") as error:
        score_presentation(seat, slot, 7, 4)
    assert error.value.code == "not_started"
    assert not PresentationEvaluation.objects.exists()


def test_scoring_stops_when_the_rounds_scoring_closes(seat, slot, criteria, round_):
    score_presentation(seat, slot, 7, 4)
    round_.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    round_.save()

    with pytest.raises(ValidationError) as error:
        score_presentation(seat, slot, 9, 5)
    assert error.value.code == "closed"
    assert sorted(PresentationScore.objects.values_list("value", flat=True)) == [4, 7]


def test_a_finalist_who_did_not_present_cannot_be_scored(seat, slot, criteria):
    slot.outcome = SlotOutcome.ABSENT
    slot.save()

    with pytest.raises(ValidationError) as error:
        score_presentation(seat, slot, 7, 4)
    assert error.value.code == "absent"


def test_every_criterion_needs_a_score_within_its_scale(seat, slot, criteria):
    with pytest.raises(ValidationError, match="run from 1 to 5"):
        score_presentation(seat, slot, 7, 6)
    with pytest.raises(ValidationError, match="every criterion"):
        presentation_evaluation_save(juror=seat, slot=slot, answers={criteria[0].pk: 7}, comment="")


# ---------------------------------------------------------------- who may


def test_a_recused_juror_cannot_score(seat, slot, criteria):
    Recusal.objects.create(juror=seat, project=slot.project, reason="Менің ағам")

    with pytest.raises(ValidationError, match="conflict of interest") as error:
        score_presentation(seat, slot, 7, 4)
    assert error.value.code == "recused"


def test_a_member_of_the_finalists_ngo_cannot_score_it(seat, slot, criteria):
    MembershipFactory(organisation=slot.project.organisation, user=seat.user)

    assert permissions.seat_hears(seat, slot) is False
    with pytest.raises(PermissionDenied):
        score_presentation(seat, slot, 7, 4)


def test_a_seat_hears_only_its_nominations(round_, slot, criteria, nominations):
    health = JurorFactory(review=round_.review, nominations=[nominations[1]])
    disability = JurorFactory(review=round_.review, nominations=[nominations[0]])

    assert permissions.seat_hears(health, slot) is False
    assert permissions.seat_hears(disability, slot) is True
    with pytest.raises(PermissionDenied):
        score_presentation(health, slot, 7, 4)
    score_presentation(disability, slot, 7, 4)


def test_a_juror_of_another_fair_cannot_score(slot, criteria):
    stranger = JurorFactory()

    with pytest.raises(PermissionDenied):
        score_presentation(stranger, slot, 7, 4)


def test_a_juror_without_the_jury_permission_cannot_score(round_, slot, criteria):
    outsider = JurorFactory(review=round_.review, in_jury_group=False)

    with pytest.raises(PermissionDenied):
        score_presentation(outsider, slot, 7, 4)


# ---------------------------------------------------------------- recusal


def test_a_recusal_from_the_presentation_removes_its_scores_and_the_reading_marks_stop_counting(
    round_, seat, slot, criteria
):
    reading = CriterionFactory(review=round_.review)
    score(seat, slot.project, [reading], 9)
    score_presentation(seat, slot, 7, 4)

    recusal = presentation_recusal_declare(juror=seat, slot=slot, reason="Мен осы ҮЕҰ-ға кеңес беремін")

    assert recusal.project == slot.project
    assert not PresentationEvaluation.objects.exists()
    # The reading evaluation stays stored, but the jury's ranking leaves the recused pair out.
    assert Evaluation.objects.filter(juror=seat, project=slot.project).exists()
    assert ranking(round_.review)[0].jurors_scored == 0
    with pytest.raises(ValidationError, match="You declared a conflict"):
        presentation_recusal_declare(juror=seat, slot=slot, reason="Тағы")


def test_a_recusal_needs_a_reason_and_an_open_round(round_, seat, slot, criteria):
    with pytest.raises(ValidationError, match="Say briefly"):
        presentation_recusal_declare(juror=seat, slot=slot, reason="  ")
    round_.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    round_.save()
    with pytest.raises(ValidationError, match="closed"):
        presentation_recusal_declare(juror=seat, slot=slot, reason="Ағам")
    assert not Recusal.objects.exists()


# ---------------------------------------------------------------- a double submit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_submit_leaves_one_evaluation_with_one_saves_scores(seat, slot, criteria):
    outcomes = at_once(lambda value: score_presentation(seat, slot, value, 3), [(v,) for v in range(4, 10)])

    assert raised(outcomes) == []
    evaluation = PresentationEvaluation.objects.get(juror=seat, slot=slot)
    assert evaluation.scores.count() == 2
    assert PresentationScore.objects.count() == 2


# ---------------------------------------------------------------- the pages


def test_the_programme_shows_the_days_presentations_in_order_with_the_jurors_status(
    client, round_, seat, criteria, nominations
):
    now = timezone.now()
    fair = round_.review.fair
    first = SlotFactory(
        round=round_,
        project=ProjectFactory(
            fair=fair, nomination=nominations[0], state=ProjectState.FINALIST, title="Бірінші"
        ),
        starts_at=now - timedelta(minutes=40),
        room="Үлкен зал",
    )
    SlotFactory(
        round=round_,
        project=ProjectFactory(
            fair=fair, nomination=nominations[1], state=ProjectState.FINALIST, title="Кейінгі"
        ),
        starts_at=now + timedelta(minutes=1),
    )
    tomorrow = SlotFactory(
        round=round_,
        project=ProjectFactory(
            fair=fair, nomination=nominations[1], state=ProjectState.FINALIST, title="Ертең"
        ),
        starts_at=now + timedelta(days=1),
    )
    own = SlotFactory(
        round=round_,
        project=ProjectFactory(
            fair=fair, nomination=nominations[0], state=ProjectState.FINALIST, title="Өз ҮЕҰ"
        ),
    )
    MembershipFactory(organisation=own.project.organisation, user=seat.user)
    score_presentation(seat, first, 7, 4)
    client.force_login(seat.user)

    page = client.get(url("presentations:jury_programme", fair.slug)).content.decode()

    assert page.index("Бірінші") < page.index("Кейінгі")
    assert "Ертең" not in page
    assert "Өз ҮЕҰ" not in page
    assert timezone.localtime(first.starts_at).strftime("%H:%M") in page
    assert "Үлкен зал" in page
    assert "Scored" in page
    assert "Not begun" in page
    day = timezone.localtime(tomorrow.starts_at).date().isoformat()
    assert f"?day={day}" in page
    other_day = client.get(url("presentations:jury_programme", fair.slug) + f"?day={day}").content.decode()
    assert "Ертең" in other_day
    assert "Бірінші" not in other_day


def test_the_dashboard_links_to_the_programme_when_the_review_has_a_round(client, round_, seat):
    client.force_login(seat.user)

    page = client.get(url("jury:dashboard")).content.decode()

    assert url("presentations:jury_programme", round_.review.fair.slug) in page


def test_the_dashboard_has_no_programme_link_without_a_round(client, juror):
    client.force_login(juror.user)

    assert "/jury/presentations/" not in client.get(url("jury:dashboard")).content.decode()


def test_the_scoring_page_saves_and_returns_to_the_day(client, seat, slot, criteria):
    client.force_login(seat.user)
    page = url("presentations:jury_slot", slot.round.review.fair.slug, slot.pk)

    shown = client.get(page).content.decode()
    response = client.post(page, {f"criterion_{criteria[0].pk}": "8", f"criterion_{criteria[1].pk}": "5"})

    assert "Ашық есік" in shown
    assert slot.project.summary in shown
    assert "Clarity" in shown
    assert response.status_code == 302
    assert "?day=" in response["Location"]
    assert sorted(PresentationScore.objects.values_list("value", flat=True)) == [5, 8]


def test_the_scoring_page_says_why_it_cannot_be_scored_yet(client, seat, slot, criteria):
    slot.starts_at = timezone.now() + timedelta(hours=2)
    slot.ends_at = slot.starts_at + timedelta(minutes=15)
    slot.save()
    client.force_login(seat.user)
    page = url("presentations:jury_slot", slot.round.review.fair.slug, slot.pk)

    shown = client.get(page).content.decode()
    client.post(page, {f"criterion_{criteria[0].pk}": "8", f"criterion_{criteria[1].pk}": "5"})

    assert "has not begun yet" in shown
    assert '<form method="post"' not in shown.split("scores-title")[1]
    assert not PresentationEvaluation.objects.exists()


def test_the_finalists_own_ngo_member_gets_404(client, seat, slot, criteria):
    MembershipFactory(organisation=slot.project.organisation, user=seat.user)
    client.force_login(seat.user)

    response = client.get(url("presentations:jury_slot", slot.round.review.fair.slug, slot.pk))

    assert response.status_code == 404


def test_a_recused_juror_sees_that_they_recused_and_nothing_of_the_project(client, seat, slot, criteria):
    Recusal.objects.create(juror=seat, project=slot.project, reason="Ағам")
    client.force_login(seat.user)

    shown = client.get(url("presentations:jury_slot", slot.round.review.fair.slug, slot.pk)).content.decode()

    assert "You declared a conflict of interest" in shown
    assert "Ашық есік" not in shown
    assert slot.project.summary not in shown


def test_a_juror_declares_a_conflict_from_the_presentation_page(client, seat, slot, criteria):
    score_presentation(seat, slot, 7, 4)
    client.force_login(seat.user)
    page = url("presentations:jury_recuse", slot.round.review.fair.slug, slot.pk)

    assert client.post(page, {"reason": "Ағам сонда жұмыс істейді"}).status_code == 200  # not confirmed
    response = client.post(page, {"reason": "Ағам сонда жұмыс істейді", "confirm": "on"})

    assert response.status_code == 302
    assert Recusal.objects.get(juror=seat).project == slot.project
    assert not PresentationEvaluation.objects.exists()


def test_the_pages_speak_kazakh_and_russian(client, seat, slot, criteria):
    client.force_login(seat.user)
    fair = slot.round.review.fair

    kk = client.get(url("presentations:jury_programme", fair.slug, language="kk")).content.decode()
    ru = client.get(url("presentations:jury_slot", fair.slug, slot.pk, language="ru")).content.decode()

    assert "Таныстырылымдар" in kk
    assert "Ваши оценки выступления" in ru


def test_someone_without_a_seat_gets_nothing(client, slot, criteria, ngo_owner):
    client.force_login(ngo_owner)

    assert client.get(url("presentations:jury_programme", slot.round.review.fair.slug)).status_code == 403


def test_the_programme_reads_a_constant_number_of_queries(
    seat, round_, criteria, nominations, django_assert_max_num_queries
):
    for index in range(12):
        SlotFactory(
            round=round_,
            project=ProjectFactory(
                fair=round_.review.fair, nomination=nominations[index % 2], state=ProjectState.FINALIST
            ),
            starts_at=timezone.now() - timedelta(minutes=20 * index),
        )
    with django_assert_max_num_queries(5):
        days = selectors.programme(seat, round_, now=timezone.now())
    assert sum(len(day.items) for day in days) == 12
