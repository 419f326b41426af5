"""Reads go to the replica only where code opts in (fairportal/db_routing.py, db_router.py).

A replica lags; a global "reads go to the replica" would show a voter a page without the vote they
have just cast. These tests check the router's decisions with a `replica` alias configured, and
that nothing changes without one.
"""

import threading

import pytest
from django.db import router, transaction

from fairportal.db_routing import read_from_replica
from projects.models import Fair, Project

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica_configured(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def test_without_a_replica_everything_reads_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with read_from_replica():
        assert Fair.objects.all().db == "default"


def test_only_reads_inside_read_from_replica_go_to_the_replica(replica_configured):
    assert Fair.objects.all().db == "default"
    with read_from_replica():
        assert Fair.objects.all().db == "replica"
        assert Project.objects.filter(fair__slug="x").db == "replica"
    assert Fair.objects.all().db == "default"


def test_writes_and_locking_reads_always_go_to_the_primary(replica_configured):
    with read_from_replica():
        assert router.db_for_write(Fair) == "default"
        assert Fair.objects.select_for_update().db == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(replica_configured):
    # A service called from an opted-in view may read back what its transaction wrote.
    with read_from_replica(), transaction.atomic():
        assert Fair.objects.all().db == "default"


def test_nesting_keeps_the_outer_choice(replica_configured):
    with read_from_replica():
        with read_from_replica():
            assert Fair.objects.all().db == "replica"
        assert Fair.objects.all().db == "replica"
    assert Fair.objects.all().db == "default"


def test_as_a_view_decorator_each_call_and_thread_decides_for_itself(replica_configured):
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    @read_from_replica()
    def public_view(name):
        seen[name] = Fair.objects.all().db
        inside.set()
        release.wait(5)

    worker = threading.Thread(target=public_view, args=["public page"])
    worker.start()
    inside.wait(5)
    seen["voter's page meanwhile"] = Fair.objects.all().db  # another request, same moment
    release.set()
    worker.join()
    public_view("second call")

    assert seen == {"public page": "replica", "voter's page meanwhile": "default", "second call": "replica"}


def test_nothing_is_migrated_on_the_replica():
    assert router.allow_migrate("default", "projects", model_name="fair") is True
    assert router.allow_migrate("replica", "projects", model_name="fair") is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_replica_alias_serves_the_opted_in_read_and_nothing_else():
    """Two aliases on one database, in a separate Python configured only by the environment."""
    from urllib.parse import quote

    from django.db import connection

    from tests.factories.projects import FairFactory
    from tests.test_settings import run_python

    fair = FairFactory()  # committed: another connection sees it
    db = connection.settings_dict
    # The embedded server listens on a Unix socket: its directory goes in the query string.
    url = f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@:{db['PORT']}/{db['NAME']}?host={quote(db['HOST'])}"
    code = (
        "import django; django.setup(); from django.db import connections; "
        "from fairportal.db_routing import read_from_replica; from projects.models import Fair; "
        f"exec('with read_from_replica():\\n    slug = Fair.objects.get(pk={fair.pk}).slug'); "
        "print(slug, connections['replica'].connection is not None, connections['default'].connection is not None)"
    )

    result = run_python(code, {"DATABASE_URL": url, "DATABASE_REPLICA_URL": url})

    assert result.returncode == 0, result.stderr
    # The read went through the replica connection; the primary was never opened.
    assert result.stdout.split() == [fair.slug, "True", "False"]
