"""Public voting: one vote per verified visitor, enforced by PostgreSQL.

Flow: `vote_request_code` (address → a code is mailed by a task) → `vote_verify` (code →
`vote_cast`). Counters that must survive across requests and processes (wrong attempts,
requests per address) live in the database, never in the session.
"""

import contextlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal import audit, page_cache, ratelimit
from fairportal.locks import row_lock
from projects.models import Fair, Project, ProjectState
from voting import abuse, channels, identity, protocol
from voting.models import FrozenCount, FrozenTally, Vote, VoteCode, VotingAlert
from voting.tasks import send_vote_code

CODE_VALIDITY = timedelta(minutes=10)
# Wrong codes, per code: 5 from each network (IPv4 /24, IPv6 /48: a subscriber gets a /48 for
# the asking), and 50 in all from networks other than the one that asked for the code.
# Strangers' guesses never use up the asker's own tries; shutting out another network takes
# ten networks every ten minutes; and guessing from many networks stays bounded (at most 55
# guesses in 10⁶ per code, for a code that lives ten minutes and that strangers cannot renew).
MAX_WRONG_PER_NETWORK = 5
MAX_FOREIGN_ATTEMPTS = 50
# A request for the live code mails it again at most this often and this many times.
RESEND_AFTER = timedelta(seconds=60)
MAX_SENDS_PER_CODE = 4
# Mail to one address: per requesting network, and in all (the cap a mail-bomber meets).
MAILS_PER_ADDRESS_AND_NETWORK = (5, 3600)  # (limit, seconds)
MAILS_PER_ADDRESS = (20, 3600)
# Past the total, one mail per new network, up to this many times the total.
MAILS_HARD_CAP_FACTOR = 3
# Wrong codes per address and network in an hour before that network is refused for the hour.
LOCKOUT_FAILURES = 10
# A vote checked just before the close may commit a little after it (a request lives at most
# gunicorn's timeout): the tally is frozen only once no such vote can still arrive.
FREEZE_AFTER_CLOSE = timedelta(minutes=2)


class VotingError(ValidationError):
    """A refusal the visitor is told about in plain words (with a `code` for the view)."""


@dataclass
class AlreadyVoted(Exception):
    vote: Vote


def can_vote_for(project: Project, now: datetime) -> bool:
    return project.state == ProjectState.FINALIST and project.fair.voting_open_at(now)


def offered_channels(fair: Fair) -> list[str]:
    """The kinds of identity this fair takes here and now, e.g. ["email", "sms"]."""
    return [channel.kind for channel in channels.channels_for(fair)]


def _check_votable(project: Project, now: datetime) -> None:
    fair = project.fair
    if project.state != ProjectState.FINALIST or not fair.is_published:
        raise VotingError(_("Only finalists of the fair can receive votes."), code="not_finalist")
    if now < fair.voting_opens_at:
        raise VotingError(_("Voting has not started yet."), code="not_started")
    if now >= fair.voting_closes_at:
        raise VotingError(_("Voting has closed."), code="closed")


def _scope(fair: Fair, project: Project) -> str:
    return str(project.nomination_id or "") if fair.vote_policy == Fair.VotePolicy.PER_NOMINATION else ""


def existing_vote(fair: Fair, project: Project, voter_digest: str, legacy_digests=()) -> Vote | None:
    return (
        Vote.objects.select_related("project")
        .filter(fair=fair, voter_digest__in=[voter_digest, *legacy_digests], scope=_scope(fair, project))
        .first()
    )


def _is_live(challenge: VoteCode, now: datetime) -> bool:
    return challenge.used_at is None and challenge.replaced_at is None and now < challenge.expires_at


def _mail_quota_keys(voter_digest: str, network: str) -> list[tuple[str, tuple[int, int]]]:
    return [
        (f"voting.mails:{voter_digest}:{network}", MAILS_PER_ADDRESS_AND_NETWORK),
        (f"voting.mails:{voter_digest}", MAILS_PER_ADDRESS),
    ]


def _mail_allowed(voter_digest: str, network: str, now: datetime) -> bool:
    """Within the address's quota for this network, and within its total — except that a
    network which has had no mail for the address this hour still gets one, below a hard cap:
    strangers on many networks using up the total must not shut the owner's network out."""
    (network_key, (network_limit, period)), (total_key, (total_limit, _period)) = _mail_quota_keys(
        voter_digest, network
    )
    if ratelimit.is_over(network_key, limit=network_limit, period=period, now=now):
        return False
    if not ratelimit.is_over(total_key, limit=total_limit, period=period, now=now):
        return True
    first_for_network = not ratelimit.is_over(network_key, limit=1, period=period, now=now)
    return first_for_network and not ratelimit.is_over(
        total_key, limit=total_limit * MAILS_HARD_CAP_FACTOR, period=period, now=now
    )


def _queue_send(challenge: VoteCode, *, deliver_to: str, network: str, now: datetime) -> None:
    challenge.address = deliver_to
    challenge.sends += 1
    challenge.last_sent_at = now
    challenge.save(update_fields=["address", "sends", "last_sent_at"])
    for key, (limit, period) in _mail_quota_keys(challenge.voter_digest, network):
        ratelimit.hit(key, limit=limit, period=period, now=now)
    transaction.on_commit(lambda: send_vote_code.enqueue(challenge.pk), robust=True)


def _network_key(network: str) -> str:
    return network or "unknown"


def vote_request_code(
    *, project: Project, address: str, ip: str, language: str, now: datetime | None = None
) -> VoteCode:
    """Give the visitor the identity's one live code in this fair; the answer is always the same.

    Locks the live `VoteCode` row of (fair, identity) — `voting_votecode_one_live_per_voter`
    makes a second live row impossible, so concurrent first requests end with one code. A live
    code is never replaced by a request from a network other than the one that asked for it:
    whoever asks, the same code is mailed again at most once a minute and `MAX_SENDS_PER_CODE`
    times, so nobody can invalidate the code the owner holds. Only an expired code, or one whose
    asker used up their own tries, is replaced. Every request meets the same gates whatever
    became of the code, and nothing here looks at votes: the reply cannot tell whether the
    address has voted.
    """
    now = now or timezone.now()
    _check_votable(project, now)
    channel, voter = channels.identify(project.fair, address)
    network = _network_key(identity.network_of(ip))
    abuse.note_code_request(fair=project.fair, now=now)
    if ratelimit.is_over(
        f"voting.failures:{voter.digest}:{network}", limit=LOCKOUT_FAILURES, period=3600, now=now
    ):
        raise VotingError(
            _("Too many wrong codes were entered for this address. Please try again in an hour."),
            code="locked",
        )
    try:
        abuse.admit_request(fair=project.fair, domain=voter.domain, network=network, ip=ip, now=now)
    except abuse.VelocityExceeded as busy:
        raise VotingError(busy.message, code="busy") from None
    if not _mail_allowed(voter.digest, network, now):
        raise VotingError(
            _("Too many codes were requested for this address. Please try again in an hour."),
            code="too_many",
        )
    with transaction.atomic():
        live = _live_code(project.fair, voter.digest)
        if live and _is_live(live, now) and not _spent_by_its_own_network(live, network, now):
            if voter.legacy_digest and voter.legacy_digest not in live.legacy_digests:
                live.legacy_digests = [*live.legacy_digests, voter.legacy_digest]
                live.save(update_fields=["legacy_digests"])
            if (
                now - (live.last_sent_at or live.created_at) >= RESEND_AFTER
                and live.sends < MAX_SENDS_PER_CODE
            ):
                _queue_send(live, deliver_to=voter.deliver_to, network=network, now=now)
            return live
        if live:
            live.replaced_at, live.address = now, ""
            live.save(update_fields=["replaced_at", "address"])
        try:
            with transaction.atomic():
                challenge = VoteCode.objects.create(
                    fair=project.fair,
                    project=project,
                    channel=channel.kind,
                    voter_digest=voter.digest,
                    legacy_digests=[voter.legacy_digest] if voter.legacy_digest else [],
                    voter_masked=voter.masked,
                    code_secret=identity.new_code_secret(),
                    network=network,
                    language=language,
                    created_at=now,
                    expires_at=now + CODE_VALIDITY,
                )
        except IntegrityError:
            # A concurrent request created the live code first: this visitor shares it.
            winner = _live_code(project.fair, voter.digest)
            if winner is None:
                raise
            return winner
        _queue_send(challenge, deliver_to=voter.deliver_to, network=network, now=now)
    return challenge


def vote_resend_code(
    *, code_id: int, project: Project, address: str, ip: str, language: str, now: datetime | None = None
) -> VoteCode:
    """Send the session's code again from the code page, through `vote_request_code`'s gates.

    The clear address is never kept, so the visitor types it again; it must be the identity the
    code was made for (a session that passed the vote form's checks once cannot use this page to
    mail codes to other addresses). Earlier than `RESEND_AFTER`, or past `MAX_SENDS_PER_CODE`, the
    visitor is told so instead of the silence `vote_request_code` keeps for strangers.
    """
    now = now or timezone.now()
    code = VoteCode.objects.filter(pk=code_id, project=project).first()
    _channel, voter = channels.identify(project.fair, address)
    if code is None or (voter.digest != code.voter_digest and voter.legacy_digest not in code.legacy_digests):
        raise VotingError(
            _("This is not the address the code was sent to. To use another one, start the vote again."),
            code="other_address",
        )
    if _is_live(code, now):
        wait = resend_wait_seconds(code, now=now)
        if wait:
            raise VotingError(
                _("The code was sent less than a minute ago. You can ask for it again in %(seconds)s s."),
                code="too_soon",
                params={"seconds": wait},
            )
        if code.sends >= MAX_SENDS_PER_CODE:
            raise VotingError(
                _("This code was already sent %(count)s times. Check the spam folder, or start again later."),
                code="sent_enough",
                params={"count": code.sends},
            )
    return vote_request_code(project=project, address=address, ip=ip, language=language, now=now)


def resend_wait_seconds(code: VoteCode, *, now: datetime) -> int:
    """Seconds until this code may be sent again (0: now)."""
    ready_at = (code.last_sent_at or code.created_at) + RESEND_AFTER
    return max(0, int((ready_at - now).total_seconds() + 0.999))


def _spent_by_its_own_network(challenge: VoteCode, network: str, now: datetime) -> bool:
    """Whoever asked for the code first mistyped it too often: they may get a fresh one.

    A stranger on another network who guesses wrong only uses up their own tries, and cannot
    replace the code of the network that asked for it.
    """
    return challenge.network == network and ratelimit.is_over(
        _code_tries_key(challenge, network), limit=MAX_WRONG_PER_NETWORK, period=3600, now=now
    )


def _code_tries_key(challenge: VoteCode, network: str) -> str:
    return f"voting.code-failures:{challenge.pk}:{_guessing_network(network)}"


def _guessing_network(network: str) -> str:
    """Tries are counted per IPv6 /48 (one subscriber's allocation), per IPv4 /24 as elsewhere."""
    if ":" in network:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(network).supernet(new_prefix=48))
    return network


def _live_code(fair: Fair, voter_digest: str) -> VoteCode | None:
    with row_lock():
        return (
            VoteCode.objects.select_for_update()
            .filter(fair=fair, voter_digest=voter_digest, used_at__isnull=True, replaced_at__isnull=True)
            .first()
        )


def _unusable() -> VotingError:
    return VotingError(_("This code can no longer be used. Ask for a new code."), code="unusable")


def vote_verify(*, code_id: int, code: str, project: Project, ip: str, now: datetime | None = None) -> Vote:
    """Check the code and cast the vote for `project` (the visitor's own choice, from their
    session — not the project whoever requested the code chose); raises VotingError or AlreadyVoted.

    The code row is locked (`select_for_update`) so that a double submit checks and uses it
    once, and the tries are counted under that lock. What became of a code (used, replaced,
    expired) is told only to someone who types it correctly: a wrong guess gets the same answer
    whatever the code's state, so a stranger holding the code's id learns nothing, and which
    project an identity voted for (AlreadyVoted) needs the correct code. A stranger's wrong
    guesses use up only their own network's tries and the foreign allowance, never the tries
    of the network that asked for the code.
    """
    now = now or timezone.now()
    network = _network_key(identity.network_of(ip))
    already = failure = None
    # Before the lock and in autocommit, so the refusal's alert is kept: a domain that has had its
    # share of verified votes waits (voting.abuse), whoever holds its codes.
    if pending := VoteCode.objects.select_related("fair").filter(pk=code_id).first():
        try:
            abuse.admit_verification(
                fair=pending.fair, domain=pending.voter_masked.partition("@")[2], now=now
            )
        except abuse.VelocityExceeded as busy:
            raise VotingError(busy.message, code="busy") from None
    with transaction.atomic():
        with row_lock():
            challenge = VoteCode.objects.select_for_update().select_related("fair").filter(pk=code_id).first()
        if challenge is None:
            raise _unusable()
        tries = _code_tries_key(challenge, network)
        foreign = network != challenge.network
        if ratelimit.is_over(tries, limit=MAX_WRONG_PER_NETWORK, period=3600, now=now) or (
            foreign and challenge.foreign_attempts >= MAX_FOREIGN_ATTEMPTS
        ):
            raise VotingError(_("Too many wrong attempts. Ask for a new code."), code="locked")
        if not identity.codes_match(challenge.pk, challenge.code_secret, code):
            challenge.attempts += 1
            challenge.foreign_attempts += int(foreign)
            challenge.save(update_fields=["attempts", "foreign_attempts"])
            # Counted inside the lock, so parallel guesses cannot overshoot the network's tries.
            used = ratelimit.hit(tries, limit=MAX_WRONG_PER_NETWORK, period=3600, now=now).count
            left = MAX_WRONG_PER_NETWORK - used
            if foreign:
                left = min(left, MAX_FOREIGN_ATTEMPTS - challenge.foreign_attempts)
            failure = (
                VotingError(
                    _("The code is not right. Attempts left: %(left)s.") % {"left": left}, code="wrong"
                )
                if left > 0
                else VotingError(_("Too many wrong attempts. Ask for a new code."), code="locked")
            )
        elif challenge.used_at or challenge.replaced_at:
            # The right code of a spent challenge: its owner, who may learn that they voted.
            if vote := existing_vote(
                challenge.fair, project, challenge.voter_digest, challenge.legacy_digests
            ):
                raise AlreadyVoted(vote)
            raise _unusable()
        elif now >= challenge.expires_at:
            raise VotingError(_("This code has expired. Ask for a new one."), code="expired")
        else:
            if project.fair_id != challenge.fair_id:
                raise _unusable()
            _check_votable(project, now)
            challenge.used_at = now
            challenge.address = ""
            challenge.save(update_fields=["used_at", "address"])
            try:
                vote = vote_cast(
                    project=project,
                    voter_digest=challenge.voter_digest,
                    voter_masked=challenge.voter_masked,
                    email_domain=challenge.voter_masked.partition("@")[2],
                    channel=challenge.channel,
                    ip=ip,
                    now=now,
                    legacy_digests=challenge.legacy_digests,
                )
            except AlreadyVoted as exc:
                already = exc  # raised below, after the code is committed as used
            else:
                abuse.note_verified(fair=challenge.fair, domain=vote.email_domain, now=now)
                return vote
    if already:
        raise already
    # Outside the transaction: the attempt above is committed whatever happens next.
    ratelimit.hit(
        f"voting.failures:{challenge.voter_digest}:{network}", limit=LOCKOUT_FAILURES, period=3600, now=now
    )
    raise failure


def vote_cast(
    *,
    project: Project,
    voter_digest: str,
    voter_masked: str,
    email_domain: str,
    channel: str,
    ip: str,
    now: datetime,
    legacy_digests=(),
) -> Vote:
    """Record the voter's single vote in this fair (or nomination).

    Locks nothing: the unique constraint `voting_vote_one_per_voter_per_scope` decides between
    concurrent requests, and the loser gets AlreadyVoted, exactly like the pre-check. A vote
    stored under one of `legacy_digests` (cast before the canonical identities) counts too.
    """
    fair = project.fair
    if previous := existing_vote(fair, project, voter_digest, legacy_digests):
        raise AlreadyVoted(previous)
    try:
        with transaction.atomic():
            return Vote.objects.create(
                fair=fair,
                project=project,
                nomination_id=project.nomination_id,
                scope=_scope(fair, project),
                voter_digest=voter_digest,
                voter_masked=voter_masked,
                email_domain=email_domain,
                channel=channel,
                ip_digest=identity.ip_digest(ip),
                network=identity.network_of(ip),
                receipt=identity.new_receipt(),
                created_at=now,
            )
    except IntegrityError:
        previous = existing_vote(fair, project, voter_digest)
        if previous is None:  # not the voter constraint (a receipt collision): let it surface
            raise
        raise AlreadyVoted(previous) from None


@transaction.atomic
def vote_invalidate(*, vote: Vote, actor, reason: str, now: datetime | None = None) -> Vote:
    """Mark a suspicious vote as not counted; the vote itself stays, with who and why."""
    if not actor.has_perm("voting.invalidate_vote"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give a reason for invalidating votes."), code="reason_required")
    with row_lock():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.invalidated_at is None:
        vote.invalidated_at = now or timezone.now()
        vote.invalidated_by = actor
        vote.invalidation_reason = reason.strip()
        vote.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])
        # Counts frozen after the close no longer include it (the row lock keeps it exact).
        FrozenCount.objects.filter(tally__fair_id=vote.fair_id, project_id=vote.project_id).update(
            valid_votes=F("valid_votes") - 1
        )
        FrozenTally.objects.filter(fair_id=vote.fair_id).update(valid_votes=F("valid_votes") - 1)
        # A frozen protocol no longer says what the database says: the next freeze run publishes
        # a new, dated revision (the old one stays listed).
        protocol.protocol_outdate(fair=vote.fair)
        audit.record(actor=actor, action="vote.invalidated", target=vote, reason=vote.invalidation_reason)
        page_cache.invalidate()  # the results page counts valid votes
    return vote


def tally_freeze(*, fair: Fair, now: datetime | None = None) -> FrozenTally | None:
    """Freeze the fair's valid votes per project once voting has closed; idempotent.

    Returns the frozen tally, or None while it is too early (voting open, or closed for less
    than FREEZE_AFTER_CLOSE). A tally frozen for another closing time (the close was moved) is
    counted again. Safe to run from several processes: the fair's row lock orders them.
    """
    now = now or timezone.now()
    if now < fair.voting_closes_at + FREEZE_AFTER_CLOSE:
        return None
    with transaction.atomic():
        with row_lock():
            fair = Fair.objects.select_for_update().get(pk=fair.pk)
        existing = FrozenTally.objects.filter(fair=fair).first()
        if existing and existing.closes_at == fair.voting_closes_at:
            return existing
        if existing:
            existing.delete()
        total = Vote.objects.valid().filter(fair=fair).count()
        frozen = FrozenTally.objects.create(
            fair=fair, closes_at=fair.voting_closes_at, frozen_at=now, valid_votes=total
        )
        counts = (
            Vote.objects.valid()
            .filter(fair=fair)
            .values("project_id")
            .annotate(count=Count("*"))
            .values_list("project_id", "count")
            .order_by()
        )
        FrozenCount.objects.bulk_create(
            FrozenCount(tally=frozen, project_id=project_id, valid_votes=count)
            for project_id, count in counts
        )
        page_cache.invalidate()
    return frozen


def alert_acknowledge(*, alert: VotingAlert, actor, now: datetime | None = None) -> VotingAlert:
    """An organiser has looked at the cluster: the banner goes until it crosses its threshold again."""
    if not actor.has_perm("voting.change_votingalert"):
        raise PermissionDenied
    with transaction.atomic():
        VotingAlert.objects.filter(pk=alert.pk).update(
            acknowledged_at=now or timezone.now(), acknowledged_by=actor
        )
        alert.refresh_from_db()
        audit.record(actor=actor, action="voting_alert.acknowledged", target=alert)
    return alert
