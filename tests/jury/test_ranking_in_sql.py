"""The ranking PostgreSQL computes (jury.selectors.ranking): the rules of the module docstring
on a tricky case worked out by hand, the same results as the per-juror marks computed in
Python on random scores, and a number of queries that does not grow with the fair."""

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from jury import selectors, services
from jury.models import Evaluation, Score
from projects.models import Project, ProjectState
from tests.factories.jury import CriterionFactory, JurorFactory, score
from tests.jury.conftest import submitted

pytestmark = pytest.mark.django_db


def test_a_tricky_ranking_matches_the_values_worked_out_by_hand(review, criteria, nominations, organiser):
    """Significance counts double; openness is 1–5, so o counts 1 + (o − 1) × 9/4."""
    disability, health = nominations
    workshop = submitted(review, disability, "Inclusive workshop")
    club = submitted(review, disability, "Sign language club")
    art = submitted(review, disability, "Art therapy")
    air = submitted(review, health, "Clean air")
    submitted(review, health, "Unscored")
    returned = submitted(review, health, "Returned for changes")
    a, b, c, d, e, f = (JurorFactory(review=review) for _ in range(6))

    score(a, workshop, criteria, 8, 6, 4)  # (16 + 6 + 7.75) / 4 = 119/16
    score(b, workshop, criteria, 6, None, 5)  # innovation left out: (12 + 10) / 3 = 22/3
    score(d, workshop, criteria, 10, 10, 5)  # then recused: must not count
    services.recusal_declare(juror=d, project=workshop, reason="I chair this NGO's board.")
    score(a, club, criteria, 8, 8, 4)  # (16 + 8 + 7.75) / 4 = 127/16
    score(b, club, criteria, 7, 7, 2)  # (14 + 7 + 3.25) / 4 = 97/16; mean 7
    score(c, art, criteria, 10, None, 1)  # (20 + 1) / 3 = 7: one juror, tied with the club's two
    score(e, air, criteria, 10, 10, 5)  # E's seat is narrowed to Disability below: no longer counts
    score(f, air, criteria, 1, 1, 1)  # 1
    score(f, returned, criteria, 9, 9, 5)  # (18 + 9 + 10) / 4 = 37/4, kept when returned
    services.juror_set_nominations(juror=e, nominations=[disability], actor=organiser)
    Project.objects.filter(pk=returned.pk).update(state=ProjectState.RETURNED)

    rows = selectors.ranking(review)

    assert [
        (row.project.title, row.rank, row.tied, row.score, row.jurors_scored, row.recusals) for row in rows
    ] == [
        ("Returned for changes", 1, False, Fraction(37, 4), 1, 0),
        ("Inclusive workshop", 2, False, Fraction(709, 96), 2, 1),
        ("Art therapy", 3, True, 7, 1, 0),
        ("Sign language club", 3, True, 7, 2, 0),
        ("Clean air", 5, False, 1, 1, 0),
        ("Unscored", None, False, None, 0, 0),
    ]
    by_title = {row.project.title: row for row in rows}
    assert by_title["Inclusive workshop"].spread == pytest.approx(5 / 96)
    assert by_title["Sign language club"].spread == pytest.approx(15 / 16)
    assert (by_title["Sign language club"].lowest, by_title["Sign language club"].highest) == (
        Fraction(97, 16),
        Fraction(127, 16),
    )
    assert by_title["Art therapy"].spread == 0
    assert by_title["Unscored"].spread is None
    assert by_title["Unscored"].lowest is None
    # The per-juror marks (for the exports) agree, and leave out the recused and narrowed seats.
    assert [mark.mark for mark in by_title["Inclusive workshop"].marks] == [
        Fraction(119, 16),
        Fraction(22, 3),
    ]
    assert [mark.juror_id for mark in by_title["Clean air"].marks] == [f.pk]
    assert by_title["Unscored"].marks == []


def test_one_nomination_ranks_only_its_projects(review, criteria, nominations):
    disability, health = nominations
    first = submitted(review, disability, "First")
    second = submitted(review, health, "Second")
    juror = JurorFactory(review=review)
    score(juror, first, criteria, 9, 9, 5)
    score(juror, second, criteria, 5, 5, 3)

    rows = selectors.ranking(review, nomination=health)

    assert [(row.project.title, row.rank, row.score) for row in rows] == [
        ("Second", 1, Fraction(41, 8))
    ]  # (10 + 5 + 5.5) / 4


def reference(rows):
    """The ranking's rules applied in Python to the per-juror marks: score, spread, extremes, ranks."""
    means = {}
    for row in rows:
        marks = [mark.mark for mark in row.marks if mark.mark is not None]
        means[row.project.pk] = (
            (
                sum(marks, Fraction(0)) / len(marks),
                math.sqrt(sum((m - sum(marks) / len(marks)) ** 2 for m in marks) / len(marks)),
                min(marks),
                max(marks),
                len(marks),
            )
            if marks
            else None
        )
    scored = sorted((value[0] for value in means.values() if value), reverse=True)
    return {
        pk: (
            value,
            scored.index(value[0]) + 1 if value else None,
            bool(value) and scored.count(value[0]) > 1,
        )
        for pk, value in means.items()
    }


def test_random_scores_on_odd_weights_and_scales_rank_as_the_rules_say(review, nominations):
    """Weights like 0.25 and 1.5, scales 1–2, 1–3 and 1–5, "cannot assess", jurors on some
    nominations: ties appear often (few distinct scores) and must be recognised exactly."""
    rng = random.Random(12)  # noqa: S311 - repeatable
    criteria = [
        CriterionFactory(review=review, weight=Decimal("1.5"), scale_max=3),
        CriterionFactory(review=review, weight=Decimal("0.25"), scale_max=2),
        CriterionFactory(review=review, weight=Decimal("1"), scale_max=5),
    ]
    projects = [submitted(review, nominations[index % 2], f"Project {index:02}") for index in range(30)]
    jurors = [JurorFactory(review=review) for _ in range(5)]
    for juror in jurors:
        for project in rng.sample(projects, 12):
            evaluation = Evaluation.objects.create(juror=juror, project=project)
            Score.objects.bulk_create(
                Score(
                    evaluation=evaluation,
                    criterion=criterion,
                    value=None if rng.random() < 0.25 else rng.randint(1, criterion.scale_max),
                )
                for criterion in criteria
            )
    jurors[0].nominations.set([nominations[0]])  # narrowed after scoring

    rows = selectors.ranking(review)
    expected = reference(rows)

    assert any(row.tied for row in rows)
    for row in rows:
        value, rank, tied = expected[row.project.pk]
        assert (row.rank, row.tied) == (rank, tied), row.project.title
        if value is None:
            assert row.score is None
            assert row.jurors_scored == 0
        else:
            assert (row.score, row.lowest, row.highest, row.jurors_scored) == (
                value[0],
                value[2],
                value[3],
                value[4],
            )
            assert row.spread == pytest.approx(value[1], abs=1e-12)


def test_the_ranking_takes_the_same_queries_for_three_projects_as_for_thirty(
    review, criteria, nominations, django_assert_max_num_queries
):
    jurors = [JurorFactory(review=review) for _ in range(3)]

    def add_scored_projects(count):
        for index in range(count):
            project = submitted(review, nominations[index % 2], f"P{count}-{index}")
            for juror in jurors:
                score(juror, project, criteria, 1 + index % 10, None, 1 + index % 5)

    add_scored_projects(3)
    with django_assert_max_num_queries(5):  # criteria, the aggregates, projects, NGOs, nominations
        assert len(selectors.ranking(review)) == 3
    add_scored_projects(27)
    with django_assert_max_num_queries(5):
        rows = selectors.ranking(review)
    assert len(rows) == 30
    with django_assert_max_num_queries(1):  # every row's marks at once
        assert sum(len(row.marks) for row in rows) == 90
