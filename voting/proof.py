"""The vote form's browser check: an ALTCHA proof of work, served and checked by the portal.

No third-party service: the `altcha` package (PyPI) makes a signed challenge — find the number
n ≤ POW_MAX_NUMBER with SHA-256(salt + n) = challenge — and verifies the answer; our own small
script (`static/js/vote-proof.js`) solves it in the browser while the visitor types, which
costs a phone well under a second but a bot farm real CPU per attempt. Each solution works
once (a PostgreSQL counter keyed by its salt), for ten minutes.

Visitors without JavaScript or with a screen reader are never locked out: the form also takes
a plain wait (`WAIT_INSTEAD_SECONDS` since the page was shown, from the session-bound stamp),
which the page tells them about in words.
"""

import base64
import hashlib
import json
from datetime import datetime, timedelta

from altcha import ChallengeOptionsV1, create_challenge_v1, verify_solution_v1
from django.conf import settings
from django.utils import timezone

from fairportal import ratelimit

POW_MAX_NUMBER = 50_000  # about 25 000 hashes on average: a fraction of a second on a phone
POW_VALIDITY = timedelta(minutes=10)
WAIT_INSTEAD_SECONDS = 20
# Waits admitted per network and 10 minutes: a bot farm waiting in a thousand sessions at once
# gains a handful, not a thousand.
WAITS_PER_NETWORK = (20, 600)


def _key() -> str:
    # Its own key, derived from the voter key, so a leaked challenge signature reveals nothing else.
    return hashlib.sha256(f"vote-proof:{settings.VOTER_HASH_KEY}".encode()).hexdigest()


def new_challenge(now: datetime | None = None) -> str:
    """The challenge as JSON for the page's `data-challenge` attribute."""
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            hmac_key=_key(), max_number=POW_MAX_NUMBER, expires=(now or timezone.now()) + POW_VALIDITY
        )
    )
    return json.dumps(
        {
            "algorithm": challenge.algorithm,
            "challenge": challenge.challenge,
            "maxnumber": challenge.max_number,
            "salt": challenge.salt,
            "signature": challenge.signature,
        }
    )


def solution_valid(payload: str, now: datetime | None = None) -> bool:
    """A correct, unexpired solution never used before (the use is recorded)."""
    if not payload or len(payload) > 2000:
        return False
    ok, _error = verify_solution_v1(payload, _key(), check_expires=True)
    if not ok:
        return False
    # Single use across every process, keyed by the challenge's salt (unique per challenge, and
    # the same however the answer is re-encoded).
    salt = json.loads(base64.b64decode(payload))["salt"]
    replay_key = f"voting.proof:{hashlib.sha256(salt.encode()).hexdigest()}"
    return ratelimit.first_use(replay_key, lifetime=int(POW_VALIDITY.total_seconds()), now=now)


def waited_long_enough(check_shown_at: float | None, *, network: str, now: float) -> bool:
    """The no-JavaScript route: the page with the check was shown long enough ago (and the
    network has not used up its waits)."""
    if not check_shown_at or now - check_shown_at < WAIT_INSTEAD_SECONDS:
        return False
    limit, period = WAITS_PER_NETWORK
    return ratelimit.hit(f"voting.waits:{network or 'unknown'}", limit=limit, period=period).allowed
