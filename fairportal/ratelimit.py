"""Rate limits shared by every process, counted in PostgreSQL.

django-ratelimit needs memcached or redis; we have PostgreSQL only. Each (key, fixed window)
is one `RateLimitCounter` row, bumped by a single `INSERT … ON CONFLICT DO UPDATE`, so
concurrent requests in any number of processes count exactly.

Services call `hit()` directly; views use the `ratelimit` decorator, a thin wrapper around it.
"""

import functools
import hashlib
import ipaddress
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from fairportal.models import RateLimitCounter

logger = logging.getLogger(__name__)

# purge_rate_limits keeps every counter this much longer than asked, since a row does not
# store its period; raise it before using a longer period.
MAX_PERIOD = timedelta(days=1)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_KEY_LENGTH = RateLimitCounter._meta.get_field("key").max_length


@dataclass(frozen=True)
class RateLimitResult:
    allowed: bool
    count: int  # hits in this window, this one included
    limit: int
    retry_after: int  # whole seconds until the window ends


def parse_rate(rate: str) -> tuple[int, int]:
    """`"5/m"` → (5, 60); `"10/15m"` → (10, 900). Units: s, m, h, d."""
    match = _RATE.fullmatch(rate.strip())
    limit, multiple = (int(match[1]), int(match[2] or 1)) if match else (0, 0)
    if limit < 1 or multiple < 1:
        raise ValueError(f"Invalid rate {rate!r}; expected e.g. '5/m' or '10/15m'.")
    return limit, multiple * _UNITS[match[3]]


def digest(value: str) -> str:
    """Keyed SHA-256 of user input (an e-mail, an IP, a phone number) for use in a key.

    Keyed with SECRET_KEY so a leaked table cannot be reversed by hashing a list of addresses.
    """
    return salted_hmac("fairportal.ratelimit", value, algorithm="sha256").hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies the N-th X-Forwarded-For entry
    from the right (the one our outermost proxy appended).

    Entries further left are whatever the client sent, so they are never read; with no trusted
    proxy (the default) the header is ignored altogether.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.RATELIMIT_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies or not forwarded[-proxies]:
        return remote_addr
    return forwarded[-proxies]


def network_of(ip: str) -> str:
    """The IPv4 /24 or IPv6 /64 around an address, as text ("" for a non-address).

    One household, office or mobile subscriber gets a whole IPv6 /64, so limits per single IPv6
    address are no limits at all; an IPv4 /24 is the usual unit an attacker rents. Limits keyed by
    network stack *beside* per-address ones, never instead of them.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:  # "::ffff:203.0.113.7" on a dual-stack bind
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def hit(key: str, *, limit: int, period: int, now: datetime | None = None) -> RateLimitResult:
    """Count one hit of `key` in its current window of `period` seconds and say whether it is allowed.

    Windows are fixed and aligned to the epoch. One atomic `INSERT … ON CONFLICT DO UPDATE …
    RETURNING` creates or bumps the counter: PostgreSQL row-locks it for the statement, so
    concurrent hits from any process are counted exactly, refused hits included. Inside a
    transaction that lock is held and the hit undone by a rollback, so call it in autocommit
    (before `transaction.atomic`) when a failure must still count, as a wrong code must.

    Use one period per key. Keys longer than the column are replaced by their SHA-256; pass user
    input through `digest()` so no clear address is stored. With `RATELIMIT_ENABLED` off,
    everything is allowed and nothing is written.
    """
    if not 0 < period <= MAX_PERIOD.total_seconds():
        raise ValueError(f"period must be 1…{MAX_PERIOD.total_seconds():.0f} seconds, not {period}.")
    now = now or timezone.now()
    epoch = now.timestamp()
    window_start = int(epoch // period) * period
    retry_after = max(1, math.ceil(window_start + period - epoch))
    if not settings.RATELIMIT_ENABLED:
        return RateLimitResult(allowed=True, count=0, limit=limit, retry_after=retry_after)
    if len(key) > _KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    quote = connection.ops.quote_name
    table = quote(RateLimitCounter._meta.db_table)
    key_col, start_col, count_col = quote("key"), quote("window_start"), quote("count")
    sql = (
        f"INSERT INTO {table} AS counter ({key_col}, {start_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608 - names only
        f"ON CONFLICT ({key_col}, {start_col}) DO UPDATE SET {count_col} = counter.{count_col} + 1 "
        f"RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, datetime.fromtimestamp(window_start, tz=UTC)])
        (count,) = cursor.fetchone()
    return RateLimitResult(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def peek(key: str, *, limit: int, period: int, now: datetime | None = None) -> RateLimitResult:
    """The state of `key`'s current window without counting a hit.

    For limits that count only failures: check before the attempt, `hit()` after a failure.
    `allowed` is False once the window holds `limit` hits, so the next attempt is refused.
    """
    now = now or timezone.now()
    epoch = now.timestamp()
    window_start = int(epoch // period) * period
    retry_after = max(1, math.ceil(window_start + period - epoch))
    if not settings.RATELIMIT_ENABLED:
        return RateLimitResult(allowed=True, count=0, limit=limit, retry_after=retry_after)
    if len(key) > _KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    count = (
        RateLimitCounter.objects.filter(key=key, window_start=datetime.fromtimestamp(window_start, tz=UTC))
        .values_list("count", flat=True)
        .first()
    ) or 0
    return RateLimitResult(allowed=count < limit, count=count, limit=limit, retry_after=retry_after)


def is_over(key: str, *, limit: int, period: int, now: datetime | None = None) -> bool:
    """Whether `key` has already used up its window, without counting a hit (a lockout check)."""
    return not peek(key, limit=limit, period=period, now=now).allowed


def first_use(key: str, *, lifetime: int, now: datetime | None = None) -> bool:
    """True the first time `key` is used within `lifetime` seconds, in any process; then False.

    For single-use tokens (a form stamp, a proof of work) that live at most `lifetime`: a reuse
    lands in the same fixed window or the next one, so both are checked. Concurrent uses are
    decided by the counter's row lock: exactly one wins.
    """
    now = now or timezone.now()
    if not hit(key, limit=1, period=lifetime, now=now).allowed:
        return False
    return not is_over(key, limit=1, period=lifetime, now=now - timedelta(seconds=lifetime))


def is_limited(key: str, *, limit: int, period: int) -> bool:
    """Count this attempt like `hit()` and say whether it is over the limit."""
    return not hit(key, limit=limit, period=period).allowed


def too_many_requests(request: HttpRequest, result: RateLimitResult) -> HttpResponse:
    """The 429 page, with `Retry-After`; for views that call `hit()` themselves."""
    context = {"retry_after": result.retry_after, "retry_after_minutes": math.ceil(result.retry_after / 60)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(result.retry_after)
    add_never_cache_headers(response)
    return response


def ratelimit(
    *,
    group: str,
    key: str | Callable[[HttpRequest], str],
    rate: str,
    methods: tuple[str, ...] = ("POST",),
) -> Callable:
    """Answer 429 when a view is requested more often than `rate` per `key` within `group`.

    `key` is `"ip"` (see `client_ip`), `"post:<field>"` (stripped and lower-cased) or a callable
    returning a string; values are stored as `digest()`s. A request whose key is empty (say, the
    field is missing) is not counted here, only by an `"ip"` limiter: always stack one, e.g.

        @ratelimit(group="login", key="ip", rate="20/h")
        @ratelimit(group="login", key="post:email", rate="5/15m")

    The outer decorator is checked first. Only `methods` count; `RATELIMIT_ENABLED` off lets all pass.
    For class-based views use `method_decorator(ratelimit(...), name="dispatch")`.
    """
    limit, period = parse_rate(rate)  # a typo fails at import, not on the first request
    methods = tuple(method.upper() for method in methods)
    if callable(key):
        kind, key_func = f"{key.__module__}.{key.__qualname__}", key
    elif key == "ip":
        # Never empty: requests without an address share one bucket rather than none.
        kind, key_func = "ip", lambda request: client_ip(request) or "unknown"
    elif key.startswith("post:"):
        field = key.removeprefix("post:")
        kind, key_func = key, lambda request: request.POST.get(field, "").strip().lower()
    else:
        raise ValueError(f"Invalid rate-limit key {key!r}; expected 'ip', 'post:<field>' or a callable.")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if settings.RATELIMIT_ENABLED and request.method in methods and (value := key_func(request)):
                result = hit(f"{group}:{kind}:{digest(value)}", limit=limit, period=period)
                if not result.allowed:
                    logger.warning("Rate limit %s (%s) exceeded", group, kind)
                    return too_many_requests(request, result)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
