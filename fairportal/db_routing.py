"""Opt-in reads from the streaming replica (`DATABASE_REPLICA_URL`).

A replica lags the primary by a moment, so "every read goes to the replica" would show a voter
a page without the vote they have just cast and an organiser a form without their last change.
Only code that says so reads from the replica: a public, read-only view wrapped in
`read_from_replica`, or a block inside `with read_from_replica():`. Writes, and reads that
`select_for_update()`, always go to `default` (fairportal/db_router.py).

Without `DATABASE_REPLICA_URL` the wrapper does nothing and everything reads `default`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA_ALIAS = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("fairportal_read_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def replica_requested() -> bool:
    """True inside `read_from_replica` (whether or not a replica is configured)."""
    return _reading_from_replica.get()


@contextmanager
def read_from_replica():
    """Reads inside go to the replica when one is configured. Nestable; per thread and per task
    (a ContextVar). Works as `@read_from_replica()` on a view too: each call gets its own state."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)
