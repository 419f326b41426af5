"""Settings come from the environment: each test starts a fresh Python with its own."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Qp!v2Lr9#kT4mZ8wB1nC6yH3jF5dS0aG-eR_uI$oP@lK^zX&cV*bN(mM)qW+tY",
    "DJANGO_ALLOWED_HOSTS": "fair.example.kz,www.fair.example.kz",
    "DATABASE_URL": "postgres://fair:secret@db.internal:5433/fairportal_prod",
    "VOTER_HASH_KEY": "another-long-random-key-for-voter-identities-only",
}


def run_python(code: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_URL"))}
    # A developer's own .env must not leak into what these tests observe.
    env.update({"DJANGO_SETTINGS_MODULE": "fairportal.settings", "DJANGO_ENV_FILE": os.devnull, **extra_env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_settings(extra_env: dict[str, str]) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'DEBUG': s.DEBUG, 'ALLOWED_HOSTS': s.ALLOWED_HOSTS, 'TIME_ZONE': s.TIME_ZONE, "
        "'SECRET_KEY': s.SECRET_KEY, 'DB': [db['HOST'], db['PORT'], db['NAME'], db['USER']], "
        "'EMAIL_BACKEND': s.EMAIL_BACKEND, 'EMAIL_HOST': s.EMAIL_HOST, 'EMAIL_PORT': s.EMAIL_PORT, "
        "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'SESSION_COOKIE_SECURE': s.SESSION_COOKIE_SECURE, "
        "'LANGUAGE_CODE': s.LANGUAGE_CODE}))"
    )
    result = run_python(code, extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_come_from_the_environment():
    values = read_settings(
        {
            **PRODUCTION_ENV,
            "DJANGO_TIME_ZONE": "Asia/Aqtobe",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.kz:587",
        }
    )

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["fair.example.kz", "www.fair.example.kz"]
    assert values["SECRET_KEY"] == PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    assert values["TIME_ZONE"] == "Asia/Aqtobe"
    assert values["DB"] == ["db.internal", 5433, "fairportal_prod", "fair"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert [values["EMAIL_HOST"], values["EMAIL_PORT"]] == ["smtp.example.kz", 587]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True


def test_local_defaults_are_safe_and_need_no_environment():
    values = read_settings({})

    assert values["DEBUG"] is True
    assert values["LANGUAGE_CODE"] == "kk"
    assert values["TIME_ZONE"] == "Asia/Almaty"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SECURE_SSL_REDIRECT"] is False
    # The embedded server: a Unix socket under var/, not some TCP host.
    assert values["DB"][0].startswith("/")
    assert values["DB"][2] == "fairportal"


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_voter_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "VOTER_HASH_KEY"}

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "VOTER_HASH_KEY must be set" in result.stderr


def test_only_postgresql_is_accepted():
    result = run_python("import django; django.setup()", {"DATABASE_URL": "sqlite:///var/db.sqlite3"})

    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_deploy_checks_pass_with_production_environment():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_nginx_sends_uploads_when_given_the_internal_prefix():
    code = "from django.conf import settings as s; print(repr(s.MEDIA_ACCEL_REDIRECT_PREFIX))"
    assert run_python(code, {}).stdout.strip() == "''"
    result = run_python(code, {**PRODUCTION_ENV, "DJANGO_MEDIA_ACCEL_REDIRECT": "/protected-media/"})
    assert result.stdout.strip() == "'/protected-media/'", result.stderr

    result = run_python("import django; django.setup()", {"DJANGO_MEDIA_ACCEL_REDIRECT": "protected-media"})
    assert result.returncode != 0
    assert "must start and end with '/'" in result.stderr


def test_the_old_switch_to_let_a_web_server_serve_media_directly_is_refused():
    # With it, nginx served MEDIA_ROOT itself: every draft's files to anyone with the URL.
    result = run_python("import django; django.setup()", {"DJANGO_SERVE_MEDIA": "false"})

    assert result.returncode != 0
    assert "DJANGO_MEDIA_ACCEL_REDIRECT" in result.stderr
