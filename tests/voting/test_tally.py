"""The tally: one count over the valid votes while voting runs, frozen counts once it has closed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.models import ProjectState
from tests.factories.accounts import make_superuser
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from tests.race import at_once
from voting import selectors, services
from voting.models import FrozenCount, FrozenTally

pytestmark = pytest.mark.django_db


def closed_fair(days_ago=2):
    return FairFactory(opens=timezone.now() - timedelta(days=60 + days_ago))


def finalists(fair, count=2):
    nomination = NominationFactory(fair=fair)
    return [
        ProjectFactory(fair=fair, nomination=nomination, state=ProjectState.FINALIST, title=f"Жоба {n}")
        for n in range(count)
    ]


def counts(fair):
    return {project.pk: project.valid_votes for project in selectors.tally(fair)}


def test_the_tally_counts_valid_votes_only_and_sorts_best_first():
    fair = closed_fair()
    first, second = finalists(fair)
    VoteFactory.create_batch(3, project=second)
    VoteFactory(project=first)
    VoteFactory(project=second, invalidated_at=timezone.now(), invalidation_reason="bought")

    tally = selectors.tally(fair)

    assert [(project.pk, project.valid_votes) for project in tally] == [(second.pk, 3), (first.pk, 1)]


@pytest.mark.parametrize("votes", [1, 20])
def test_the_tally_takes_the_same_queries_whatever_the_votes(votes, django_assert_max_num_queries):
    fair = closed_fair()
    project, _other = finalists(fair)
    VoteFactory.create_batch(votes, project=project)

    with django_assert_max_num_queries(3):
        assert counts(fair)[project.pk] == votes


def test_freezing_waits_until_no_vote_can_still_arrive():
    fair = FairFactory(opens=timezone.now() - timedelta(days=60, seconds=30))  # closed 30 s ago
    project, _other = finalists(fair)
    VoteFactory(project=project)

    assert services.tally_freeze(fair=fair) is None
    later = fair.voting_closes_at + services.FREEZE_AFTER_CLOSE
    frozen = services.tally_freeze(fair=fair, now=later)

    assert frozen.valid_votes == 1
    assert services.tally_freeze(fair=fair, now=later + timedelta(hours=1)) == frozen
    assert FrozenTally.objects.count() == 1


def test_once_frozen_the_results_come_from_the_frozen_counts():
    fair = closed_fair()
    project, other = finalists(fair)
    VoteFactory.create_batch(2, project=project)
    services.tally_freeze(fair=fair)
    # A vote written straight into the table after the freeze (no service allows this) is not
    # in the published result: the frozen counts are.
    VoteFactory(project=other)

    assert counts(fair) == {project.pk: 2, other.pk: 0}


def test_invalidating_a_vote_after_the_freeze_takes_it_out_of_the_frozen_counts():
    fair = closed_fair()
    project, _other = finalists(fair)
    votes = VoteFactory.create_batch(3, project=project)
    services.tally_freeze(fair=fair)
    organiser = make_superuser()

    services.vote_invalidate(vote=votes[0], actor=organiser, reason="One network")

    assert counts(fair)[project.pk] == 2
    assert FrozenTally.objects.get(fair=fair).valid_votes == 2


def test_moving_the_close_counts_the_votes_again():
    fair = closed_fair(days_ago=5)
    project, _other = finalists(fair)
    VoteFactory.create_batch(2, project=project)
    services.tally_freeze(fair=fair)
    fair.voting_closes_at += timedelta(days=1)
    fair.save()
    VoteFactory(project=project)

    assert counts(fair)[project.pk] == 3  # not the frozen 2: they were for another closing time
    assert services.tally_freeze(fair=fair).valid_votes == 3


def test_the_command_freezes_every_closed_fair_once(capsys):
    fair = closed_fair()
    project, _other = finalists(fair)
    VoteFactory.create_batch(2, project=project)
    running = FairFactory(in_voting=True)

    call_command("freeze_tallies")
    call_command("freeze_tallies")

    assert capsys.readouterr().out.count(f"{fair.slug}: 2 valid votes frozen") == 1
    assert not FrozenTally.objects.filter(fair=running).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_freezes_write_one_tally():
    fair = closed_fair()
    project, _other = finalists(fair)
    VoteFactory.create_batch(2, project=project)
    outcomes = at_once(lambda: services.tally_freeze(fair=fair), [()] * 4)

    assert all(isinstance(outcome, FrozenTally) for outcome in outcomes), outcomes
    assert FrozenTally.objects.count() == 1
    assert list(FrozenCount.objects.values_list("valid_votes", flat=True)) == [2]
