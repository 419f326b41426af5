"""A row lock held on another connection, for tests of what waits on it (fairportal.locks)."""

import threading
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def row_held(instance):
    """Lock `instance`'s row with SELECT … FOR UPDATE on another connection until the block ends."""
    locked, release = threading.Event(), threading.Event()
    errors = []

    def hold() -> None:
        try:
            with transaction.atomic():
                type(instance).objects.select_for_update().get(pk=instance.pk)
                locked.set()
                release.wait(timeout=30)
        except Exception as error:  # surfaced to the test below
            errors.append(error)
            locked.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)
    assert errors == []
