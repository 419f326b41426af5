"""The one race harness of the suite: real concurrent connections, no mocks.

- `at_once(function, arguments)`: call `function(*args)` for every args in its own thread, on its
  own database connection, all released together by a barrier; returns what each returned or
  raised (in no particular order). `at_once(function, [()] * 20)` for twenty identical calls.
- `raised(outcomes)`: the exceptions among those outcomes (assert it is `[]` when none may fail).
- `started(function)`: call `function()` in the background on its own connection; a `Future`.
- `held(work)`: run `work()` in a transaction on another connection and keep that transaction
  open until the block ends (so its row locks are held); `row_held(instance)` holds one row with
  SELECT … FOR UPDATE.
- `until_someone_waits_for_a_lock()`: return once another connection is queued behind a lock.
- `SHORT_LOCK_TIMEOUT_MS`: what the `short_lock_timeout` fixture (tests/conftest.py) sets
  LOCK_TIMEOUT_MS to, so a writer meeting a held row gives up quickly.

Every test using these needs `django_db(transaction=True, serialized_rollback=True)`: the other
connections cannot see the test's own open transaction.
"""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager

from django.db import connection, transaction

SHORT_LOCK_TIMEOUT_MS = 200
WAIT_SECONDS = 30  # a race that has not finished by then is a hang, reported as a failure


def _on_own_connection(function: Callable, *args):
    try:
        return function(*args)
    finally:
        connection.close()  # each thread opened its own; leaving it open blocks the test database's teardown


def at_once(function: Callable, arguments: list[tuple]) -> list:
    """Start `function(*args)` for every args together, and return what each returned or raised."""
    barrier, outcomes = threading.Barrier(len(arguments)), []

    def run(*args):
        try:
            # Connect before the barrier, so that the calls themselves collide, not the log-ins.
            connection.ensure_connection()
            barrier.wait(timeout=WAIT_SECONDS)
            outcomes.append(function(*args))
        except Exception as error:  # the caller asserts on what came back
            outcomes.append(error)

    threads = [threading.Thread(target=_on_own_connection, args=(run, *args)) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished"
    return outcomes


def raised(outcomes: list) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def started(function: Callable) -> Future:
    """Run `function()` in a thread on its own connection; `.result()` returns or re-raises."""
    future: Future = Future()

    def run():
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)

    threading.Thread(target=_on_own_connection, args=(run,), daemon=True).start()
    return future


@contextmanager
def held(work: Callable) -> Iterator:
    """Run `work()` in a transaction on another connection; commit only when the block ends.

    Yields what `work()` returned. Whatever it locked stays locked for the whole block.
    """
    done, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold():
        try:
            with transaction.atomic():
                outcome["result"] = work()
                done.set()
                release.wait(timeout=WAIT_SECONDS)
        except Exception as error:  # surfaced to the test below
            outcome["error"] = error
            done.set()

    holder = threading.Thread(target=_on_own_connection, args=(hold,))
    holder.start()
    assert done.wait(timeout=WAIT_SECONDS)
    if "error" in outcome:
        holder.join(timeout=WAIT_SECONDS)
        raise outcome["error"]
    try:
        yield outcome["result"]
    finally:
        release.set()
        holder.join(timeout=WAIT_SECONDS)
    if "error" in outcome:  # the commit itself failed
        raise outcome["error"]


def row_held(instance):
    """Lock `instance`'s row with SELECT … FOR UPDATE on another connection until the block ends."""
    return held(lambda: type(instance).objects.select_for_update().get(pk=instance.pk))


def until_someone_waits_for_a_lock(timeout: float = WAIT_SECONDS) -> None:
    """Return once a connection to this database is queued behind a lock (pg_stat_activity)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError(f"no connection waited for a lock within {timeout} s")
