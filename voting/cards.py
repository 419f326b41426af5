"""Fair-floor voting cards: single-use codes printed as QR cards, one vote each.

Organisers create a batch (`card_batch_create`), print it (`card_batch_print`, voting.card_pdf),
and hand the cards out at a stand. A visitor scans the QR code, picks a finalist and votes
(`card_vote`); the card is spent. A stolen stack is invalidated as a whole
(`card_batch_invalidate`), which takes its votes out of the count.

Codes are derived, never stored: `code_for(batch, number)` is an HMAC of the batch's secret and
the card's number with the server's VOTER_HASH_KEY, as `identity.code_for` does for e-mailed
codes, so the PDF can be printed again (a jammed printer, a lost sheet) and a database dump
alone reveals no code. The database keeps only `card_digest(code)`, which is also the voter
digest of the card's vote: the one-vote constraint (`voting_vote_one_per_voter_per_scope`)
then holds per card, and a batch's votes are found by their digests.

A code is 12 characters of `identity.RECEIPT_ALPHABET` (32 letters and digits, no 0/O/1/I):
60 bits, so even a million guesses find a card of a 10 000-card fair with a chance of 10⁻⁸;
wrong codes are limited per network on top of that.
"""

import contextlib
import hashlib
import hmac
import ipaddress
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fairportal import audit, ratelimit
from fairportal.locks import row_lock
from projects import selectors as project_selectors
from projects.models import Fair, IdentityChannel, Project, ProjectState
from voting import identity, services
from voting.models import CardBatch, Channel, Vote, VotingCard

CODE_LENGTH = 12
CODE_GROUP = 3  # "ABC-DEF-GHJ-KLM": four groups of three, unlike a receipt's three of four
MAX_BATCH_SIZE = 2000
# Unknown, spent or refused codes per hour, per client address and per network (IPv4 /24, IPv6
# /48). With 60-bit codes these limits only brake bulk scanning; guessing fails on the codes'
# length alone. The per-network limit is loose because a venue's Wi-Fi or a carrier's NAT puts
# many honest visitors behind one network and some rescan a card they have already used.
MAX_WRONG_CARDS_PER_ADDRESS = 30
MAX_WRONG_CARDS_PER_NETWORK = 200
WRONG_CARDS_PERIOD = 3600

audit.register_actions(
    {
        "card_batch.created": _("Voting cards created"),
        "card_batch.printed": _("Voting cards printed"),
        "card_batch.invalidated": _("Voting cards invalidated"),
    }
)


def _hmac(value: str) -> str:
    return hmac.new(settings.VOTER_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def code_for(batch: CardBatch, number: int) -> str:
    """The card's code, grouped for reading ("ABC-DEF-GHJ-KLM"); needs the server's key."""
    digest = hmac.new(
        settings.VOTER_HASH_KEY.encode(), f"card:{batch.pk}:{batch.secret}:{number}".encode(), hashlib.sha256
    ).digest()
    alphabet = identity.RECEIPT_ALPHABET  # 32 symbols: each takes 5 bits of the digest
    value = int.from_bytes(digest, "big")
    raw = "".join(alphabet[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(typed: str) -> str:
    """What a visitor typed ("abc def-ghj klm") as the 12 symbols the digest is taken of."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def card_digest(code: str) -> str:
    return _hmac(f"card:{normalise_code(code)}")


def card_url(code: str) -> str:
    """What the QR code encodes: the card's page on this site, in Kazakh (the page switches)."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("voting:card", kwargs={"code": code})


def card_codes(batch: CardBatch) -> list[tuple[int, str]]:
    """(number, code) of every card of the batch, for printing only."""
    return [(number, code_for(batch, number)) for number in range(1, batch.size + 1)]


def fair_takes_cards(fair: Fair) -> bool:
    return IdentityChannel.CARD in (fair.voting_channels or [])


# ------------------------------------------------------------------ organisers


def check_batch(*, fair: Fair, label: str, size: int | None) -> str:
    """The label to store, or ValidationError saying what is wrong (the admin form asks too)."""
    if not fair_takes_cards(fair):
        raise ValidationError(
            _("This fair does not take votes by card: add voting cards to its ways of voting first."),
            code="cards_off",
        )
    if size is None or not 1 <= size <= MAX_BATCH_SIZE:
        raise ValidationError(
            _("A batch holds from 1 to %(max)d cards.") % {"max": MAX_BATCH_SIZE}, code="size"
        )
    label = (label or "").strip()
    if not label:
        raise ValidationError(_("Say where or when the cards are handed out."), code="label")
    return label


def card_batch_create(
    *, fair: Fair, label: str, size: int, actor, now: datetime | None = None
) -> tuple[CardBatch, list[tuple[int, str]]]:
    """A new batch of `size` cards; returns it and its (number, code) pairs for the PDF.

    Only the cards' digests are stored; the codes can be derived again for a reprint.
    """
    if not actor.has_perm("voting.add_cardbatch"):
        raise PermissionDenied
    label = check_batch(fair=fair, label=label, size=size)
    with transaction.atomic():
        batch, codes = _batch_insert(
            fair=fair, label=label, size=size, created_by=actor, now=now or timezone.now()
        )
        audit.record(actor=actor, action="card_batch.created", target=batch, details={"size": size})
    return batch, codes


def _batch_insert(*, fair: Fair, label: str, size: int, created_by, now: datetime):
    """The rows of a new batch, no checks: `card_batch_create`, and the demo seeder."""
    batch = CardBatch.objects.create(
        fair=fair, label=label, size=size, secret=secrets.token_hex(32), created_at=now, created_by=created_by
    )
    codes = card_codes(batch)
    VotingCard.objects.bulk_create(
        VotingCard(batch=batch, number=number, code_digest=card_digest(code)) for number, code in codes
    )
    return batch, codes


def card_batch_print(*, batch: CardBatch, actor, now: datetime | None = None) -> bytes:
    """The batch's cards as an A4 PDF; printing again gives the same codes."""
    from voting.card_pdf import cards_pdf  # ReportLab only where a PDF is made

    if not actor.has_perm("voting.print_cardbatch"):
        raise PermissionDenied
    if batch.invalidated_at:
        raise ValidationError(
            _("This batch was invalidated: its cards cannot be printed."), code="invalidated"
        )
    pdf = cards_pdf(batch)
    with transaction.atomic():
        CardBatch.objects.filter(pk=batch.pk).update(printed_at=now or timezone.now())
        audit.record(actor=actor, action="card_batch.printed", target=batch)
    return pdf


def card_batch_invalidate(*, batch: CardBatch, actor, reason: str, now: datetime | None = None) -> int:
    """Refuse the batch's cards from now on and invalidate every vote cast with them.

    Returns the number of votes invalidated now. Each vote goes through
    `services.vote_invalidate`, so frozen counts, the audit log and the page cache follow as
    for any other invalidation. The batch's cards are locked first: a card being used right now
    either commits its vote before (and the vote is invalidated here) or waits and is refused.
    """
    if not (actor.has_perm("voting.invalidate_cardbatch") and actor.has_perm("voting.invalidate_vote")):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason for invalidating votes."), code="reason_required")
    now = now or timezone.now()
    with transaction.atomic():
        with row_lock():
            batch = CardBatch.objects.select_for_update().get(pk=batch.pk)
            list(VotingCard.objects.select_for_update().filter(batch=batch).order_by("pk").values_list("pk"))
        if batch.invalidated_at is None:
            batch.invalidated_at, batch.invalidated_by, batch.invalidation_reason = now, actor, reason
            batch.save(update_fields=["invalidated_at", "invalidated_by", "invalidation_reason"])
            audit.record(actor=actor, action="card_batch.invalidated", target=batch, reason=reason)
        votes = batch_votes(batch).valid().order_by("pk")
        count = 0
        for vote in votes:
            services.vote_invalidate(vote=vote, actor=actor, reason=reason, now=now)
            count += 1
    return count


def batch_votes(batch: CardBatch):
    """The votes cast with the batch's cards (a card's digest is its vote's voter digest)."""
    return Vote.objects.filter(
        fair_id=batch.fair_id,
        channel=Channel.CARD,
        voter_digest__in=VotingCard.objects.filter(batch=batch).values("code_digest"),
    )


def batches_with_counts():
    """Batches with `used` cards and `valid_votes` cast with them, for the admin list."""
    return CardBatch.objects.select_related("fair").annotate(
        used=Count("cards", filter=Q(cards__used_at__isnull=False)),
    )


def votes_per_hour(batch: CardBatch) -> list[tuple[datetime, int]]:
    """(hour, cards used) for the batch: when its stand was busy."""
    return list(
        VotingCard.objects.filter(batch=batch, used_at__isnull=False)
        .annotate(hour=TruncHour("used_at"))
        .values("hour")
        .annotate(count=Count("*"))
        .values_list("hour", "count")
        .order_by("hour")
    )


# ------------------------------------------------------------------ visitors


def _unusable() -> services.VotingError:
    # One answer for unknown, mistyped, spent and invalidated cards: nothing to probe.
    return services.VotingError(
        _("This card cannot be used: it is unknown, already used or no longer valid. Check the code."),
        code="unusable",
    )


def _failure_limits(ip: str) -> list[tuple[str, int]]:
    """(counter key, limit): the client's address (an IPv6 /64: one subscriber) and its network."""
    network = identity.network_of(ip) or "unknown"
    address = network if ":" in network else (ip or "unknown")
    if ":" in network:  # a subscriber may get a whole IPv6 /48
        with contextlib.suppress(ValueError):
            network = str(ipaddress.ip_network(network).supernet(new_prefix=48))
    return [
        (f"voting.card-failures:address:{ratelimit.digest(address)}", MAX_WRONG_CARDS_PER_ADDRESS),
        (f"voting.card-failures:network:{network}", MAX_WRONG_CARDS_PER_NETWORK),
    ]


def _check_not_locked(ip: str, now: datetime) -> None:
    if any(
        ratelimit.is_over(key, limit=limit, period=WRONG_CARDS_PERIOD, now=now)
        for key, limit in _failure_limits(ip)
    ):
        raise services.VotingError(
            _(
                "Too many card codes that cannot be used were entered from your network. Please try again in an hour."
            ),
            code="locked",
        )


def _count_failure(ip: str, now: datetime) -> None:
    # In autocommit, after any transaction: the failure is kept whatever happens next.
    for key, limit in _failure_limits(ip):
        ratelimit.hit(key, limit=limit, period=WRONG_CARDS_PERIOD, now=now)


def _usable_card(code: str, *, lock: bool) -> tuple[VotingCard, CardBatch] | None:
    queryset = VotingCard.objects.filter(code_digest=card_digest(code))
    if lock:
        with row_lock():
            card = queryset.select_for_update().first()
    else:
        card = queryset.first()
    if card is None or card.used_at is not None:
        return None
    # A statement of its own after the lock: it sees an invalidation committed while we waited.
    batch = CardBatch.objects.select_related("fair").get(pk=card.batch_id)
    if batch.invalidated_at is not None or not fair_takes_cards(batch.fair):
        return None
    return card, batch


def card_fair(*, code: str, ip: str, now: datetime | None = None) -> Fair:
    """The fair an unspent card votes in (the card's landing page); raises VotingError."""
    now = now or timezone.now()
    _check_not_locked(ip, now)
    found = _usable_card(code, lock=False)
    if found is None:
        _count_failure(ip, now)
        raise _unusable()
    return found[1].fair


def card_finalists(fair: Fair) -> list[Project]:
    """The fair's finalists in nomination order, then by title, for the card's ballot."""
    projects = list(
        Project.objects.filter(fair=fair, state=ProjectState.FINALIST)
        .select_related("organisation", "nomination")
        .defer(*project_selectors.LONG_TEXT_FIELDS)
    )
    projects.sort(
        key=lambda project: (
            project.nomination is None,
            project.nomination.position if project.nomination else 0,
            project.nomination_id or 0,
            project.title,
        )
    )
    return projects


def card_vote(*, code: str, project: Project, ip: str, now: datetime | None = None) -> Vote:
    """Spend the card on one vote for `project`; raises VotingError.

    The card's row is locked (`select_for_update`) and marked used in the same transaction as
    the vote, so two phones submitting one card at once cast exactly one vote; the loser waits,
    sees the card spent and gets the same refusal as for an unknown code.
    """
    now = now or timezone.now()
    _check_not_locked(ip, now)
    with transaction.atomic():
        found = _usable_card(code, lock=True)
        if found is not None:
            card, batch = found
            if project.fair_id != batch.fair_id:
                raise services.VotingError(_("This card is for another fair."), code="other_fair")
            services._check_votable(project, now)
            card.used_at = now
            card.save(update_fields=["used_at"])
            try:
                return services.vote_cast(
                    project=project,
                    voter_digest=card.code_digest,
                    voter_masked=f"#{card.number} {batch.label}"[:100],
                    email_domain="",
                    channel=Channel.CARD,
                    ip=ip,
                    now=now,
                )
            except services.AlreadyVoted:
                # Cannot happen while the card is spent in the same transaction; never a second vote.
                raise _unusable() from None
    _count_failure(ip, now)
    raise _unusable()
