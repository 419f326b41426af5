import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Tests read the catalogs as users do, so compile any .po newer than its .mo."""
    call_command("compile_translations", verbosity=0)


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
