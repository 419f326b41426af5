"""Row locks that wait a bounded time, and the page a request gets when the database is busy.

Every `select_for_update()` runs inside `row_lock()`: it sets PostgreSQL's `lock_timeout` for
the rest of the transaction (settings.LOCK_TIMEOUT_MS), so a request queued behind a long
holder gives up after a few seconds with `Busy` instead of holding a gunicorn worker until
gunicorn kills it. The same holds for statements cancelled by `statement_timeout`.

`DatabaseBusyMiddleware` turns both into a translated 503 page with Retry-After, for any
view that does not handle `Busy` itself (forms that do keep what the user typed).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg.errors
from django.conf import settings
from django.db import OperationalError, connections
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

RETRY_AFTER_SECONDS = 5


class Busy(Exception):
    """Someone else holds the row this action must change; trying again soon will work."""

    message = _("This is being changed by someone else right now. Please try again in a moment.")

    def __str__(self) -> str:
        return str(self.message)


def is_lock_timeout(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and isinstance(
        error.__cause__, psycopg.errors.LockNotAvailable
    )


def is_statement_timeout(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and isinstance(error.__cause__, psycopg.errors.QueryCanceled)


@contextmanager
def row_lock(*, using: str = "default", timeout_ms: int | None = None) -> Iterator[None]:
    """Wait at most `timeout_ms` (LOCK_TIMEOUT_MS) for any lock in this transaction, else `Busy`.

    Use it around `select_for_update()`, inside the transaction. SET LOCAL lasts until that
    transaction ends, so later lock waits in it are bounded too (the middleware answers those).
    """
    timeout_ms = settings.LOCK_TIMEOUT_MS if timeout_ms is None else timeout_ms
    with connections[using].cursor() as cursor:
        # A parameter cannot be bound in SET; the value is an int from settings.
        cursor.execute(f"SET LOCAL lock_timeout = '{int(timeout_ms)}ms'")
    try:
        yield
    except OperationalError as error:
        if is_lock_timeout(error):
            raise Busy from error
        raise


class DatabaseBusyMiddleware:
    """A translated "try again in a moment" page (503, Retry-After) for busy rows and slow queries."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Busy) or is_lock_timeout(exception):
            return busy_response(request, message=Busy.message)
        if is_statement_timeout(exception):
            return busy_response(
                request, message=_("This page took too long to prepare. Please try again in a moment.")
            )
        return None


def busy_response(request, *, message, template: str = "503_busy.html", context: dict | None = None):
    response = render(
        request,
        template,
        {"busy_message": message, "was_post": request.method == "POST", **(context or {})},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
