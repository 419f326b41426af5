from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from projects.models import Fair, ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import NominationFactory, ProjectFactory
from tests.race import at_once
from tests.voting.conftest import last_code
from voting import selectors, services
from voting.models import Vote, VoteCode

pytestmark = pytest.mark.django_db

IP = "198.51.100.7"


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Request a code as a visitor does: the mail task is queued on commit, so run it then."""

    def request_code(**kwargs):
        kwargs.setdefault("ip", IP)
        kwargs.setdefault("language", "ru")
        with django_capture_on_commit_callbacks(execute=True):
            return services.vote_request_code(**kwargs)

    return request_code


def request_and_verify(ask, project, address, *, now=None):
    challenge = ask(project=project, address=address, ip=IP, language="ru", now=now)
    return services.vote_verify(
        code_id=challenge.pk, code=last_code(challenge_address(address)), project=project, ip=IP, now=now
    )


def challenge_address(address):
    return address.strip().lower()


def test_a_verified_code_casts_one_vote_and_forgets_the_address(finalist, ask):
    challenge = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")
    assert mail.outbox[0].subject.endswith(last_code("voter@mail.kz"))  # "Ваш код …: 123456"

    vote = services.vote_verify(
        code_id=challenge.pk, code=last_code("voter@mail.kz"), project=finalist, ip=IP
    )

    challenge.refresh_from_db()
    assert vote.project == finalist
    assert vote.voter_masked == "v***@mail.kz"
    assert vote.network == "198.51.100.0/24"
    assert challenge.address == ""
    assert challenge.used_at is not None
    assert not VoteCode.objects.filter(address__icontains="voter").exists()
    assert last_code("voter@mail.kz") not in str(VoteCode.objects.filter(pk=challenge.pk).values().get())


def test_the_same_person_cannot_vote_twice_under_another_spelling(finalist, ask):
    request_and_verify(ask, finalist, "Aigerim.N@gmail.com")
    other = ProjectFactory(fair=finalist.fair, nomination=finalist.nomination, state=ProjectState.FINALIST)

    for variant in ["aigerimn+2@gmail.com", "AIGERIM.N@googlemail.com"]:
        challenge = ask(project=other, address=variant, ip=IP, language="ru")
        code = last_code(variant.lower())
        with pytest.raises(services.AlreadyVoted) as already:
            services.vote_verify(code_id=challenge.pk, code=code, project=other, ip=IP)
        assert already.value.vote.project == finalist

    assert Vote.objects.count() == 1


def test_per_nomination_policy_allows_one_vote_in_each(finalist, ask):
    fair = finalist.fair
    fair.vote_policy = Fair.VotePolicy.PER_NOMINATION
    fair.save()
    elsewhere = ProjectFactory(
        fair=fair, nomination=NominationFactory(fair=fair), state=ProjectState.FINALIST
    )
    same_nomination = ProjectFactory(fair=fair, nomination=finalist.nomination, state=ProjectState.FINALIST)

    request_and_verify(ask, finalist, "voter@mail.kz")
    VoteCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    request_and_verify(ask, elsewhere, "voter@mail.kz")
    VoteCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with pytest.raises(services.AlreadyVoted):
        request_and_verify(ask, same_nomination, "voter@mail.kz")

    assert Vote.objects.count() == 2


def test_five_wrong_codes_from_one_network_end_its_tries(finalist, ask):
    challenge = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")
    right = last_code("voter@mail.kz")
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    for left in [4, 3, 2, 1]:
        with pytest.raises(services.VotingError) as error:
            services.vote_verify(code_id=challenge.pk, code=wrong, project=finalist, ip=IP)
        assert error.value.code == "wrong"
        assert str(left) in error.value.messages[0]
    with pytest.raises(services.VotingError) as error:  # the fifth says so at once
        services.vote_verify(code_id=challenge.pk, code=wrong, project=finalist, ip=IP)
    assert error.value.code == "locked"
    with pytest.raises(services.VotingError) as error:
        services.vote_verify(code_id=challenge.pk, code=right, project=finalist, ip=IP)

    assert error.value.code == "locked"
    assert VoteCode.objects.get().attempts == 5
    assert not Vote.objects.exists()
    # The one who asked may start again at once: the used-up code is replaced.
    fresh = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")
    assert fresh.pk != challenge.pk
    assert services.vote_verify(code_id=fresh.pk, code=last_code("voter@mail.kz"), project=finalist, ip=IP)


def test_strangers_guessing_from_many_networks_never_use_up_the_askers_tries(finalist, ask):
    challenge = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")
    right = last_code("voter@mail.kz")
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    for guess in range(services.MAX_FOREIGN_ATTEMPTS + 5):  # from fifteen other networks
        with pytest.raises(services.VotingError):
            services.vote_verify(code_id=challenge.pk, code=wrong, project=finalist, ip=f"192.0.{guess}.9")
    with pytest.raises(services.VotingError) as stranger:  # even the right code, from elsewhere
        services.vote_verify(code_id=challenge.pk, code=right, project=finalist, ip="203.0.113.5")
    assert stranger.value.code == "locked"
    assert VoteCode.objects.get().foreign_attempts == services.MAX_FOREIGN_ATTEMPTS

    assert services.vote_verify(code_id=challenge.pk, code=right, project=finalist, ip=IP)


def test_codes_expire_after_ten_minutes(finalist, ask):
    challenge = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")

    with pytest.raises(services.VotingError) as error:
        services.vote_verify(
            code_id=challenge.pk,
            code=last_code("voter@mail.kz"),
            project=finalist,
            ip=IP,
            now=timezone.now() + timedelta(minutes=11),
        )

    assert error.value.code == "expired"


def test_asking_again_mails_the_same_code_at_most_once_a_minute(finalist, ask):
    first = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")
    first_code = last_code("voter@mail.kz")
    again = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru")  # within the minute
    assert again.pk == first.pk
    assert len(mail.outbox) == 1

    later = timezone.now() + timedelta(minutes=2)
    resent = ask(project=finalist, address="voter@mail.kz", ip=IP, language="ru", now=later)

    assert resent.pk == first.pk
    assert len(mail.outbox) == 2
    assert last_code("voter@mail.kz") == first_code  # either e-mail works
    assert services.vote_verify(code_id=first.pk, code=first_code, project=finalist, ip=IP, now=later)


def test_votes_only_for_finalists_inside_the_window(finalist, ask):
    submitted = ProjectFactory(fair=finalist.fair, state=ProjectState.SUBMITTED, is_public=True)
    fair = finalist.fair

    with pytest.raises(services.VotingError) as error:
        ask(project=submitted, address="v@mail.kz", ip=IP, language="ru")
    assert error.value.code == "not_finalist"
    with pytest.raises(services.VotingError) as error:
        ask(project=finalist, address="v@mail.kz", ip=IP, language="ru", now=fair.voting_closes_at)
    assert error.value.code == "closed"
    with pytest.raises(services.VotingError) as error:
        ask(
            project=finalist,
            address="v@mail.kz",
            ip=IP,
            language="ru",
            now=fair.voting_opens_at - timedelta(seconds=1),
        )
    assert error.value.code == "not_started"
    assert not VoteCode.objects.exists()


def test_a_code_used_after_the_window_closed_casts_nothing(finalist, ask):
    challenge = ask(project=finalist, address="v@mail.kz", ip=IP, language="ru")
    fair = finalist.fair

    with pytest.raises(services.VotingError) as error:
        services.vote_verify(
            code_id=challenge.pk,
            code=last_code("v@mail.kz"),
            project=finalist,
            ip=IP,
            now=fair.voting_closes_at,
        )

    assert error.value.code in ("closed", "expired")
    assert not Vote.objects.exists()


def test_invalidated_votes_leave_the_tally_but_stay_recorded(finalist, ask):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    vote = request_and_verify(ask, finalist, "voter@mail.kz")
    assert {p.pk: p.valid_votes for p in selectors.tally(finalist.fair)}[finalist.pk] == 1

    services.vote_invalidate(vote=vote, actor=organiser, reason="Burst from one network")

    assert {p.pk: p.valid_votes for p in selectors.tally(finalist.fair)}[finalist.pk] == 0
    assert selectors.receipt_status(vote.receipt) == "invalidated"
    assert selectors.receipt_status("NONE-SUCH-CODE") == "unknown"
    assert Vote.objects.count() == 1


def test_mail_to_an_address_is_capped_per_network(finalist, ask):
    # The quota counts per clock hour: start at the top of one so all six requests share it.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for n in range(5):  # each code has expired before the next request: five e-mails
        ask(project=finalist, address="v@mail.kz", ip=IP, language="ru", now=now + timedelta(minutes=11 * n))
    assert len(mail.outbox) == 5

    with pytest.raises(services.VotingError) as error:
        ask(project=finalist, address="v+x@mail.kz", ip=IP, language="ru", now=now + timedelta(minutes=56))

    assert error.value.code == "too_many"
    # Another network is not refused: it has its own quota (the address's total cap is higher).
    assert ask(
        project=finalist,
        address="v@mail.kz",
        ip="203.0.113.5",
        language="ru",
        now=now + timedelta(minutes=56),
    )


def test_the_database_itself_refuses_a_second_vote(finalist):
    from django.db import IntegrityError, transaction

    vote = services.vote_cast(
        project=finalist,
        voter_digest="d" * 64,
        voter_masked="v***@mail.kz",
        email_domain="mail.kz",
        channel="email",
        ip=IP,
        now=timezone.now(),
    )

    # What a racing request would do after passing the "already voted?" check.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            fair=vote.fair,
            project=vote.project,
            scope="",
            voter_digest=vote.voter_digest,
            voter_masked="x",
            channel="email",
            ip_digest="x",
            receipt="TEST-TEST-TEST",
            created_at=timezone.now(),
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_casts_for_different_projects_leave_one_vote(finalist):
    projects = [finalist] + [
        ProjectFactory(fair=finalist.fair, nomination=finalist.nomination, state=ProjectState.FINALIST)
        for _ in range(4)
    ]

    def cast(project):
        return services.vote_cast(
            project=project,
            voter_digest="e" * 64,
            voter_masked="v***@mail.kz",
            email_domain="mail.kz",
            channel="email",
            ip=IP,
            now=timezone.now(),
        )

    outcomes = at_once(cast, [(projects[n % 5],) for n in range(20)])

    assert Vote.objects.count() == 1
    assert sum(isinstance(outcome, Vote) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, services.AlreadyVoted) for outcome in outcomes) == 19


def test_a_person_who_voted_learns_it_only_with_a_correct_code(finalist, ask):
    request_and_verify(ask, finalist, "dana.k@mail.kz")
    later = timezone.now() + timedelta(minutes=2)
    again = ask(project=finalist, address="Dana.K@mail.kz", now=later)

    with pytest.raises(services.VotingError) as error:
        services.vote_verify(
            code_id=again.pk,
            code="000000" if last_code("dana.k@mail.kz") != "000000" else "111111",
            project=finalist,
            ip=IP,
            now=later,
        )
    assert error.value.code == "wrong"
    with pytest.raises(services.AlreadyVoted):
        services.vote_verify(
            code_id=again.pk, code=last_code("dana.k@mail.kz"), project=finalist, ip=IP, now=later
        )


def test_asking_again_within_a_minute_sends_nothing_and_uses_no_quota(finalist, ask):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for _ in range(10):
        ask(project=finalist, address="v@mail.kz", now=now)
    assert len(mail.outbox) == 1

    later = ask(project=finalist, address="v@mail.kz", now=now + timedelta(minutes=11))

    assert later.pk
    assert len(mail.outbox) == 2


def test_the_clear_address_is_gone_once_the_code_is_sent(finalist, ask):
    ask(project=finalist, address="private@mail.kz")

    assert VoteCode.objects.get().address == ""
    assert last_code("private@mail.kz")


def test_an_already_voted_check_uses_up_the_code(finalist, ask):
    request_and_verify(ask, finalist, "v@mail.kz")
    later = timezone.now() + timedelta(minutes=2)
    challenge = ask(project=finalist, address="v+again@mail.kz", now=later)
    code = last_code("v+again@mail.kz")

    with pytest.raises(services.AlreadyVoted):
        services.vote_verify(code_id=challenge.pk, code=code, project=finalist, ip=IP, now=later)

    challenge.refresh_from_db()
    assert challenge.used_at is not None
