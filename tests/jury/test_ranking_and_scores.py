"""Scoring rules and the ranking computed from them (jury.services, jury.selectors)."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jury import selectors, services
from jury.models import Criterion, Evaluation, Recusal, Score
from projects.models import ProjectState
from tests.factories.jury import CriterionFactory, JurorFactory, ReviewFactory, score
from tests.factories.projects import MembershipFactory, ProjectFactory
from tests.jury.conftest import submitted
from tests.race import at_once, raised

# Their messages and admin addresses are read in English (`english` in tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def answers(criteria, *values):
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


def row_for(rows, project):
    return next(row for row in rows if row.project.pk == project.pk)


# ---------------------------------------------------------------- the weighted mean


def test_the_mean_weighs_criteria_normalises_scales_and_leaves_out_cannot_assess(review, criteria, projects):
    project = projects[0]
    first, second = JurorFactory(review=review), JurorFactory(review=review)
    # 8, 6 and 4 of 1–5 (= 1 + 3 × 9/4 = 7.75 on 1–10), significance counting double:
    # (2×8 + 6 + 7.75) / 4 = 119/16
    score(first, project, criteria, 8, 6, 4)
    # innovation cannot be assessed: (2×6 + 10) / 3 = 22/3, not (12 + 0 + 10) / 4
    score(second, project, criteria, 6, None, 5)

    row = row_for(selectors.ranking(review), project)

    assert sorted(mark.mark for mark in row.marks) == [Fraction(22, 3), Fraction(119, 16)]
    assert row.score == Fraction(709, 96)
    assert row.jurors_scored == 2
    assert row.spread == pytest.approx(5 / 96)
    assert (row.lowest, row.highest) == (Fraction(22, 3), Fraction(119, 16))


def test_the_lowest_and_highest_scores_mean_the_same_on_every_scale(review, projects):
    ten = CriterionFactory(review=review, scale_max=10)
    five = CriterionFactory(review=review, scale_max=5)
    juror = JurorFactory(review=review)
    services.evaluation_save(juror=juror, project=projects[0], answers={ten.pk: 1, five.pk: 1}, comment="")
    services.evaluation_save(juror=juror, project=projects[1], answers={ten.pk: 10, five.pk: 5}, comment="")

    rows = selectors.ranking(review)

    assert row_for(rows, projects[0]).score == 1
    assert row_for(rows, projects[1]).score == 10


def test_a_juror_who_could_assess_nothing_is_not_counted(review, projects):
    only = CriterionFactory(review=review)
    project = projects[0]
    JurorFactory(review=review)
    juror, other = JurorFactory(review=review), JurorFactory(review=review)
    services.evaluation_save(juror=juror, project=project, answers={only.pk: None}, comment="")
    services.evaluation_save(juror=other, project=project, answers={only.pk: 9}, comment="")

    row = row_for(selectors.ranking(review), project)

    assert row.jurors_scored == 1
    assert row.score == 9


def test_recusing_removes_the_jurors_scores_from_the_ranking(review, criteria, projects):
    project = projects[0]
    honest, conflicted = JurorFactory(review=review), JurorFactory(review=review)
    score(honest, project, criteria, 6, 6, 3)
    score(conflicted, project, criteria, 10, 10, 5, comment="Excellent")

    services.recusal_declare(juror=conflicted, project=project, reason="I advise this NGO.")

    row = row_for(selectors.ranking(review), project)
    assert row.score == Fraction(47, 8)  # the honest juror's (2×6 + 6 + 5.5) / 4 alone
    assert row.jurors_scored == 1
    assert row.recusals == 1
    assert not Evaluation.objects.filter(juror=conflicted).exists()
    assert Recusal.objects.get(juror=conflicted).reason == "I advise this NGO."


def test_equal_scores_share_a_rank_and_unscored_projects_come_last(review, criteria, projects, nominations):
    juror = JurorFactory(review=review)
    extra = submitted(review, nominations[1], "Unscored")
    score(juror, projects[0], criteria, 7, 7, 4)  # (14 + 7 + 7.75) / 4 = 7.1875
    score(juror, projects[1], criteria, 9, 9, 5)  # (18 + 9 + 10) / 4 = 9.25
    score(juror, projects[2], criteria, 7, 7, 4)  # 7.1875 again

    rows = selectors.ranking(review)

    assert [(row.project.title, row.rank, row.tied) for row in rows] == [
        ("Sign language club", 1, False),
        ("Clean air", 2, True),
        ("Inclusive workshop", 2, True),
        (extra.title, None, False),
    ]


def test_the_ranking_of_one_nomination_ranks_within_it(review, criteria, projects, nominations):
    juror = JurorFactory(review=review)
    score(juror, projects[1], criteria, 9, 9, 5)
    score(juror, projects[2], criteria, 5, 5, 3)

    rows = selectors.ranking(review, nomination=nominations[1])

    assert [(row.project.title, row.rank) for row in rows] == [("Clean air", 1)]


# ---------------------------------------------------------------- what may be scored, and when


def test_scores_are_refused_before_and_after_the_window(review, criteria, projects, juror):
    with pytest.raises(ValidationError, match="closed"):
        services.evaluation_save(
            juror=juror,
            project=projects[0],
            answers=answers(criteria, 5, 5, 3),
            comment="",
            now=review.closes_at,
        )
    with pytest.raises(ValidationError, match="closed"):
        services.evaluation_save(
            juror=juror,
            project=projects[0],
            answers=answers(criteria, 5, 5, 3),
            comment="",
            now=review.opens_at - timedelta(seconds=1),
        )
    assert not Evaluation.objects.exists()


def test_scores_can_be_changed_until_the_juror_finalises(review, criteria, projects, juror):
    score(juror, projects[0], criteria, 5, 5, 3)
    score(juror, projects[0], criteria, 6, None, 4, comment="Second look")

    evaluation = Evaluation.objects.get(juror=juror)
    assert evaluation.comment == "Second look"
    assert sorted(
        Score.objects.filter(evaluation=evaluation).values_list("value", flat=True), key=str
    ) == sorted([6, None, 4], key=str)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((11, 5, 3), "run from 1 to 10"),
        ((0, 5, 3), "run from 1 to 10"),
        ((5, 5, 6), "run from 1 to 5"),
        ((5, 5, None), "must be scored"),
    ],
)
def test_out_of_range_scores_and_forbidden_cannot_assess_are_refused(
    review, criteria, projects, juror, values, message
):
    with pytest.raises(ValidationError, match=message):
        score(juror, projects[0], criteria, *values)
    assert not Evaluation.objects.exists()


def test_every_criterion_needs_an_answer(review, criteria, projects, juror):
    with pytest.raises(ValidationError, match="every criterion"):
        services.evaluation_save(
            juror=juror, project=projects[0], answers={criteria[0].pk: 5, criteria[1].pk: 5}, comment=""
        )


def test_jurors_score_only_their_fair_and_nominations(review, criteria, projects, nominations):
    health_only = JurorFactory(review=review, nominations=[nominations[1]])
    other_fair_juror = JurorFactory()
    removed_from_group = JurorFactory(review=review, in_jury_group=False)
    draft = ProjectFactory(fair=review.fair, nomination=nominations[0], state=ProjectState.DRAFT)

    score(health_only, projects[2], criteria, 5, 5, 3)  # their nomination: fine
    for juror, project in [
        (health_only, projects[0]),  # another nomination
        (other_fair_juror, projects[0]),  # another fair
        (removed_from_group, projects[0]),  # no longer in the Jury group
        (JurorFactory(review=review), draft),  # not submitted
    ]:
        with pytest.raises(PermissionDenied):
            score(juror, project, criteria, 5, 5, 3)
    assert Evaluation.objects.count() == 1


def test_a_recusal_cannot_be_taken_back_or_declared_twice(review, criteria, projects, juror):
    services.recusal_declare(juror=juror, project=projects[0], reason="My sister runs it.")

    with pytest.raises(ValidationError, match="conflict of interest"):
        score(juror, projects[0], criteria, 5, 5, 3)
    with pytest.raises(ValidationError, match="already declared"):
        services.recusal_declare(juror=juror, project=projects[0], reason="Again")
    with pytest.raises(ValidationError, match="what the conflict"):
        services.recusal_declare(juror=juror, project=projects[1], reason="   ")


def test_finalising_needs_every_project_done_and_then_locks_the_scores(review, criteria, projects, juror):
    score(juror, projects[0], criteria, 5, 5, 3)
    with pytest.raises(ValidationError, match="2 projects still need"):
        services.juror_finalise(juror=juror)

    score(juror, projects[1], criteria, 5, 5, 3)
    services.recusal_declare(juror=juror, project=projects[2], reason="Former employer")
    services.juror_finalise(juror=juror)

    juror.refresh_from_db()
    assert juror.finalised_at is not None
    with pytest.raises(ValidationError, match="finalised"):
        score(juror, projects[0], criteria, 9, 9, 5)


def test_a_criterion_added_later_makes_scored_projects_incomplete(review, criteria, projects, juror):
    score(juror, projects[0], criteria, 5, 5, 3)
    CriterionFactory(review=review, title_en="Added later")

    items, progress = selectors.worklist(juror)

    assert items[0].status == selectors.WorkStatus.INCOMPLETE
    assert progress.scored == 0
    assert progress.left == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_one_evaluation_leave_one_complete_evaluation(review, criteria, projects, juror):
    outcomes = at_once(
        lambda value: score(juror, projects[0], criteria, value, value, 3), [(v,) for v in range(4, 10)]
    )

    assert raised(outcomes) == []
    evaluation = Evaluation.objects.get(juror=juror, project=projects[0])
    values = list(evaluation.scores.order_by("criterion__position").values_list("value", flat=True))
    assert len(values) == 3
    assert values[0] == values[1]  # one save's answers, never a mix of two


def test_the_review_window_must_be_in_order():
    review = ReviewFactory()
    review.closes_at = review.opens_at
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()


def test_scoring_stops_when_public_voting_opens_even_if_the_window_says_later(
    review, criteria, projects, juror
):
    fair = review.fair
    fair.voting_opens_at = timezone.now() - timedelta(minutes=1)
    fair.save()
    review.refresh_from_db()

    assert review.effective_closes_at == fair.voting_opens_at
    with pytest.raises(ValidationError, match="closed"):
        score(juror, projects[0], criteria, 5, 5, 3)


def test_a_criterion_keeps_cannot_assess_once_a_juror_used_it(review, criteria, projects, juror):
    score(juror, projects[0], criteria, 5, None, 3)
    innovation = criteria[1]
    innovation.allow_cannot_assess = False
    with pytest.raises(ValidationError, match="must stay allowed"):
        innovation.full_clean()


def test_a_jurors_own_scores_come_in_the_criteria_order(review, criteria, projects, juror):
    # Significance moves last (past any position the factory's sequence has reached).
    Criterion.objects.filter(pk=criteria[0].pk).update(position=32767)
    score(juror, projects[0], criteria, 5, 6, 3)

    evaluation = selectors.own_evaluation(juror, projects[0])

    assert [s.criterion.title_en for s in evaluation.scores.all()] == [
        "Innovation",
        "Openness",
        "Significance",
    ]


def test_jurors_never_review_their_own_ngos_projects(review, criteria, projects, juror):
    MembershipFactory(organisation=projects[0].organisation, user=juror.user)

    items, progress = selectors.worklist(juror)

    assert projects[0].pk not in {item.project.pk for item in items}
    assert progress.total == 2
    with pytest.raises(PermissionDenied):
        score(juror, projects[0], criteria, 9, 9, 5)


def test_scores_outside_a_narrowed_seat_no_longer_count(review, criteria, projects, nominations, organiser):
    juror = JurorFactory(review=review)
    score(juror, projects[0], criteria, 9, 9, 5)  # a disability project
    services.juror_set_nominations(juror=juror, nominations=[nominations[1]], actor=organiser)

    assert row_for(selectors.ranking(review), projects[0]).jurors_scored == 0


def test_the_scale_of_a_scored_criterion_cannot_change(review, criteria, projects, juror):
    score(juror, projects[0], criteria, 7, 7, 3)
    significance = criteria[0]
    significance.scale_max = 8
    with pytest.raises(ValidationError, match="scale cannot change"):
        significance.full_clean()


def test_a_scored_criterion_cannot_be_deleted_alone_but_a_review_goes_with_its_scores(
    review, criteria, projects, juror
):
    from django.db.models import RestrictedError

    score(juror, projects[0], criteria, 5, 5, 3)
    with pytest.raises(RestrictedError):
        criteria[0].delete()

    review.delete()
    assert not Score.objects.exists()
