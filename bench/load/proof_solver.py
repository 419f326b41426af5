"""The vote form's browser check solved as `static/js/vote-proof.js` solves it, in Python.

Kept apart from the locust users so tests can check it against `voting.proof` without gevent.
"""

import base64
import hashlib
import json
import time


def solve_challenge(challenge: dict) -> tuple[str, float]:
    """(the `proof` field's value, seconds spent): the n ≤ maxnumber with SHA-256(salt + n) = challenge."""
    started = time.perf_counter()
    salt, target = challenge["salt"], challenge["challenge"]
    for number in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{salt}{number}".encode()).hexdigest() == target:
            break
    else:
        number = None
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": target,
        "number": number,
        "salt": salt,
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode(), time.perf_counter() - started
