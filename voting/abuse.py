"""Defence against cheap identities, in depth, and invisible on a quiet fair.

An e-mail identity costs nothing to whoever owns a catch-all domain, and addresses come from
networks. So, besides the per-identity and per-code limits in `voting.services`:

- **per domain**: verified votes of one registrable domain (subdomains count as their parent)
  that is not a large public provider are capped per fair and ten minutes (`DOMAIN_VELOCITY`);
  a catch-all owner minting addresses meets the cap, a company whose staff vote together
  rarely does, and a stranger who cannot read the domain's mail cannot trigger it;
- **per network** (IPv4 /24, IPv6 /64): views cap requests per network (`voting.views`), and
  here a burst of code requests from one network raises an alert;
- **per client address**: past a household's share of code requests the browser check switches
  on for that address, and far past it the address waits (`REQUESTS_PER_ADDRESS`);
- **a browser check** (ALTCHA proof of work, `voting.proof`) switches on by itself while a
  fair's code requests spike (`VOTING_CHALLENGE=auto`), or always / never by environment;
- **alerts**: a cluster crossing its threshold is recorded once as a `VotingAlert` (admin
  banner) and e-mailed to the organisers at most once an hour.

Counters live in PostgreSQL (`fairportal.ratelimit`), exact across processes. Thresholds are
far above what honest voting produces on a quiet fair, so honest voters see none of this.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from fairportal import ratelimit
from projects.models import Fair
from voting import identity
from voting.models import VotingAlert

logger = logging.getLogger(__name__)

# Large public mail providers: millions of real people share each, so a burst there is many
# people, not one owner. Canonical domains (see identity.PROVIDER_ALIASES). Keep it short and
# reviewed: a domain here escapes the per-domain cap.
LARGE_PROVIDERS = frozenset(
    {
        "gmail.com",
        "yandex.ru",
        "icloud.com",
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "internet.ru",
        "rambler.ru",
        "mail.kz",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "proton.me",
        "protonmail.com",
        "aol.com",
        "gmx.com",
        "zoho.com",
    }
)

# Verified votes per registrable domain (outside LARGE_PROVIDERS), fair and 10 minutes; beyond
# it, new codes and verifications for the domain wait. Counting *verified* votes, not requests,
# means a stranger who cannot read the domain's mail cannot shut its people out.
DOMAIN_VELOCITY = (20, 600)
NETWORK_CLUSTER = (30, 600)  # code requests per network, fair and 10 minutes, before an alert
# Code requests per client address and 10 minutes: beyond the first number the browser check
# switches on for that address (a venue's Wi-Fi, a carrier's NAT), beyond the second it refuses
# (a script mailing arbitrary addresses: 100 in 6 s was measured).
REQUESTS_PER_ADDRESS = (10, 60, 600)
SPIKE_WINDOW = 300  # seconds; code requests per fair in one window beyond VOTING_CHALLENGE_SPIKE
ALERT_MAIL_EVERY = timedelta(hours=1)


class VelocityExceeded(Exception):
    """Too many new identities from one domain or one address just now; the visitor is told to wait."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def note_code_request(*, fair: Fair, now: datetime) -> None:
    """Count one code request of the fair, for spike detection (called for every request)."""
    result = ratelimit.hit(
        f"voting.fair-requests:{fair.pk}", limit=settings.VOTING_CHALLENGE_SPIKE, period=SPIKE_WINDOW, now=now
    )
    if result.count == settings.VOTING_CHALLENGE_SPIKE + 1 and settings.VOTING_CHALLENGE == "auto":
        raise_alert(fair=fair, kind=VotingAlert.Kind.SPIKE, key="", now=now)


def _address_key(ip: str) -> str:
    # An IPv6 subscriber holds a whole /64: rotating addresses inside it is still one address.
    client = ratelimit.network_of(ip) if ":" in (ip or "") else ip
    return f"voting.requests:ip:{ratelimit.digest(client or 'unknown')}"


def _domain_key(fair: Fair, domain: str) -> str:
    return f"voting.verified:domain:{fair.pk}:{identity.registrable_domain(domain)}"


def _capped_domain(domain: str) -> bool:
    return bool(domain) and identity.registrable_domain(domain) not in LARGE_PROVIDERS


def admit_request(*, fair: Fair, domain: str, network: str, ip: str, now: datetime) -> None:
    """Count a code request from `ip` and `network`; raises VelocityExceeded over a cap.

    Call in autocommit, before the transaction that creates the code: a refusal must still
    count, and its alert must survive the refusal's rollback. Every request is counted the same
    way whatever became of the identity's code, so the answer tells a stranger nothing.
    """
    _check_in, refuse, period = REQUESTS_PER_ADDRESS
    if not ratelimit.hit(_address_key(ip), limit=refuse, period=period, now=now).allowed:
        raise VelocityExceeded(ADDRESS_BUSY_MESSAGE)
    if network:
        limit, period = NETWORK_CLUSTER
        result = ratelimit.hit(
            f"voting.requests:net:{fair.pk}:{network}", limit=limit, period=period, now=now
        )
        if result.count == limit + 1:
            raise_alert(fair=fair, kind=VotingAlert.Kind.NETWORK, key=network, now=now)
    admit_verification(fair=fair, domain=domain, now=now)


def admit_verification(*, fair: Fair, domain: str, now: datetime) -> None:
    """Raises VelocityExceeded while the domain has had its share of verified votes."""
    if not _capped_domain(domain):
        return
    limit, period = DOMAIN_VELOCITY
    if ratelimit.is_over(_domain_key(fair, domain), limit=limit, period=period, now=now):
        raise_alert(fair=fair, kind=VotingAlert.Kind.DOMAIN, key=identity.registrable_domain(domain), now=now)
        raise VelocityExceeded(DOMAIN_BUSY_MESSAGE)


def note_verified(*, fair: Fair, domain: str, now: datetime) -> None:
    """Count a verified vote of `domain` (inside the transaction that casts it)."""
    if _capped_domain(domain):
        limit, period = DOMAIN_VELOCITY
        ratelimit.hit(_domain_key(fair, domain), limit=limit, period=period, now=now)


def challenge_required(*, fair: Fair, ip: str, now: datetime) -> bool:
    """Whether the vote form asks for the browser check now (`VOTING_CHALLENGE`).

    "auto": while this or the previous five minutes saw more code requests for the fair than
    `VOTING_CHALLENGE_SPIKE` — a spike switches it on within one request, and it stays on for
    at least one full window after the spike ends — or while this client address has asked for
    more codes than a household would (`REQUESTS_PER_ADDRESS`).
    """
    mode = settings.VOTING_CHALLENGE
    if mode in ("off", "always"):
        return mode == "always"
    check_in, _refuse, period = REQUESTS_PER_ADDRESS
    if ratelimit.is_over(_address_key(ip), limit=check_in, period=period, now=now):
        return True
    key, spike = f"voting.fair-requests:{fair.pk}", settings.VOTING_CHALLENGE_SPIKE
    return any(
        ratelimit.is_over(key, limit=spike, period=SPIKE_WINDOW, now=moment)
        for moment in (now, now - timedelta(seconds=SPIKE_WINDOW))
    )


def raise_alert(*, fair: Fair, kind: str, key: str, now: datetime) -> VotingAlert:
    """Record that a cluster crossed its threshold; e-mail the organisers at most once an hour."""
    updated = VotingAlert.objects.filter(fair=fair, kind=kind, key=key).update(
        last_at=now, times=F("times") + 1, acknowledged_at=None, acknowledged_by=None
    )
    if not updated:
        try:
            with transaction.atomic():
                VotingAlert.objects.create(fair=fair, kind=kind, key=key, first_at=now, last_at=now)
        except IntegrityError:  # another process raised it first: count this crossing too
            VotingAlert.objects.filter(fair=fair, kind=kind, key=key).update(
                last_at=now, times=F("times") + 1
            )
    logger.warning("Voting alert for fair %s: %s %s", fair.pk, kind, key)
    # Claim the e-mail with one conditional UPDATE, so concurrent crossings send it once.
    claimed = (
        VotingAlert.objects.filter(fair=fair, kind=kind, key=key)
        .exclude(notified_at__gt=now - ALERT_MAIL_EVERY)
        .update(notified_at=now)
    )
    alert = VotingAlert.objects.get(fair=fair, kind=kind, key=key)
    if claimed:
        from voting.tasks import send_voting_alert  # tasks import services; avoid the cycle

        transaction.on_commit(lambda: send_voting_alert.enqueue(alert.pk), robust=True)
    return alert


ADDRESS_BUSY_MESSAGE = _(
    "Too many codes were requested from your connection in the last few minutes. "
    "Please try again in ten minutes."
)
DOMAIN_BUSY_MESSAGE = _(
    "Too many codes were requested for addresses at this domain in the last few minutes. "
    "Please try again in ten minutes, or use another address."
)
