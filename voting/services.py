"""Public voting: one vote per verified visitor, enforced by PostgreSQL.

Flow: `vote_request_code` (address → a code is mailed by a task) → `vote_verify` (code →
`vote_cast`). Counters that must survive across requests and processes (wrong attempts,
requests per address) live in the database, never in the session.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal import audit, ratelimit
from projects.models import Fair, Project, ProjectState
from voting import identity, sms
from voting.models import Channel, Vote, VoteCode
from voting.tasks import send_vote_code

CODE_VALIDITY = timedelta(minutes=10)
MAX_WRONG_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
# Wrong codes per address and hour, across codes, before the address is locked for the hour.
LOCKOUT_FAILURES = 10
CODES_PER_ADDRESS = (5, 3600)  # (limit, seconds)


class VotingError(ValidationError):
    """A refusal the visitor is told about in plain words (with a `code` for the view)."""


@dataclass
class AlreadyVoted(Exception):
    vote: Vote


def can_vote_for(project: Project, now: datetime) -> bool:
    return project.state == ProjectState.FINALIST and project.fair.voting_open_at(now)


def sms_voting_allowed(fair: Fair) -> bool:
    return fair.sms_voting and sms.sms_available()


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


def existing_vote(fair: Fair, project: Project, voter_digest: str) -> Vote | None:
    return (
        Vote.objects.select_related("project")
        .filter(fair=fair, voter_digest=voter_digest, scope=_scope(fair, project))
        .first()
    )


def vote_request_code(
    *, project: Project, address: str, ip: str, language: str, now: datetime | None = None
) -> VoteCode:
    """Queue a one-time code for `address`; the answer never says whether it has voted.

    Replaces any earlier unused code of the same person in this fair (a resend), so only
    the newest code works.
    """
    now = now or timezone.now()
    _check_votable(project, now)
    if "@" not in address and sms_voting_allowed(project.fair):
        channel, voter = Channel.SMS, identity.phone_identity(address)
    else:
        channel, voter = Channel.EMAIL, identity.email_identity(address)
    quota_key = f"voting.codes:{voter.digest}"
    if ratelimit.is_over(quota_key, limit=CODES_PER_ADDRESS[0], period=CODES_PER_ADDRESS[1], now=now):
        raise VotingError(
            _("Too many codes were requested for this address. Please try again in an hour."), code="too_many"
        )
    if ratelimit.is_over(f"voting.failures:{voter.digest}", limit=LOCKOUT_FAILURES, period=3600, now=now):
        raise VotingError(
            _("Too many wrong codes were entered for this address. Please try again in an hour."),
            code="locked",
        )
    with transaction.atomic():
        latest = (
            VoteCode.objects.select_for_update()
            .filter(
                fair=project.fair, voter_digest=voter.digest, used_at__isnull=True, replaced_at__isnull=True
            )
            .order_by("-created_at")
            .first()
        )
        # A locked code may be replaced at once: waiting would only punish the person.
        if latest and now - latest.created_at < RESEND_AFTER and latest.attempts < MAX_WRONG_ATTEMPTS:
            raise VotingError(
                _("A code was sent less than a minute ago. Please check your mail, or wait a minute."),
                code="too_soon",
            )
        VoteCode.objects.filter(
            fair=project.fair, voter_digest=voter.digest, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=now, address="")
        challenge = VoteCode.objects.create(
            fair=project.fair,
            project=project,
            channel=channel,
            voter_digest=voter.digest,
            voter_masked=voter.masked,
            # Mail goes to the address as typed: not every provider delivers "+tag" to the
            # bare name. The normalised form only decides who counts as the same voter.
            address=voter.normalised if channel == Channel.SMS else address.strip(),
            language=language,
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
        transaction.on_commit(lambda: send_vote_code.enqueue(challenge.pk), robust=True)
        # Only codes actually issued count against the address's hourly quota.
        ratelimit.hit(quota_key, limit=CODES_PER_ADDRESS[0], period=CODES_PER_ADDRESS[1], now=now)
    return challenge


def vote_verify(*, code_id: int, code: str, ip: str, now: datetime | None = None) -> Vote:
    """Check the code and cast the vote; raises VotingError or AlreadyVoted.

    The code row is locked (`select_for_update`) so that a double submit checks and uses it
    once; a wrong attempt is committed before the refusal, so counting survives any session.
    """
    now = now or timezone.now()
    failure = already = None
    with transaction.atomic():
        challenge = (
            VoteCode.objects.select_for_update().select_related("fair", "project").filter(pk=code_id).first()
        )
        if challenge is None:
            raise VotingError(
                _("This code has been replaced by a newer one. Use the latest code."), code="replaced"
            )
        usable = not (challenge.used_at or challenge.replaced_at) and now < challenge.expires_at
        if not usable or challenge.attempts >= MAX_WRONG_ATTEMPTS:
            # Whatever happened to this code, a person who has voted meanwhile (from another
            # phone, say) learns that, rather than being sent round in circles.
            if vote := existing_vote(challenge.fair, challenge.project, challenge.voter_digest):
                raise AlreadyVoted(vote)
            raise _unusable(challenge, now)
        if not identity.codes_match(challenge.code_digest, challenge.pk, code):
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            left = MAX_WRONG_ATTEMPTS - challenge.attempts
            failure = (
                VotingError(
                    _("The code is not right. Attempts left: %(left)s.") % {"left": left}, code="wrong"
                )
                if left
                else VotingError(_("Too many wrong attempts. Ask for a new code."), code="locked")
            )
        else:
            _check_votable(challenge.project, now)
            challenge.used_at = now
            challenge.address = ""
            challenge.save(update_fields=["used_at", "address"])
            try:
                return vote_cast(
                    project=challenge.project,
                    voter_digest=challenge.voter_digest,
                    voter_masked=challenge.voter_masked,
                    email_domain=challenge.voter_masked.partition("@")[2],
                    channel=challenge.channel,
                    ip=ip,
                    now=now,
                )
            except AlreadyVoted as exc:
                already = exc  # raised below, after the code is committed as used
    if already:
        raise already
    # Outside the transaction: the attempt above is committed whatever happens next.
    ratelimit.hit(f"voting.failures:{challenge.voter_digest}", limit=LOCKOUT_FAILURES, period=3600, now=now)
    raise failure


def _unusable(challenge: VoteCode, now: datetime) -> VotingError:
    if challenge.replaced_at:
        return VotingError(
            _("This code has been replaced by a newer one. Use the latest code."), code="replaced"
        )
    if challenge.used_at:
        return VotingError(_("This code has already been used."), code="used")
    if now >= challenge.expires_at:
        return VotingError(_("This code has expired. Ask for a new one."), code="expired")
    return VotingError(_("Too many wrong attempts. Ask for a new code."), code="locked")


def vote_cast(
    *,
    project: Project,
    voter_digest: str,
    voter_masked: str,
    email_domain: str,
    channel: str,
    ip: str,
    now: datetime,
) -> Vote:
    """Record the voter's single vote in this fair (or nomination).

    Locks nothing: the unique constraint `voting_vote_one_per_voter_per_scope` decides between
    concurrent requests, and the loser gets AlreadyVoted, exactly like the pre-check.
    """
    fair = project.fair
    if previous := existing_vote(fair, project, voter_digest):
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
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.invalidated_at is None:
        vote.invalidated_at = now or timezone.now()
        vote.invalidated_by = actor
        vote.invalidation_reason = reason.strip()
        vote.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])
        audit.record(actor=actor, action="vote.invalidated", target=vote, reason=vote.invalidation_reason)
    return vote
