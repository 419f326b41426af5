"""The demo's votes step: about 3 000 votes on the archived fair, so its results page has something
to show, and a few hundred on the fair in voting, including one suspicious burst from one network
for the admin's cluster view; then the tallies step freezes what the minutely job would have.

Every vote comes with the e-mail code that let it in (used a few minutes after it was sent), and a
share of codes were asked for and never used, as on a real fair: the organisers' dashboard then
shows per channel as many used codes as valid votes. Every vote and code lies inside the fair's
voting window so far, never after now.
"""

import random
from datetime import datetime, timedelta

from demo.fairs import FAIRS, SLUGS, MissingFair
from projects.models import Fair, ProjectState
from voting import identity, protocol
from voting import services as voting_services
from voting.models import Channel, FrozenTally, LedgerCommitment, ResultsProtocol, Vote, VoteCode

DOMAINS = ["mail.kz", "mail.ru", "gmail.com", "yandex.kz", "inbox.kz", "bk.ru"]
# The language of the page a visitor asked for the code on (it is the code e-mail's language).
LANGUAGES, LANGUAGE_WEIGHTS = ("kk", "ru", "en"), (5, 4, 1)
# Visitors who asked for a code and never typed it in, per vote cast.
UNUSED_CODES = 0.08
# The demo votes of each fair: how many per finalist, and whether a burst from one network.
VOTES_PER_FINALIST = {"voting": (0, 12), "archived": (20, 160)}
BURST = "voting"
# Votes stop nine days into voting: the archived fair's results look like an early count's.
VOTING_DAYS = timedelta(days=9)


def delete() -> str:
    # What was frozen from the votes goes with them (the protocol protects its fair).
    for model in (ResultsProtocol, LedgerCommitment, FrozenTally):
        model.objects.filter(fair__slug__in=SLUGS).delete()
    deleted, _by_model = Vote.objects.filter(fair__slug__in=SLUGS).delete()
    VoteCode.objects.filter(fair__slug__in=SLUGS).delete()
    return f"Deleted {deleted} demo votes."


def seed(*, now: datetime) -> str:
    fairs = {name: FAIRS[name].get() for name in VOTES_PER_FINALIST}
    if not any(fairs.values()):
        raise MissingFair(FAIRS["voting"])
    if Vote.objects.filter(fair__in=[fair for fair in fairs.values() if fair]).exists():
        return "The demo fairs already have votes; nothing to do."
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not secrets
    votes, codes = [], []
    for name, fair in fairs.items():
        if fair is None:
            continue
        start, end = voting_window(fair, now)
        if end <= start:
            continue
        finalists = list(fair.projects.filter(state=ProjectState.FINALIST).order_by("pk"))
        for project in finalists:
            for _n in range(rng.randint(*VOTES_PER_FINALIST[name])):
                votes.append(_vote(rng, fair, project, codes, rng_time(rng, start, end), start))
        if finalists and name == BURST:
            # A burst from one network within minutes: what the cluster view is for.
            burst_at = start + (end - start) / 2
            burst_end = min(end, burst_at + timedelta(minutes=6))
            for n in range(12):
                votes.append(
                    _vote(
                        rng, fair, finalists[0], codes, rng_time(rng, burst_at, burst_end), start, network=n
                    )
                )
        # Codes asked for and left unused: expired by now, so the fair has no live code lying about.
        last_unused = end - voting_services.CODE_VALIDITY
        if finalists and last_unused > start:
            cast = sum(1 for vote in votes if vote.fair_id == fair.pk)
            for _n in range(round(cast * UNUSED_CODES)):
                sent_at = rng_time(rng, start, last_unused)
                codes.append(_code(rng, fair, rng.choice(finalists), _person(rng), _ip(rng), sent_at))
    Vote.objects.bulk_create(votes, batch_size=1000)
    VoteCode.objects.bulk_create(codes, batch_size=1000)
    return f"Created {len(votes)} demo votes and {len(codes)} e-mail codes."


def freeze(*, now: datetime) -> str:
    """What the minutely `freeze_tallies` job would have done for the demo fairs by now: the fair in
    voting gets its daily ballot commitment, the closed fairs their frozen tally and protocol."""
    done = []
    for fair in Fair.objects.filter(slug__in=SLUGS).order_by("pk"):
        if fair.voting_opens_at <= now < fair.voting_closes_at:
            if protocol.ledger_commit_due(fair=fair, now=now) and protocol.ledger_commit(fair=fair, now=now):
                done.append(f"{fair.slug}: ballot commitment")
        elif voting_services.tally_freeze(fair=fair, now=now) is not None:
            latest = protocol.latest_protocol(fair)
            frozen = protocol.protocol_freeze(fair=fair, now=now)
            if frozen is not None and (latest is None or frozen.pk != latest.pk):
                done.append(f"{fair.slug}: tally and protocol frozen")
    return "Tallies: " + ("; ".join(done) or "nothing to freeze")


def voting_window(fair: Fair, now: datetime) -> tuple[datetime, datetime]:
    """When the demo's votes on `fair` fall: from the opening, for nine days at most, never after
    voting closed and never after now."""
    start = fair.voting_opens_at
    return start, min(fair.voting_closes_at, start + VOTING_DAYS, now)


def rng_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _person(rng: random.Random) -> str:
    return f"demo-voter-{rng.getrandbits(64):x}@{rng.choice(DOMAINS)}"


def _ip(rng: random.Random, network: int | None = None) -> str:
    if network is not None:
        return f"203.0.113.{rng.randint(1, 250)}"
    return f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 250)}"


def _code(rng, fair, project, person: str, ip: str, sent_at: datetime, *, used_at=None) -> VoteCode:
    """The e-mail code `person` asked for at `sent_at` (the address erased once sent, as the
    sending task does; e-mail codes get no delivery report)."""
    voter = identity.email_identity(person)
    return VoteCode(
        fair=fair,
        project=project,
        channel=Channel.EMAIL,
        voter_digest=voter.digest,
        voter_masked=voter.masked,
        code_secret=identity.new_code_secret(),
        network=identity.network_of(ip),
        language=rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
        created_at=sent_at,
        expires_at=sent_at + voting_services.CODE_VALIDITY,
        sends=1,
        last_sent_at=sent_at,
        used_at=used_at,
    )


def _vote(rng, fair, project, codes: list, cast_at: datetime, opened: datetime, network=None) -> Vote:
    """A vote cast at `cast_at`, and the code that let it in, sent a few minutes before (but not
    before voting opened) and still valid when typed in."""
    person, ip = _person(rng), _ip(rng, network)
    sent_at = max(opened, cast_at - timedelta(seconds=rng.randint(40, 540)))
    codes.append(_code(rng, fair, project, person, ip, sent_at, used_at=cast_at))
    voter = identity.email_identity(person)
    return Vote(
        fair=fair,
        project=project,
        nomination_id=project.nomination_id,
        scope="",
        voter_digest=voter.digest,
        voter_masked=voter.masked,
        email_domain=voter.domain,
        channel=Channel.EMAIL,
        ip_digest=identity.ip_digest(ip),
        network=identity.network_of(ip),
        receipt=identity.new_receipt(),
        created_at=cast_at,
    )
