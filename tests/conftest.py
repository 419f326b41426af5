import pytest
from asgiref.local import Local
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils.translation import trans_real


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Tests read the catalogs as users do, so compile any .po newer than its .mo.

    Django may have loaded the old .mo files already (while collecting tests), so its cached
    catalogs are dropped afterwards, as Django's own tests do when LOCALE_PATHS changes;
    otherwise the first run after a catalog change sees yesterday's translations.
    """
    call_command("compile_translations", verbosity=0)
    trans_real._default = None
    trans_real._active = Local()
    trans_real._translations = {}


@pytest.fixture(autouse=True)
def isolated_settings(settings, tmp_path):
    # Production's manifest storage needs `collectstatic` first; tests need the names only.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing passwords slowly protects users, not test runs.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads land in a fresh directory per test, never in var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Cached pages (the sitemap) must not carry one test's data into the next.
    cache.clear()
    # Pages in memory, never in var/cache; changes inside a test's transaction never commit, so
    # they would never end a cached page: start empty.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    caches["pages"].clear()
    settings.PAGE_CACHE_SECONDS = 300  # as in production


@pytest.fixture
def short_lock_timeout(settings):
    """A writer meeting a row held elsewhere (tests.race.row_held) gives up after 200 ms, not 3 s."""
    from tests.race import SHORT_LOCK_TIMEOUT_MS

    settings.LOCK_TIMEOUT_MS = SHORT_LOCK_TIMEOUT_MS
