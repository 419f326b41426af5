"""The jurors' presentation pages for everyone who must not score a given slot: the page, the
score POST and the recusal POST all refuse and write nothing (guards)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from jury.models import Recusal
from presentations import permissions, selectors
from presentations.models import PresentationEvaluation
from projects.models import ProjectState
from tests.factories.jury import JurorFactory, review_phase_fair
from tests.factories.presentations_scoring import (
    PresentationCriterionFactory,
    PresentationRoundFactory,
    SlotFactory,
    score_presentation,
)
from tests.factories.projects import MembershipFactory, NominationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def fair_round():
    # `review__fair__slug` would be ignored (the review's fair is a LazyFunction): every URL
    # below would name no fair and answer 404 whoever asked.
    presentation_round = PresentationRoundFactory(review__fair=review_phase_fair(slug="turkistan-2026"))
    criterion = PresentationCriterionFactory(round=presentation_round, position=1)
    nomination = NominationFactory(fair=presentation_round.review.fair, position=1)
    project = ProjectFactory(
        fair=presentation_round.review.fair, nomination=nomination, state=ProjectState.FINALIST
    )
    slot = SlotFactory(round=presentation_round, project=project)
    return presentation_round, criterion, slot


def _outsiders(presentation_round, slot):
    other_round = PresentationRoundFactory(review__fair=review_phase_fair(slug="almaty-2026"))
    other_nomination = NominationFactory(fair=presentation_round.review.fair, position=2)
    narrowed = JurorFactory(review=presentation_round.review)
    narrowed.nominations.add(other_nomination)
    member = JurorFactory(review=presentation_round.review)
    MembershipFactory(organisation=slot.project.organisation, user=member.user)
    in_conflict = JurorFactory(review=presentation_round.review)
    in_conflict.conflict_organisations.add(slot.project.organisation)
    deactivated = JurorFactory(review=presentation_round.review)
    deactivated.user.is_active = False
    deactivated.user.save()
    return {
        # (user, fair slug in the URL, expected status)
        "juror of another fair, own slug": (JurorFactory(review=other_round.review).user, "almaty-2026", 404),
        "juror of another fair, slot's slug": (
            JurorFactory(review=other_round.review).user,
            "turkistan-2026",
            404,
        ),
        "seat of another nomination": (narrowed.user, "turkistan-2026", 404),
        "member of the finalist's NGO": (member.user, "turkistan-2026", 404),
        "declared a conflict with the finalist's NGO": (in_conflict.user, "turkistan-2026", 404),
        "no jury permission": (
            JurorFactory(review=presentation_round.review, in_jury_group=False).user,
            "turkistan-2026",
            403,
        ),
        "deactivated": (deactivated.user, "turkistan-2026", 302),
    }


def test_nobody_who_does_not_hear_the_slot_sees_scores_or_recuses(client, fair_round):
    presentation_round, criterion, slot = fair_round
    # The same URLs open for a juror who hears the slot: the refusals below are about who asks.
    client.force_login(JurorFactory(review=presentation_round.review).user)
    assert client.get(url("presentations:jury_slot", "turkistan-2026", slot.pk)).status_code == 200
    assert client.get(url("presentations:jury_recuse", "turkistan-2026", slot.pk)).status_code == 200
    client.logout()
    for who, (user, slug, expected) in _outsiders(presentation_round, slot).items():
        client.force_login(user)
        page = url("presentations:jury_slot", slug, slot.pk)
        recuse = url("presentations:jury_recuse", slug, slot.pk)

        assert client.get(page).status_code == expected, who
        assert client.post(page, {f"criterion_{criterion.pk}": "7"}).status_code == expected, who
        assert client.post(recuse, {"reason": "x", "confirm": "on"}).status_code == expected, who
        client.logout()

    assert not PresentationEvaluation.objects.exists()
    assert not Recusal.objects.exists()


def test_a_recused_juror_cannot_score_by_posting(client, fair_round):
    presentation_round, criterion, slot = fair_round
    seat = JurorFactory(review=presentation_round.review)
    Recusal.objects.create(juror=seat, project=slot.project, reason="Ағам")
    client.force_login(seat.user)

    response = client.post(
        url("presentations:jury_slot", "turkistan-2026", slot.pk), {f"criterion_{criterion.pk}": "7"}
    )

    assert "You declared a conflict of interest" in response.content.decode()
    assert not PresentationEvaluation.objects.exists()
    # The same POST by a juror who did not recuse is saved: the refusal is the recusal's.
    other = JurorFactory(review=presentation_round.review)
    client.force_login(other.user)
    client.post(url("presentations:jury_slot", "turkistan-2026", slot.pk), {f"criterion_{criterion.pk}": "7"})
    assert PresentationEvaluation.objects.filter(juror=other).exists()


def test_a_conflict_declared_with_the_finalists_ngo_keeps_the_juror_from_its_presentation(fair_round):
    # The conflict the organisers record on the juror's seat (`Juror.conflict_organisations`) bars
    # the NGO's projects in the reading round; the presentation round honours it too: not in the
    # programme, not scored, and a score given before the conflict was recorded does not count.
    presentation_round, _criterion, slot = fair_round
    seat = JurorFactory(review=presentation_round.review)
    score_presentation(seat, slot, 7)
    assert [row[1] for row in selectors.counted_scores(presentation_round)] == [seat.pk]

    seat.conflict_organisations.add(slot.project.organisation)

    assert selectors.counted_scores(presentation_round) == []
    assert list(selectors.heard_slots(seat, presentation_round)) == []
    assert not permissions.seat_hears(seat, slot)
    with pytest.raises(PermissionDenied):
        score_presentation(seat, slot, 8)
