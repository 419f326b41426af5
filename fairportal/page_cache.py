"""Whole-page cache for the public site's anonymous visitors.

On a voting evening almost every request is an anonymous visitor reading the home page, the
catalogue, a project or the results, and each of those pages is the same for every anonymous
visitor in a language. So the rendered page is kept in the shared `pages` cache (Redis in
production, a file cache shared by the workers of one machine otherwise) and replayed.

Never staler than the last change: every cached page carries the *generation* current when its
rendering began, and any change to what public pages show starts a new generation once its
transaction commits (`invalidate`, called by the services and, for every model the public site
shows, by the save/delete signals registered in the apps' `ready()`). A page rendered while a
change was committing carries the old generation and is thrown away at the next read. Pages also
expire at the next moment in any published fair's schedule, because a page's content follows the
fair's phase (the vote button, the results), and after `PAGE_CACHE_SECONDS` at the latest.

Only anonymous GET/HEAD requests without pending messages are served from the cache, and only a
200 that set no cookie is stored. Browsers and CDNs may store the page (`public`) but must ask
again each time (`max-age=0, must-revalidate`); the ETag makes that a 304 without rendering.
"""

import functools
import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag

CACHE_ALIAS = "pages"


@functools.cache
def code_version() -> str:
    """A fingerprint of the code, templates and catalogs this process serves pages with.

    Part of every key, so a deploy never replays a page rendered by the previous release (a
    template or a translation changed without any record changing). Made from the files'
    contents, not their times, so every node of one release shares its pages and their
    invalidations. Read once per process.
    """
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for pattern in ("templates/**/*", "*/templates/**/*", "locale/**/*.mo", "*/*.py", "*/templatetags/*.py"):
        for path in sorted(root.glob(pattern)):
            if path.is_file() and ".venv" not in path.parts:
                digest.update(f"{path.relative_to(root)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _generation_key() -> str:
    return f"pages:{code_version()}:generation"


PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"


@dataclass(frozen=True)
class CachedPage:
    generation: str
    expires_at: float  # time.time()
    etag: str
    headers: tuple[tuple[str, str], ...]
    content: bytes


def _cache():
    return caches[CACHE_ALIAS]


def _new_generation() -> str:
    generation = secrets.token_hex(8)
    _cache().set(_generation_key(), generation, timeout=None)
    return generation


def invalidate() -> None:
    """Every cached page is stale from now on, and again once the current transaction commits.

    The second turn matters: a page rendered between the two, from the data before the commit,
    carries the first turn's generation and is discarded. The first one makes a change visible
    to whoever reads in the same transaction (and in tests, whose transactions never commit).
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def current_generation() -> str:
    """For fragments cached in templates (`{% cache … using="pages" %}`) that must end with pages."""
    return _cache().get(_generation_key()) or _new_generation()


def _invalidate_on_signal(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: nothing is served from fixtures being loaded
        return
    invalidate()


def invalidate_when_changed(*models) -> None:
    """Start a new generation whenever one of these models is saved, deleted or re-linked.

    Signals catch the admin, the shell and every service alike; what they miss (QuerySet.update,
    bulk_create) is followed by an explicit `invalidate()` in the service that does it.
    """
    for model in models:
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(_invalidate_on_signal, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_invalidate_on_signal, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _invalidate_on_signal,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}",
                weak=False,
            )


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True  # no session: anonymous, and nothing waiting to be shown
    # A session (a voter who has voted, an NGO member): anonymous with nothing pending only.
    return not request.user.is_authenticated and not request.session.get(SessionStorage.session_key)


def _key(request: HttpRequest) -> str:
    # Public pages live under /kk/, /ru/, /en/: the path says the language.
    path = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()
    return f"pages:{code_version()}:{path}"


def _next_schedule_moment() -> float:
    """The next moment any published fair changes phase, as time.time()."""
    from projects.selectors import next_schedule_change

    moment = next_schedule_change(timezone.now())
    return moment.timestamp() if moment else float("inf")


def _if_none_match(request: HttpRequest) -> list[str]:
    return [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()]


def _replay(request: HttpRequest, page: CachedPage) -> HttpResponse:
    if page.etag in _if_none_match(request):
        response = HttpResponseNotModified()
        response["ETag"] = page.etag
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        return response
    response = HttpResponse(page.content)
    for name, value in page.headers:
        response[name] = value
    return response


def _stored_page(request: HttpRequest) -> tuple[str, CachedPage | None]:
    """The current generation and the page stored for this request, if still good."""
    key = _key(request)
    found = _cache().get_many([_generation_key(), key])
    generation = found.get(_generation_key()) or _new_generation()
    page = found.get(key)
    if page is not None and page.generation == generation and time.time() < page.expires_at:
        return generation, page
    return generation, None


@dataclass(frozen=True)
class _Pending:
    key: str
    generation: str
    expires_at: float
    etag: str


class PageCacheMiddleware:
    """Replays stored pages before sessions, authentication, URL resolving and the view run.

    Sits right after WhiteNoise: a visitor without a session or messages cookie is anonymous
    with nothing pending, so a stored page is all they need. On the way out it stores what
    `cached_public_page` marked, with the headers the inner middleware added (the outer ones —
    security headers, CSP, Permissions-Policy — are added again to every replay).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and settings.PAGE_CACHE_SECONDS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            _generation, page = _stored_page(request)
            if page is not None:
                return _replay(request, page)
        response = self.get_response(request)
        pending = getattr(response, "_page_cache_pending", None)
        if pending is None:
            return response
        if response.cookies or response.status_code != 200:
            # A cookie (a CSRF token, a new session) makes the page someone's own.
            response["Cache-Control"] = "private"
            return response
        now = time.time()
        page = CachedPage(
            generation=pending.generation,
            expires_at=pending.expires_at,
            etag=pending.etag,
            headers=tuple(response.items()),
            content=response.content,
        )
        if pending.expires_at > now:
            _cache().set(pending.key, page, timeout=max(1, int(pending.expires_at - now) + 1))
        return response


def cached_public_page(view=None):
    """Serve the view's page from the shared cache to anonymous visitors (see the module doc).

    `PageCacheMiddleware` replays and stores; this marks which pages may be stored, and serves
    anonymous visitors who carry a session (a voter after voting) from the same store. A view
    whose page changes without anyone changing a record (live vote counts) sets
    `response.page_cache_seconds` to replay it for that long at most.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                response = view_func(request, *args, **kwargs)
                response.setdefault("Cache-Control", "private")
                return response
            # The generation is read before rendering: a change committed meanwhile ends this copy.
            generation, page = _stored_page(request)
            if page is not None:
                return _replay(request, page)

            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if (
                request.method != "GET"
                or response.status_code != 200
                or response.streaming
                or response.cookies
                or (getattr(request, "session", None) is not None and request.session.modified)
            ):
                response.setdefault("Cache-Control", "private")
                return response
            # The page is the same for every anonymous visitor, but not for a logged-in one:
            # a shared cache must keep them apart even when this rendering never read the session.
            patch_vary_headers(response, ["Cookie"])
            lifetime = getattr(response, "page_cache_seconds", None) or settings.PAGE_CACHE_SECONDS
            etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            response["ETag"] = etag
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
            response._page_cache_pending = _Pending(
                key=_key(request),
                generation=generation,
                expires_at=min(time.time() + lifetime, _next_schedule_moment()),
                etag=etag,
            )
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
