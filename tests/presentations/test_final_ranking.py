"""The final ranking: both rounds on 0–100, weighed, per nomination; its page, protocol and the
jury prizes proposed from it. Every expected number is worked out by hand in the comments."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from awards import services as award_services
from awards.models import Award, AwardKind
from jury import selectors as jury_selectors
from jury.models import Normalisation, Recusal
from presentations.models import SlotOutcome
from presentations.selectors import Missing, final_ranking
from projects.models import ProjectState
from tests.factories.accounts import make_organiser
from tests.factories.awards import CeremonyFactory
from tests.factories.jury import CriterionFactory, JurorFactory, score
from tests.factories.presentations_scoring import (
    PresentationCriterionFactory,
    PresentationRoundFactory,
    SlotFactory,
    score_presentation,
)
from tests.factories.projects import NominationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


class Fair:
    """Three jurors of the whole fair; reading: one criterion 1–10; presentation: clarity 1–10
    weighing 2 and answers 1–5 weighing 1."""

    def __init__(self, **round_fields):
        self.round = PresentationRoundFactory(**round_fields)
        self.review = self.round.review
        self.fair = self.review.fair
        self.nominations = [
            NominationFactory(fair=self.fair, title_en="Disability", position=1),
            NominationFactory(fair=self.fair, title_en="Health", position=2),
        ]
        self.reading = [CriterionFactory(review=self.review)]
        self.criteria = [
            PresentationCriterionFactory(round=self.round, weight=Decimal("2"), scale_max=10, position=1),
            PresentationCriterionFactory(round=self.round, weight=Decimal("1"), scale_max=5, position=2),
        ]
        self.jurors = [JurorFactory(review=self.review) for _ in range(3)]

    def finalist(self, title, *, nomination=0, reading=(), presented=True):
        project = ProjectFactory(
            fair=self.fair, nomination=self.nominations[nomination], state=ProjectState.FINALIST, title=title
        )
        for juror, value in zip(self.jurors, reading, strict=False):
            if value is not None:
                score(juror, project, self.reading, value)
        slot = SlotFactory(round=self.round, project=project)
        if not presented:
            slot.outcome = SlotOutcome.ABSENT
            slot.save()
        return project, slot

    def present(self, slot, *marks, now=None):
        """marks: (clarity, answers) per juror in order, None for a juror who did not score."""
        for juror, mark in zip(self.jurors, marks, strict=False):
            if mark is not None:
                score_presentation(juror, slot, *mark, now=now)


def rows_by_title(ranking):
    return {row.project.title: row for row in ranking.rows}


@pytest.fixture
def fair():
    """X: reading (10 + 7) / 2 = 8.5 → 7.5 × 100 / 9 = 250/3.
       Presentation, juror 1: clarity 10 → 100, answers 3 → 50: (2 × 100 + 50) / 3 = 250/3;
       juror 2: clarity 1 → 0, answers 5 → 100: 100/3; mean 175/3 over 2 jurors.
       Combined 40 % × 250/3 + 60 % × 175/3 = 100/3 + 35 = 205/3.
    Y: reading 4 → 3 × 100 / 9 = 100/3. Presentation by juror 3 alone: clarity 7 → 200/3,
       answers 4 → 75: (400/3 + 75) / 3 = 625/9. Combined 40/3 + 125/3 = 55.
    Z: reading 10 → 100, but did not present."""
    fair = Fair()
    _x, x_slot = fair.finalist("X", reading=(10, 7))
    _y, y_slot = fair.finalist("Y", reading=(4,))
    fair.finalist("Z", reading=(10,), presented=False)
    fair.present(x_slot, (10, 3), (1, 5))
    fair.present(y_slot, None, None, (7, 4))
    return fair


def test_both_rounds_on_0_to_100_weighed_40_60(fair):
    rows = rows_by_title(final_ranking(fair.round))

    x, y = rows["X"], rows["Y"]
    assert (x.reading, x.presentation, x.presentation_jurors) == (Fraction(250, 3), Fraction(175, 3), 2)
    assert x.combined == Fraction(205, 3)
    assert (y.reading, y.presentation, y.presentation_jurors) == (Fraction(100, 3), Fraction(625, 9), 1)
    assert y.combined == 55
    assert (x.rank, y.rank) == (1, 2)


def test_a_finalist_who_did_not_present_is_ranked_after_those_who_did_and_flagged(fair):
    z = rows_by_title(final_ranking(fair.round))["Z"]

    assert z.reading == 100  # the best reading score of the three
    assert z.presentation is None
    assert z.combined is None
    assert z.rank == 3
    assert not z.complete
    assert z.missing == [Missing.ABSENT]


def test_presentations_scored_before_the_finalist_was_marked_absent_do_not_count(fair):
    x_slot = rows_by_title(final_ranking(fair.round))["X"].slot
    x_slot.outcome = SlotOutcome.ABSENT
    x_slot.save()

    x = rows_by_title(final_ranking(fair.round))["X"]

    assert x.presentation is None
    assert x.missing == [Missing.ABSENT]
    assert x.rank == 3


def test_weights_100_0_rank_by_reading_alone_and_nobody_is_placed_after(fair):
    fair.round.reading_weight, fair.round.presentation_weight = 100, 0
    fair.round.save()

    rows = rows_by_title(final_ranking(fair.round))

    assert rows["Z"].combined == 100
    assert rows["Z"].complete
    assert rows["Z"].rank == 1
    assert rows["X"].combined == Fraction(250, 3)
    assert rows["X"].rank == 2
    assert rows["Y"].combined == Fraction(100, 3)
    assert rows["Y"].rank == 3


def test_weights_0_100_rank_by_presentation_alone(fair):
    fair.round.reading_weight, fair.round.presentation_weight = 0, 100
    fair.round.save()

    rows = rows_by_title(final_ranking(fair.round))

    assert rows["Y"].combined == Fraction(625, 9)
    assert rows["Y"].rank == 1
    assert rows["X"].combined == Fraction(175, 3)
    assert rows["X"].rank == 2
    assert rows["Z"].rank == 3
    assert rows["Z"].combined is None


def test_the_mean_is_over_the_jurors_who_scored_a_recused_juror_does_not_count(fair):
    x_slot = rows_by_title(final_ranking(fair.round))["X"].slot
    Recusal.objects.create(juror=fair.jurors[1], project=x_slot.project, reason="Ағам")

    x = rows_by_title(final_ranking(fair.round))["X"]

    # Juror 2 goes from both rounds: reading 10 → 100; presentation 250/3 by juror 1 alone.
    assert (x.reading, x.presentation, x.presentation_jurors) == (100, Fraction(250, 3), 1)


def test_a_seat_narrowed_to_another_nomination_no_longer_counts(fair):
    fair.jurors[2].nominations.set([fair.nominations[1]])

    y = rows_by_title(final_ranking(fair.round))["Y"]

    assert y.presentation is None
    assert y.missing == [Missing.NOT_SCORED]
    assert y.rank == 3


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    fair = Fair()
    slots = [fair.finalist(title, reading=(8,))[1] for title in ("A", "B", "C")]
    fair.present(slots[0], (9, 4))
    fair.present(slots[1], (9, 4))
    fair.present(slots[2], (5, 4))

    rows = rows_by_title(final_ranking(fair.round))

    assert (rows["A"].rank, rows["A"].tied, rows["B"].rank, rows["B"].tied) == (1, True, 1, True)
    assert (rows["C"].rank, rows["C"].tied) == (3, False)


def test_ranks_are_per_nomination():
    fair = Fair()
    _p, first = fair.finalist("First of health", nomination=1, reading=(2,))
    _q, second = fair.finalist("First of disability", nomination=0, reading=(9,))
    fair.present(first, (2, 2))
    fair.present(second, (9, 5))

    ranking = final_ranking(fair.round)

    assert [group.nomination.title for group in ranking.groups] == ["Disability", "Health"]
    assert [[row.rank for row in group.rows] for group in ranking.groups] == [[1], [1]]
    only = final_ranking(fair.round, nomination=fair.nominations[1])
    assert [row.project.title for row in only.rows] == ["First of health"]


def test_the_z_score_basis_uses_the_jurys_normalised_score():
    """Juror 1 is harsh (1–5), juror 2 lenient (6–10) and reverses the order of the first two."""
    fair = Fair()
    fair.review.shortlist_basis = Normalisation.ZSCORE
    fair.review.save()
    harsh = (1, 2, 3, 4, 5)
    lenient = (10, 6, 7, 8, 9)
    for index, (one, two) in enumerate(zip(harsh, lenient, strict=True)):
        _project, slot = fair.finalist(f"P{index}", reading=(one, two))
        fair.present(slot, (5, 3))

    ranking = final_ranking(fair.round)
    jury = {row.project.title: row for row in jury_selectors.ranking(fair.review, with_normalised=True)}

    assert ranking.normalised
    for row in ranking.rows:
        normalised = Fraction(str(jury[row.project.title].normalised_score))
        assert row.reading_score == jury[row.project.title].normalised_score
        assert row.reading == (normalised - 1) * 100 / 9
    assert any(row.reading != (jury[row.project.title].score - 1) * 100 / 9 for row in ranking.rows)


@pytest.mark.parametrize("finalists", [3, 12])
def test_the_final_ranking_reads_a_constant_number_of_queries(finalists, django_assert_max_num_queries):
    fair = Fair()
    fair.review.shortlist_basis = Normalisation.ZSCORE
    fair.review.save()
    for index in range(finalists):
        _project, slot = fair.finalist(f"P{index}", nomination=index % 2, reading=(index % 10 + 1, 5, 6))
        fair.present(slot, (index % 10 + 1, 3), (4, 4))
    round_ = type(fair.round).objects.select_related("review__fair").get(pk=fair.round.pk)

    with django_assert_max_num_queries(11):
        ranking = final_ranking(round_)
        assert len(ranking.rows) == finalists


# ---------------------------------------------------------------- the organisers' page and protocol


@pytest.fixture
def ceremony(fair):
    return CeremonyFactory(fair=fair.fair)


def test_the_organisers_page_explains_the_weights_and_shows_each_round(organiser_client, ceremony, fair):
    page = organiser_client.get(reverse("admin:awards_ceremony_final_ranking", args=[ceremony.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "40 % reading + 60 % presentation; each round on a 0–100 scale." in text
    assert "68.33" in text
    assert "55.00" in text
    assert "58.33 (2 jurors)" in text
    assert "69.44 (1 juror)" in text
    assert "did not present" in text


def test_the_final_ranking_page_needs_the_ranking_permission(client, ceremony):
    staff = make_organiser("helper@fair.kz")
    staff.groups.clear()
    staff.user_permissions.add(Permission.objects.get(codename="view_ceremony"))
    client.force_login(staff)

    assert client.get(reverse("admin:awards_ceremony_final_ranking", args=[ceremony.pk])).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_final_ranking"))
    assert client.get(reverse("admin:awards_ceremony_final_ranking", args=[ceremony.pk])).status_code == 200


def test_the_final_protocol_is_a_pdf(organiser_client, ceremony):
    response = organiser_client.get(reverse("admin:awards_ceremony_final_protocol", args=[ceremony.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# ---------------------------------------------------------------- jury prizes


def closed_fair():
    """Nomination 1: A and B tied (reading 8, presentation 9/4 each), C third by rank; D alone in
    nomination 2. Scores saved half an hour ago; the round's scoring closed a minute ago."""
    fair = Fair()
    earlier = timezone.now() - timedelta(minutes=30)
    slots = {title: fair.finalist(title, reading=(8,))[1] for title in ("A", "B", "C")}
    slots["D"] = fair.finalist("D", nomination=1, reading=(5,))[1]
    fair.present(slots["A"], (9, 4), now=earlier)
    fair.present(slots["B"], (9, 4), now=earlier)
    fair.present(slots["C"], (5, 4), now=earlier)
    fair.present(slots["D"], (6, 3), now=earlier)
    fair.round.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    fair.round.save()
    return fair


def test_no_proposal_while_presentations_can_still_be_scored(fair, ceremony):
    with pytest.raises(ValidationError) as error:
        award_services.jury_prizes_proposal(ceremony=ceremony)
    assert error.value.code == "scoring_open"


def test_a_tie_at_a_place_is_not_proposed_and_the_others_are_given(organiser):
    fair = closed_fair()
    ceremony = CeremonyFactory(fair=fair.fair)

    proposal = award_services.jury_prizes_proposal(ceremony=ceremony)
    disability, health = proposal.groups
    first, second, third = disability.places

    assert first.tied
    assert [row.project.title for row in first.rows] == ["A", "B"]
    assert not first.proposable
    assert second.rows == []
    assert not second.proposable
    assert third.proposable
    assert third.rows[0].project.title == "C"
    assert disability.ties == [first]
    assert [place.proposable for place in health.places] == [True, False, False]

    given = award_services.jury_prizes_give(ceremony=ceremony, expected=proposal.keys, actor=organiser)

    assert sorted((award.project.title, award.place) for award in given) == [("C", 3), ("D", 1)]
    award = Award.objects.get(project__title="D")
    assert award.kind == AwardKind.JURY_PRIZE
    assert award.nomination == fair.nominations[1]
    assert award.title_ru == "Приз жюри, 1-е место"
    again = award_services.jury_prizes_proposal(ceremony=ceremony)
    assert again.proposable == []
    assert again.groups[1].places[0].awarded.project.title == "D"


def test_prizes_are_not_given_when_the_proposal_changed_since_it_was_reviewed(organiser):
    fair = closed_fair()
    ceremony = CeremonyFactory(fair=fair.fair)
    keys = award_services.jury_prizes_proposal(ceremony=ceremony).keys
    d_slot = next(row.slot for row in final_ranking(fair.round).rows if row.project.title == "D")
    d_slot.outcome = SlotOutcome.ABSENT
    d_slot.save()

    with pytest.raises(ValidationError) as error:
        award_services.jury_prizes_give(ceremony=ceremony, expected=keys, actor=organiser)

    assert error.value.code == "changed"
    assert not Award.objects.exists()


def test_the_jury_prizes_page_shows_the_tie_and_gives_the_rest(organiser_client):
    fair = closed_fair()
    ceremony = CeremonyFactory(fair=fair.fair)
    page_url = reverse("admin:awards_ceremony_jury_prizes", args=[ceremony.pk])

    page = organiser_client.get(page_url).content.decode()
    keys = award_services.jury_prizes_proposal(ceremony=ceremony).keys
    response = organiser_client.post(page_url, {"place": keys})

    assert "2 finalists share place 1 with exactly the same combined score" in page
    assert "Give 2 jury prizes" in page
    assert response.status_code == 302
    assert Award.objects.filter(kind=AwardKind.JURY_PRIZE).count() == 2


@pytest.mark.parametrize("finalists", [2, 10])
def test_the_final_ranking_page_reads_a_constant_number_of_queries(
    finalists, organiser_client, django_assert_max_num_queries
):
    fair = Fair()
    for index in range(finalists):
        _project, slot = fair.finalist(f"P{index}", nomination=index % 2, reading=(index % 10 + 1, 6))
        fair.present(slot, (index % 10 + 1, 3))
    ceremony = CeremonyFactory(fair=fair.fair)

    # Session, user, permissions, ceremony, round, the ranking (ten), the admin's own.
    with django_assert_max_num_queries(16):
        page = organiser_client.get(reverse("admin:awards_ceremony_final_ranking", args=[ceremony.pk]))
    assert page.content.decode().count("(1 juror)") == finalists
