"""Fixtures every test may use; the shared ones are named here and kept stable.

People (made by tests/factories/accounts.py and …/projects.py; call the `make_…` functions for
a variant — another address, language or password, a second person of the same role):
- `organiser`: organiser@fair.kz, staff in the Organisers group, not superuser.
- `organiser_client`: the test client logged in as `organiser`.
- `organiser_with_two_factor`: `organiser` with an authenticator app and recovery codes
  ("abcd2345", "efgh6723") enrolled; log in past the second factor with `verified_login()`.
- `superuser`: root@fair.kz, password `SUPERUSER_PASSWORD` ("s3cret-pass-phrase").
- `ngo_owner`: the owner of a new NGO (`ngo_owner.memberships.get().organisation`).
- `ngo_member`: a plain member of `ngo_owner`'s NGO.
- `juror`: a juror's seat (`juror.user` logs in) in a review open now; tests/jury/conftest.py
  puts it in its own `review`.
Races and row locks (tests/race.py): `short_lock_timeout` sets LOCK_TIMEOUT_MS to 200 ms.
Every user's password is `tests.factories.accounts.PASSWORD` unless said otherwise.
"""

import pytest
from asgiref.local import Local
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from projects.models import Membership
from tests.factories.accounts import enrol_two_factor, make_organiser, make_superuser
from tests.factories.jury import JurorFactory
from tests.factories.projects import make_ngo_member
from tests.race import SHORT_LOCK_TIMEOUT_MS


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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (Kazakh), as a new visitor does.

    The last request of the previous test left its language active in this thread (LocaleMiddleware
    does not switch back), so tests expecting English passed or failed by their order."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def english(default_language):
    """For tests that read our English wording (services' messages, admin pages by `reverse`)."""
    translation.activate("en")


@pytest.fixture
def short_lock_timeout(settings):
    """A writer meeting a row held elsewhere (tests.race.row_held) gives up after 200 ms, not 3 s."""
    settings.LOCK_TIMEOUT_MS = SHORT_LOCK_TIMEOUT_MS


# ---------------------------------------------------------------- people


@pytest.fixture
def organiser():
    return make_organiser("organiser@fair.kz")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def organiser_with_two_factor(organiser):
    enrol_two_factor(organiser)
    return organiser


@pytest.fixture
def superuser():
    return make_superuser("root@fair.kz")


@pytest.fixture
def ngo_owner():
    return make_ngo_member(role=Membership.Role.OWNER, email="owner@ngo.kz")


@pytest.fixture
def ngo_member(ngo_owner):
    return make_ngo_member(
        ngo_owner.memberships.get().organisation, role=Membership.Role.MEMBER, email="member@ngo.kz"
    )


@pytest.fixture
def juror():
    return JurorFactory()
