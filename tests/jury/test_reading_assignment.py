"""Assigned reading: each project read by N jurors, balanced; the rules of `jury.assignment`
alone, then the services, the juror's side, the ranking and the admin page on PostgreSQL."""

import itertools
import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fairportal.audit import AuditEvent
from jury import permissions, selectors, services
from jury.assignment import JurorData, ProjectData, eligible, propose
from jury.models import Reading, ReadingAssignment, Recusal, Review
from projects import services as project_services
from projects.models import ProjectState
from tests.factories.accounts import make_organiser
from tests.factories.jury import CriterionFactory, JurorFactory, ReviewFactory, score
from tests.factories.projects import (
    MembershipFactory,
    NominationFactory,
    ProjectFactory,
    ProjectImageFactory,
    make_ngo_member,
)
from tests.race import at_once, raised

# ---------------------------------------------------------------- the proposal, pure


def juror(pk, *, nominations=(), languages=("kk", "ru"), organisations=(), conflicts=(), available=True):
    return JurorData(
        id=pk,
        name=f"Juror {pk}",
        nominations=frozenset(nominations),
        languages=frozenset(languages),
        organisations=frozenset(organisations),
        conflicts=frozenset(conflicts),
        available=available,
    )


def project(pk, *, nomination=1, organisation=None, language="kk"):
    return ProjectData(
        id=pk,
        title=f"Project {pk}",
        nomination_id=nomination,
        organisation_id=organisation or 1000 + pk,
        language=language,
    )


def readers_count(proposal):
    return Counter(len(jurors) for jurors in proposal.readers.values())


@pytest.mark.parametrize(
    ("jurors", "projects", "n"), [(9, 221, 2), (6, 40, 2), (5, 17, 3), (3, 4, 3), (7, 10, 1)]
)
def test_every_project_gets_exactly_n_readers_and_loads_are_within_one(jurors, projects, n):
    proposal = propose(
        jurors=[juror(pk) for pk in range(1, jurors + 1)],
        projects=[project(100 + pk, nomination=pk % 3) for pk in range(projects)],
        readers_per_project=n,
    )

    assert proposal.complete
    assert readers_count(proposal) == {n: projects}
    assert all(len(set(readers)) == n for readers in proposal.readers.values())
    assert max(proposal.loads.values()) - min(proposal.loads.values()) <= 1
    assert sum(proposal.loads.values()) == n * projects


def test_own_ngo_recusal_and_declared_conflict_are_never_assigned():
    jurors = [
        juror(1, organisations=[1001]),  # a member of project 1's NGO
        juror(2, conflicts=[1002]),  # declared a conflict with project 2's NGO
        juror(3),
        juror(4),
    ]
    projects = [project(pk) for pk in range(1, 9)]

    proposal = propose(jurors=jurors, projects=projects, readers_per_project=2, recusals={(3, 3)})

    assert proposal.complete
    assert 1 not in proposal.readers[1]
    assert 2 not in proposal.readers[2]
    assert 3 not in proposal.readers[3]
    assert not eligible(jurors[0], projects[0], set())
    assert not eligible(jurors[1], projects[1], set())
    assert not eligible(jurors[2], projects[2], {(3, 3)})
    assert eligible(jurors[3], projects[0], set())


def test_nominations_are_respected_and_a_feasible_assignment_is_found_where_greedy_would_fail():
    # Juror 2 can read only nomination 1, juror 1 both: one reader each, project 1 must go to 2.
    jurors = [juror(1), juror(2, nominations=[1])]
    projects = [project(1, nomination=1), project(2, nomination=2)]

    proposal = propose(jurors=jurors, projects=projects, readers_per_project=1)

    assert proposal.complete
    assert proposal.readers == {1: [2], 2: [1]}


def test_the_projects_language_is_preferred_but_never_beats_balance():
    jurors = [
        juror(1, languages=["kk"]),
        juror(2, languages=["kk"]),
        juror(3, languages=["ru"]),
        juror(4, languages=["ru"]),
    ]
    projects = [project(pk, language="kk" if pk % 2 else "ru") for pk in range(1, 13)]

    proposal = propose(jurors=jurors, projects=projects, readers_per_project=2)

    assert proposal.complete
    assert sum(proposal.language_matches.values()) == 24  # every reading in the juror's language
    # Everything in Kazakh, one juror reads it: the loads stay even anyway.
    lopsided = propose(
        jurors=[juror(1, languages=["kk"]), juror(2, languages=["en"]), juror(3, languages=["en"])],
        projects=[project(pk, language="kk") for pk in range(1, 10)],
        readers_per_project=1,
    )
    assert lopsided.complete
    assert lopsided.loads == {1: 3, 2: 3, 3: 3}
    assert lopsided.language_matches[1] == 3


def test_same_input_same_output_whatever_the_order():
    rng = random.Random(7)  # noqa: S311 - a repeatable test input
    jurors = [juror(pk, languages=rng.sample(["kk", "ru", "en"], 2)) for pk in range(1, 8)]
    projects = [
        project(pk, nomination=pk % 4, language=rng.choice(["kk", "ru", "en"])) for pk in range(1, 60)
    ]

    first = propose(jurors=jurors, projects=projects, readers_per_project=2)
    again = propose(
        jurors=list(reversed(jurors)), projects=rng.sample(projects, len(projects)), readers_per_project=2
    )

    assert first.readers == again.readers
    assert first.new == again.new


@pytest.mark.parametrize("seed", range(12))
def test_the_proposal_is_as_even_and_as_fluent_as_any_assignment_can_be(seed):
    """Against every possible assignment of small random reviews: the same most even loads (least
    sum of squares, so least max − min) and, among those, the most readings in a juror's language."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable test input
    jurors = [
        juror(
            pk,
            nominations=rng.choice([(), (1,), (2,)]),
            languages=rng.sample(["kk", "ru", "en"], rng.randint(0, 2)),
            organisations=rng.sample([1001, 1002, 1003], rng.randint(0, 1)),
        )
        for pk in range(1, 5)
    ]
    projects = [
        project(pk, nomination=rng.choice([1, 2]), language=rng.choice(["kk", "ru"])) for pk in range(1, 6)
    ]
    recusals = {(rng.randint(1, 4), rng.randint(1, 5))}

    proposal = propose(jurors=jurors, projects=projects, readers_per_project=2, recusals=recusals)

    options = [
        list(itertools.combinations([j.id for j in jurors if eligible(j, p, recusals)], 2))
        or [tuple(j.id for j in jurors if eligible(j, p, recusals))]
        for p in projects
    ]
    best = None
    for choice in itertools.product(*options):
        loads = Counter(juror_id for readers in choice for juror_id in readers)
        squares = sum(loads.get(j.id, 0) ** 2 for j in jurors)
        fluent = sum(
            p.language in jurors[juror_id - 1].languages
            for p, readers in zip(projects, choice, strict=True)
            for juror_id in readers
        )
        best = min(best or (squares, -fluent), (squares, -fluent))
    got_squares = sum(load**2 for load in proposal.loads.values())
    assert (got_squares, -sum(proposal.language_matches.values())) == best
    for p in projects:
        assert all(eligible(jurors[j - 1], p, recusals) for j in proposal.readers[p.id])


def test_kept_readings_stay_and_count():
    jurors = [juror(pk) for pk in range(1, 5)]
    projects = [project(pk) for pk in range(1, 5)]

    proposal = propose(jurors=jurors, projects=projects, readers_per_project=2, kept={(1, 1), (1, 2), (1, 3)})

    assert {1} <= set(proposal.readers[1])
    assert 1 in proposal.readers[2]
    assert 1 in proposal.readers[3]
    assert (1, 1) not in proposal.new
    assert sum(proposal.loads.values()) == 8
    assert proposal.loads[1] == 3  # already above the even share (2): nothing taken away, nothing added


@pytest.mark.parametrize(
    ("jurors", "projects", "n", "code", "words"),
    [
        ([], [project(1)], 2, "no_jurors", "no jurors"),
        ([juror(1), juror(2)], [project(1)], 3, "too_few_jurors", "only 2 jurors"),
        (
            [juror(1), juror(2, organisations=[1001]), juror(3)],
            [project(1)],
            3,
            "too_few_eligible",
            "Project 1",
        ),
    ],
)
def test_impossible_cases_say_what_and_which(jurors, projects, n, code, words):
    with translation.override("en"):
        proposal = propose(jurors=jurors, projects=projects, readers_per_project=n)

    assert not proposal.complete
    problem = next(problem for problem in proposal.problems if problem.code == code)
    assert words in problem.message
    if code != "too_few_eligible":  # said once, not again for every project
        assert [problem.code for problem in proposal.problems] == [code]


def test_loads_that_nominations_keep_apart_are_named():
    # Juror 3 sits in nomination 2 alone, which has one project; the others share ten.
    jurors = [juror(1, nominations=[1]), juror(2, nominations=[1]), juror(3, nominations=[2])]
    projects = [project(pk, nomination=1) for pk in range(1, 11)] + [project(11, nomination=2)]

    with translation.override("en"):
        proposal = propose(jurors=jurors, projects=projects, readers_per_project=1)

    assert readers_count(proposal) == {1: 11}
    uneven = next(problem for problem in proposal.problems if problem.code == "uneven")
    assert "Juror 3" in uneven.message
    assert "Juror 1" in uneven.message
    assert not proposal.complete


def test_a_project_too_few_can_read_still_gets_those_who_can():
    jurors = [juror(1), juror(2, organisations=[1001])]

    proposal = propose(jurors=jurors, projects=[project(1), project(2)], readers_per_project=2)

    assert proposal.readers[1] == [1]
    assert proposal.readers[2] == [1, 2]


# ---------------------------------------------------------------- the services, on PostgreSQL


@pytest.fixture
def organiser():
    return make_organiser("organiser@fair.kz")


@pytest.fixture
def review(db):
    review = ReviewFactory(fair__slug="astana-2026", reading=Reading.ASSIGNED, readers_per_project=2)
    CriterionFactory(review=review)
    return review


@pytest.fixture
def nominations(review):
    return [NominationFactory(fair=review.fair, position=1), NominationFactory(fair=review.fair, position=2)]


@pytest.fixture
def projects(review, nominations):
    return [
        ProjectFactory(
            fair=review.fair,
            nomination=nominations[index % 2],
            state=ProjectState.SUBMITTED,
            title=f"Жоба {index}",
            content_language="ru" if index % 3 == 0 else "kk",
        )
        for index in range(8)
    ]


@pytest.fixture
def jurors(review):
    return [
        JurorFactory(
            review=review, user__full_name=f"Сарапшы {index}", languages=["kk"] if index % 2 else ["ru"]
        )
        for index in range(4)
    ]


def pairs(review):
    return set(ReadingAssignment.objects.filter(juror__review=review).values_list("juror_id", "project_id"))


def apply(review, organiser):
    preview = services.reading_assignment_preview(review=review)
    assert preview.proposal.complete, preview.proposal.problems
    services.reading_assignment_apply(review=review, actor=organiser, digest=preview.digest)
    review.refresh_from_db()
    return pairs(review)


def test_apply_writes_the_previewed_assignment_and_records_it(review, projects, jurors, organiser):
    preview = services.reading_assignment_preview(review=review)
    expected = {(j, p) for p, readers in preview.proposal.readers.items() for j in readers}

    created = services.reading_assignment_apply(review=review, actor=organiser, digest=preview.digest)

    assert created == 16
    assert pairs(review) == expected
    assert Counter(p for _j, p in expected) == dict.fromkeys((p.pk for p in projects), 2)
    assert set(Counter(j for j, _p in expected).values()) == {4}
    event = AuditEvent.objects.get(action="reading.applied")
    assert event.actor == organiser
    assert event.details["created"] == 16
    assert Review.objects.get(pk=review.pk).reading_assigned_at is not None


def test_apply_refuses_a_preview_made_before_a_change(review, projects, jurors, organiser):
    preview = services.reading_assignment_preview(review=review)
    JurorFactory(review=review)  # a juror seated meanwhile

    with pytest.raises(services.ReadingAssignmentChanged):
        services.reading_assignment_apply(review=review, actor=organiser, digest=preview.digest)

    assert not pairs(review)


def test_apply_refuses_an_impossible_assignment_and_plain_reading(review, projects, jurors, organiser):
    Review.objects.filter(pk=review.pk).update(readers_per_project=5)
    review.refresh_from_db()
    preview = services.reading_assignment_preview(review=review)
    with pytest.raises(ValidationError) as refused:
        services.reading_assignment_apply(review=review, actor=organiser, digest=preview.digest)
    assert {error.code for error in refused.value.error_list} == {"impossible"}

    Review.objects.filter(pk=review.pk).update(readers_per_project=2, reading=Reading.EVERYONE)
    review.refresh_from_db()
    preview = services.reading_assignment_preview(review=review)
    with pytest.raises(ValidationError):
        services.reading_assignment_apply(review=review, actor=organiser, digest=preview.digest)
    assert not pairs(review)


def test_only_organisers_assign(review, projects, jurors):
    preview = services.reading_assignment_preview(review=review)
    with pytest.raises(PermissionDenied):
        services.reading_assignment_apply(review=review, actor=jurors[0].user, digest=preview.digest)


def test_move_gives_one_reading_to_another_eligible_juror(review, projects, jurors, organiser):
    before = apply(review, organiser)
    target = projects[0]
    row = ReadingAssignment.objects.filter(project=target).order_by("juror_id").first()
    free = next(j for j in jurors if (j.pk, target.pk) not in before)

    services.reading_assignment_move(assignment=row, to_juror=free, actor=organiser)

    after = pairs(review)
    assert after == (before - {(row.juror_id, target.pk)}) | {(free.pk, target.pk)}
    assert ReadingAssignment.objects.get(pk=row.pk).how == ReadingAssignment.How.MOVED
    assert AuditEvent.objects.filter(action="reading.moved").count() == 1


def test_move_is_refused_to_an_ineligible_juror_one_who_reads_it_already_or_once_scored(
    review, projects, jurors, organiser, nominations
):
    before = apply(review, organiser)
    target = projects[0]
    rows = list(ReadingAssignment.objects.filter(project=target).order_by("juror_id"))
    free = [j for j in jurors if (j.pk, target.pk) not in before]
    MembershipFactory(organisation=target.organisation, user=free[0].user)  # joined the NGO

    with translation.override("en"):
        with pytest.raises(ValidationError) as member:
            services.reading_assignment_move(assignment=rows[0], to_juror=free[0], actor=organiser)
        assert "cannot read" in member.value.messages[0]
        with pytest.raises(ValidationError) as already:
            services.reading_assignment_move(assignment=rows[0], to_juror=rows[1].juror, actor=organiser)
        assert "already reads" in already.value.messages[0]
        score(rows[0].juror, target, list(review.criteria.all()), 7)
        with pytest.raises(ValidationError) as scored:
            services.reading_assignment_move(assignment=rows[0], to_juror=free[1], actor=organiser)
        assert scored.value.code == "scored"
    assert pairs(review) == before


def test_a_recusal_moves_only_that_projects_reading(review, projects, jurors, organiser):
    before = apply(review, organiser)
    target = projects[3]
    row = ReadingAssignment.objects.filter(project=target).order_by("juror_id").first()
    recusing = row.juror

    services.recusal_declare(juror=recusing, project=target, reason="Менің туысым")

    after = pairs(review)
    removed, added = before - after, after - before
    assert removed == {(recusing.pk, target.pk)}
    assert len(added) == 1
    ((new_reader, project_id),) = added
    assert project_id == target.pk
    assert new_reader != recusing.pk
    assert (
        ReadingAssignment.objects.get(juror_id=new_reader, project=target).how
        == ReadingAssignment.How.REBALANCED
    )
    # The recusing juror still sees their declaration, but no longer has it to score.
    recusing.refresh_from_db()
    items, progress = selectors.worklist(recusing)
    assert [item.status for item in items if item.project.pk == target.pk] == [selectors.WorkStatus.RECUSED]
    assert progress.total == 4
    assert progress.recused == 1


def test_a_late_project_gets_readers_without_moving_others(
    review, projects, jurors, organiser, django_capture_on_commit_callbacks
):
    late = ProjectFactory(fair=review.fair, nomination=projects[0].nomination, state=ProjectState.RETURNED)
    ProjectImageFactory(project=late)
    owner = make_ngo_member(late.organisation)
    before = apply(review, organiser)

    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_submit(project=late, user=owner)

    after = pairs(review)
    assert before <= after
    assert {p for _j, p in after - before} == {late.pk}
    assert len(after - before) == 2
    loads = Counter(j for j, _p in after)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_after_the_shortlist_a_state_change_hands_out_no_new_readings(
    review, projects, jurors, organiser, django_capture_on_commit_callbacks
):
    """Giving a prize (finalist → awarded) or withdrawing a finalist months later used to
    re-balance a reading round long over, writing new readings and audit entries."""
    before = apply(review, organiser)
    Review.objects.filter(pk=review.pk).update(shortlist_applied_at=timezone.now())
    target = projects[2]

    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_return_for_changes(project=target, actor=organiser, message="Бюджет")

    assert pairs(review) == before
    assert not AuditEvent.objects.filter(action="reading.rebalanced").exists()


def test_a_project_sent_back_frees_its_unscored_readings(
    review, projects, jurors, organiser, django_capture_on_commit_callbacks
):
    before = apply(review, organiser)
    target = projects[5]
    scorer = ReadingAssignment.objects.filter(project=target).order_by("juror_id").first().juror
    score(scorer, target, list(review.criteria.all()), 6)

    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_return_for_changes(
            project=target, actor=organiser, message="Бюджетті түзетіңіз"
        )

    after = pairs(review)
    # The scored reading is never touched; the other one is gone; nobody else moved.
    assert after == {pair for pair in before if pair[1] != target.pk} | {(scorer.pk, target.pk)}


def test_a_narrowed_seat_and_a_removed_juror_hand_their_readings_on(
    review, projects, jurors, organiser, nominations
):
    before = apply(review, organiser)
    narrowed, removed = jurors[0], jurors[1]

    services.juror_update(juror=narrowed, nominations=[nominations[0]], actor=organiser)

    after = pairs(review)
    assert not {p for j, p in after if j == narrowed.pk} & {
        p.pk for p in projects if p.nomination == nominations[1]
    }
    assert {pair for pair in before if pair[0] != narrowed.pk} <= after
    assert Counter(p for _j, p in after) == dict.fromkeys((p.pk for p in projects), 2)

    services.juror_remove(juror=removed, actor=organiser)

    final = pairs(review)
    assert not {pair for pair in final if pair[0] == removed.pk}
    assert Counter(p for _j, p in final) == dict.fromkeys((p.pk for p in projects), 2)
    assert AuditEvent.objects.filter(action="juror.removed").exists()


def test_conflict_with_a_whole_ngo_is_honoured_everywhere(review, projects, jurors, organiser):
    services.juror_update(juror=jurors[0], conflict_organisations=[projects[0].organisation], actor=organiser)
    apply(review, organiser)

    assert (jurors[0].pk, projects[0].pk) not in pairs(review)
    assert not permissions.seat_covers(jurors[0], projects[0])
    assert AuditEvent.objects.get(action="juror.changed").details["changes"]["conflict_organisations"]


# ---------------------------------------------------------------- the juror's side


def test_worklist_permission_and_progress_count_only_assigned_projects(
    review, projects, jurors, organiser, django_assert_max_num_queries
):
    apply(review, organiser)
    juror = jurors[0]
    mine = {p for j, p in pairs(review) if j == juror.pk}
    juror = selectors.seats_of(juror.user).get()

    with django_assert_max_num_queries(4):
        items, progress = selectors.worklist(juror)

    assert {item.project.pk for item in items} == mine
    assert progress.total == 4
    other = next(p for p in projects if p.pk not in mine)
    assert not permissions.seat_covers(juror, other)
    assert not permissions.can_review(juror.user, other)
    assert permissions.can_review(juror.user, next(p for p in projects if p.pk in mine))
    totals = {item.juror.pk: item.progress.total for item in selectors.progress_by_juror(review)}
    assert totals == dict.fromkeys((j.pk for j in jurors), 4)
    with pytest.raises(PermissionDenied):
        score(juror, other, list(review.criteria.all()), 5)


def test_the_juror_cannot_open_a_project_not_given_to_them(client, review, projects, jurors, organiser):
    apply(review, organiser)
    juror = jurors[0]
    mine = {p for j, p in pairs(review) if j == juror.pk}
    other = next(p for p in projects if p.pk not in mine)
    client.force_login(juror.user)

    dashboard = client.get(reverse("jury:dashboard"))
    assert other.title not in dashboard.content.decode()
    assert client.get(reverse("jury:project", args=[review.fair.slug, other.pk])).status_code == 404
    assert client.get(reverse("jury:project", args=[review.fair.slug, min(mine)])).status_code == 200


def test_reminders_count_only_the_assigned_projects(review, projects, jurors, organiser):
    apply(review, organiser)
    juror = jurors[0]
    criteria = list(review.criteria.all())
    for project_id in sorted(p for j, p in pairs(review) if j == juror.pk):
        score(juror, next(p for p in projects if p.pk == project_id), criteria, 8)
    review.closes_at = timezone.now() + timedelta(hours=20)
    review.save()

    services.send_deadline_reminders(within=timedelta(days=2), every=timedelta(days=1))

    juror.refresh_from_db()
    assert juror.reminded_at is None  # done with what is theirs, though other projects are unscored
    assert Juror_reminded(jurors[1])


def Juror_reminded(juror) -> bool:
    juror.refresh_from_db()
    return juror.reminded_at is not None


# ---------------------------------------------------------------- the ranking


def test_ranking_means_over_the_readers_and_says_how_many_of_how_many(review, projects, jurors, organiser):
    apply(review, organiser)
    criteria = list(review.criteria.all())
    target = projects[0]
    first, second = ReadingAssignment.objects.filter(project=target).order_by("juror_id")
    score(first.juror, target, criteria, 9)
    score(second.juror, target, criteria, 5)
    half = projects[1]
    only = ReadingAssignment.objects.filter(project=half).order_by("juror_id").first()
    score(only.juror, half, criteria, 4)

    rows = {row.project.pk: row for row in selectors.ranking(review)}

    assert rows[target.pk].jurors_scored == 2
    assert rows[target.pk].score == 7
    assert rows[half.pk].jurors_scored == 1
    assert rows[half.pk].score == 4
    assert selectors.readers_by_project(review)[half.pk] == 2


def test_a_conflict_with_the_ngo_recorded_after_scoring_takes_the_marks_out_of_the_ranking(
    review, projects, jurors, organiser
):
    """The review found such marks still counted for the reading score and the shortlist."""
    apply(review, organiser)
    criteria = list(review.criteria.all())
    target = projects[0]
    first, second = ReadingAssignment.objects.filter(project=target).order_by("juror_id")
    score(first.juror, target, criteria, 9)
    score(second.juror, target, criteria, 5)

    services.juror_update(juror=first.juror, actor=organiser, conflict_organisations=[target.organisation])

    row = next(row for row in selectors.ranking(review) if row.project.pk == target.pk)
    assert (row.jurors_scored, row.score) == (1, 5)


def test_ranking_page_shows_readers_scored(client, review, projects, jurors):
    organiser = make_organiser("ranker@fair.kz")
    apply(review, organiser)
    target = projects[0]
    reader = ReadingAssignment.objects.filter(project=target).first().juror
    score(reader, target, list(review.criteria.all()), 9)
    client.force_login(organiser)

    with translation.override("en"):
        page = client.get(reverse("admin:jury_review_ranking", args=[review.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "1 of 2 readers" in page.content.decode()


# ---------------------------------------------------------------- the admin page


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_reading_page_proposes_applies_and_moves(client, review, projects, jurors, language):
    organiser = make_organiser("assigner@fair.kz")
    client.force_login(organiser)
    with translation.override(language):
        url = reverse("admin:jury_review_reading", args=[review.pk])

        page = client.get(url, {"propose": "1"})
        assert page.status_code == 200
        digest = page.context["preview"].digest
        assert f'value="{digest}"' in page.content.decode()

        applied = client.post(url, {"action": "apply", "digest": digest})
        assert applied.status_code == 302
        assert len(pairs(review)) == 16

        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        row = ReadingAssignment.objects.order_by("pk").first()
        assert f'for="id_move-{row.pk}-to_juror"' in html
        choices = dict(page.context["current"][0][1][0].form.fields["to_juror"].choices)
        target = next(iter(choices))
        first = page.context["current"][0][1][0].row

        moved = client.post(
            url, {"action": "move", "assignment": first.pk, f"move-{first.pk}-to_juror": target}
        )
        assert moved.status_code == 302
        assert ReadingAssignment.objects.get(pk=first.pk).juror_id == target

        stale = client.post(url, {"action": "apply", "digest": digest})
        assert stale.status_code == 302
        assert "propose=1" in stale["Location"]


def test_reading_page_needs_the_review_permission(client, review, jurors):
    client.force_login(jurors[0].user)
    assert client.get(reverse("admin:jury_review_reading", args=[review.pk])).status_code in (302, 403)


def test_staff_who_may_only_see_the_review_neither_open_nor_post_the_reading_page(
    client, review, projects, jurors
):
    # A juror is no staff: the admin's own log-in answers them (302). Staff who may see the
    # review but not change it get the page's own refusal, for the page and every action.
    viewer = make_organiser("viewer@fair.kz")
    viewer.groups.clear()
    viewer.user_permissions.set(Permission.objects.filter(codename__in=["view_review", "view_juror"]))
    client.force_login(viewer)
    page_url = reverse("admin:jury_review_reading", args=[review.pk])
    digest = services.reading_assignment_preview(review=review).digest

    assert client.get(page_url).status_code == 403
    assert client.get(page_url, {"propose": "1"}).status_code == 403
    for data in ({"action": "apply", "digest": digest}, {"action": "rebalance"}):
        assert client.post(page_url, data).status_code == 403, data
    assert pairs(review) == set()
    review.refresh_from_db()
    assert review.reading_assigned_at is None


# ---------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moves_at_once_of_one_project_to_the_same_juror():
    review = ReviewFactory(reading=Reading.ASSIGNED, readers_per_project=2)
    CriterionFactory(review=review)
    nomination = NominationFactory(fair=review.fair)
    projects = [
        ProjectFactory(fair=review.fair, nomination=nomination, state=ProjectState.SUBMITTED)
        for _ in range(3)
    ]
    jurors = [JurorFactory(review=review) for _ in range(3)]
    organiser = make_organiser("racer@fair.kz")
    apply(review, organiser)
    target = projects[0]
    rows = list(ReadingAssignment.objects.filter(project=target))
    free = next(j for j in jurors if j.pk not in {row.juror_id for row in rows})

    outcomes = at_once(
        lambda row: services.reading_assignment_move(assignment=row, to_juror=free, actor=organiser),
        [(rows[0],), (rows[1],)],
    )

    errors = raised(outcomes)
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    readers = list(ReadingAssignment.objects.filter(project=target).values_list("juror_id", flat=True))
    assert len(readers) == 2
    assert free.pk in readers


def test_recusal_without_assigned_reading_changes_nothing(review, projects, jurors):
    Review.objects.filter(pk=review.pk).update(reading=Reading.EVERYONE)
    review.refresh_from_db()
    services.recusal_declare(juror=jurors[0], project=projects[0], reason="Танысым")
    assert Recusal.objects.count() == 1
    assert not pairs(review)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_both_readers_recusing_at_once_hand_the_project_to_the_two_others():
    review = ReviewFactory(reading=Reading.ASSIGNED, readers_per_project=2)
    CriterionFactory(review=review)
    nomination = NominationFactory(fair=review.fair)
    projects = [
        ProjectFactory(fair=review.fair, nomination=nomination, state=ProjectState.SUBMITTED)
        for _ in range(4)
    ]
    jurors = [JurorFactory(review=review) for _ in range(4)]
    apply(review, make_organiser("racer@fair.kz"))
    target = projects[0]
    readers = list(ReadingAssignment.objects.filter(project=target).select_related("juror"))

    outcomes = at_once(
        lambda juror: services.recusal_declare(juror=juror, project=target, reason="Туысым"),
        [(row.juror,) for row in readers],
    )

    assert raised(outcomes) == []  # no deadlock, no refusal: the second waits for the first
    now_reading = set(ReadingAssignment.objects.filter(project=target).values_list("juror_id", flat=True))
    assert now_reading == {j.pk for j in jurors} - {row.juror_id for row in readers}


def test_normalisation_stays_per_juror_over_their_own_projects(review, nominations, organiser):
    Review.objects.filter(pk=review.pk).update(readers_per_project=1)
    review.refresh_from_db()
    harsh, lenient = JurorFactory(review=review), JurorFactory(review=review)
    for _index in range(10):
        ProjectFactory(fair=review.fair, nomination=nominations[0], state=ProjectState.SUBMITTED)
    apply(review, organiser)
    criteria = list(review.criteria.all())
    tops = []
    for juror, marks in ((harsh, range(2, 7)), (lenient, range(6, 11))):
        rows = ReadingAssignment.objects.filter(juror=juror).select_related("project").order_by("project_id")
        assert rows.count() == 5
        for row, mark in zip(rows, marks, strict=True):
            score(juror, row.project, criteria, mark)
        tops.append(row.project.pk)  # the juror's best mark

    rows = {row.project.pk: row for row in selectors.ranking(review, with_normalised=True)}

    assert all(row.jurors_scored == 1 for row in rows.values())
    # Each juror's best project, 6 from the harsh one and 10 from the lenient one, weighs the same
    # once each juror's marks are compared with their own five.
    assert [rows[pk].score for pk in tops] == [6, 10]
    assert rows[tops[0]].normalised_score == rows[tops[1]].normalised_score


def test_the_reading_page_costs_the_same_whatever_the_size(
    client, review, projects, jurors, django_assert_max_num_queries
):
    organiser = make_organiser("counter@fair.kz")
    apply(review, organiser)
    client.force_login(organiser)
    url = reverse("admin:jury_review_reading", args=[review.pk])
    client.get(url)  # warm the session, permissions and content types

    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for _index in range(12):
        ProjectFactory(fair=review.fair, nomination=projects[0].nomination, state=ProjectState.SUBMITTED)
    JurorFactory(review=review)
    services.reading_rebalance(review=review, actor=organiser)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, {"propose": "1"}).status_code == 200


def test_the_juror_admin_writes_languages_and_conflicts_through_the_service_and_deletes_through_it(
    client, review, projects, jurors
):
    organiser = make_organiser("seats@fair.kz")
    before = apply(review, organiser)
    client.force_login(organiser)
    juror = jurors[0]
    conflicted = next(p for p in projects if (juror.pk, p.pk) in before)

    response = client.post(
        reverse("admin:jury_juror_change", args=[juror.pk]),
        {"languages": ["kk", "en"], "conflict_organisations": [conflicted.organisation_id]},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    juror.refresh_from_db()
    assert sorted(juror.languages) == ["en", "kk"]
    assert list(juror.conflict_organisations.all()) == [conflicted.organisation]
    after = pairs(review)
    assert (juror.pk, conflicted.pk) not in after
    assert Counter(p for _j, p in after)[conflicted.pk] == 2
    assert AuditEvent.objects.filter(action="juror.changed").exists()

    response = client.post(reverse("admin:jury_juror_delete", args=[jurors[1].pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not any(j == jurors[1].pk for j, _p in pairs(review))
    assert Counter(p for _j, p in pairs(review)) == dict.fromkeys((p.pk for p in projects), 2)
    assert AuditEvent.objects.filter(action="juror.removed").exists()


def test_the_shortlist_page_names_the_readings_not_scored_yet(client, review, projects, jurors, organiser):
    """The walk applied a shortlist with two readings unscored and was only told "6 jurors have
    not finalised": the page now names each project ranked on fewer readers than the rule."""
    apply(review, organiser)
    criteria = list(review.criteria.all())
    readings = list(ReadingAssignment.objects.filter(juror__review=review).select_related("juror", "project"))
    for reading in readings[1:]:
        score(reading.juror, reading.project, criteria, 7)
    left = readings[0]
    client.force_login(organiser)
    with translation.override("en"):
        page_url = reverse("admin:jury_review_shortlist", args=[review.pk])

    html = client.get(page_url).content.decode()

    notice = re.search(r'<div class="errornote" id="readings-not-scored">.*?</div>', html, re.S).group(0)
    assert "1 assigned reading is not scored yet" in notice
    assert left.project.title in notice
    assert str(left.juror) in notice
    assert notice.count("<li>") == 1


def test_removing_several_jurors_at_once_re_balances_once_and_never_to_a_juror_being_removed(
    client, review, projects, jurors
):
    organiser = make_organiser("bulk@fair.kz")
    JurorFactory(review=review, user__full_name="Сарапшы 4", languages=["kk"])
    apply(review, organiser)
    client.force_login(organiser)
    leaving = [jurors[0].pk, jurors[1].pk]

    response = client.post(
        reverse("admin:jury_juror_changelist"),
        {"action": "delete_selected", "_selected_action": leaving, "post": "yes"},
    )

    assert response.status_code == 302
    assert Counter(p for _j, p in pairs(review)) == dict.fromkeys((p.pk for p in projects), 2)
    # One re-balance for the whole removal: the trail never shows readings handed to a juror
    # who was being removed in the same click, only to be handed on again.
    (event,) = AuditEvent.objects.filter(action="reading.rebalanced")
    assert not {juror_id for juror_id, _project_id in event.details["added"]} & set(leaving)
    assert AuditEvent.objects.filter(action="juror.removed").count() == 2
