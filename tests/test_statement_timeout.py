"""PostgreSQL cancels a web request's statement before gunicorn would kill the worker."""

import pytest
from django.db import OperationalError, connection, transaction

from fairportal.locks import is_statement_timeout
from tests.test_settings import run_python

pytestmark = pytest.mark.django_db


def test_the_web_connection_has_a_statement_timeout_below_gunicorns():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (value,) = cursor.fetchone()
    assert value == "20s"  # two thirds of GUNICORN_TIMEOUT's default 30 s


@transaction.atomic
def sleep_under_a_short_timeout() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '100ms'")
        cursor.execute("SELECT pg_sleep(5)")


def test_a_statement_longer_than_the_timeout_is_cancelled():
    with pytest.raises(OperationalError) as raised:
        sleep_under_a_short_timeout()

    assert is_statement_timeout(raised.value)
    with connection.cursor() as cursor:  # the connection is usable again after the rollback
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.urls("tests.error_urls")
def test_a_cancelled_statement_gives_a_translated_503_page_not_a_500(client):
    response = client.get("/slow/", headers={"accept-language": "ru"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Эта страница готовилась слишком долго." in response.content.decode()


def test_the_timeout_follows_gunicorns_and_may_not_reach_it():
    shown = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['options'])"

    longer = run_python(shown, {"GUNICORN_TIMEOUT": "60"})
    assert longer.stdout.strip() == "-c statement_timeout=40000"

    too_long = run_python("import django; django.setup()", {"DJANGO_STATEMENT_TIMEOUT_MS": "30000"})
    assert too_long.returncode != 0
    assert "DJANGO_STATEMENT_TIMEOUT_MS must be 0 or below GUNICORN_TIMEOUT" in too_long.stderr


def test_management_commands_run_without_the_web_timeout_unless_told():
    def command_timeout(env: dict[str, str]) -> str:
        result = run_python(
            "import sys; sys.argv = ['manage.py', 'shell', '-c', "
            "'from django.db import connection; c = connection.cursor(); "
            'c.execute("SHOW statement_timeout"); print(c.fetchone()[0])\']; '
            "import runpy; runpy.run_path('manage.py', run_name='__main__')",
            env,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    assert command_timeout({}) == "0"  # migrations, seeding, exports, the task worker
    assert command_timeout({"DJANGO_COMMAND_STATEMENT_TIMEOUT_MS": "600000"}) == "10min"
