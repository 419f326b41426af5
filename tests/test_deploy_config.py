"""The settings and config files of the production stack (deploy/, issue 12).

Settings are read in a fresh Python with its own environment, as in tests/test_settings.py.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from projects.media import MAX_IMAGE_BYTES, MAX_PDF_BYTES
from tests.test_settings import PRODUCTION_ENV, run_python

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "fairportal.conf.in"
CLEAN = {"CACHE_URL": "", "DATABASE_REPLICA_URL": "", "DJANGO_PGBOUNCER": "", "DJANGO_MEDIA_STORAGE": ""}


def read(expression: str, extra_env: dict[str, str]) -> object:
    result = run_python(
        f"import json; from django.conf import settings as s; print(json.dumps({expression}))",
        {**CLEAN, **extra_env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def setup_fails(extra_env: dict[str, str]) -> str:
    result = run_python("import django; django.setup()", {**CLEAN, **extra_env})
    assert result.returncode != 0
    return result.stderr


# ---------------------------------------------------------------- cache
def test_redis_cache_url_uses_djangos_own_redis_backend():
    cache = read("s.CACHES['default']", {"CACHE_URL": "redis://127.0.0.1:6379/1"})

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_redis_cache_url_with_a_password_and_options():
    cache = read("s.CACHES['default']", {"CACHE_URL": "redis://:s3cret@10.0.0.5:6379/2?timeout=30"})

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://:s3cret@10.0.0.5:6379/2"
    assert cache["TIMEOUT"] == 30


def test_without_cache_url_each_process_has_its_own_memory_cache():
    assert read("s.CACHES['default']['BACKEND']", {}) == "django.core.cache.backends.locmem.LocMemCache"


# ---------------------------------------------------------------- replica and pgbouncer
def test_without_a_replica_there_is_one_database():
    assert read("sorted(s.DATABASES)", PRODUCTION_ENV) == ["default"]


def test_a_replica_url_adds_the_replica_alias_that_mirrors_default_in_tests():
    replica = read(
        "s.DATABASES['replica']",
        {
            **PRODUCTION_ENV,
            "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal:5432/fairportal_prod",
        },
    )

    assert [replica["HOST"], replica["USER"], replica["NAME"]] == [
        "replica.internal",
        "reader",
        "fairportal_prod",
    ]
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["CONN_MAX_AGE"] == 60


def test_the_replica_must_be_postgresql():
    assert "DATABASE_REPLICA_URL" in setup_fails({"DATABASE_REPLICA_URL": "sqlite:///var/replica.sqlite3"})


def test_pgbouncer_switch_turns_off_server_side_cursors_on_every_alias():
    env = {**PRODUCTION_ENV, "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal/fairportal_prod"}
    expression = "[s.DATABASES[a].get('DISABLE_SERVER_SIDE_CURSORS', False) for a in ('default', 'replica')]"

    assert read(expression, env) == [False, False]
    assert read(expression, {**env, "DJANGO_PGBOUNCER": "true"}) == [True, True]
    # Persistent connections stay: they now go to pgbouncer.
    assert read("s.DATABASES['default']['CONN_MAX_AGE']", {**env, "DJANGO_PGBOUNCER": "true"}) == 60


# ---------------------------------------------------------------- media storage
S3_ENV = {
    "DJANGO_MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "fair-media",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.kz",
    "AWS_S3_REGION_NAME": "kz-ala-1",
}


def test_uploads_are_on_the_filesystem_by_default():
    assert read("s.STORAGES['default']['BACKEND']", {}) == "django.core.files.storage.FileSystemStorage"


def test_s3_storage_is_selected_by_environment_and_stays_private():
    storage = read("s.STORAGES['default']", {**PRODUCTION_ENV, **S3_ENV})

    assert storage["BACKEND"] == "fairportal.media_storage.ProtectedS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "fair-media"
    assert options["endpoint_url"] == "https://s3.example.kz"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 300
    assert options["file_overwrite"] is False


def test_s3_needs_a_bucket_and_excludes_x_accel_redirect():
    assert "AWS_STORAGE_BUCKET_NAME" in setup_fails({**S3_ENV, "AWS_STORAGE_BUCKET_NAME": ""})
    assert "DJANGO_MEDIA_ACCEL_REDIRECT" in setup_fails(
        {**S3_ENV, "DJANGO_MEDIA_ACCEL_REDIRECT": "/protected-media/"}
    )
    assert "filesystem or s3" in setup_fails({"DJANGO_MEDIA_STORAGE": "ftp"})


def test_deploy_checks_pass_with_the_whole_stack_configured():
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        {
            **PRODUCTION_ENV,
            **S3_ENV,
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal/fairportal_prod",
            "DJANGO_PGBOUNCER": "true",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- nginx site
def render_site(**values: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "render_site.py"), str(NGINX_SITE)],
        env=values,
        capture_output=True,
        text=True,
        check=False,
    )


SITE_VALUES = {
    "UPSTREAM_SERVERS": "    server 10.0.0.11:8000;\n    server 10.0.0.12:8000;",
    "LISTEN": "443 ssl",
    "SERVER_NAME": "fair.example.kz",
    "TLS": "    ssl_certificate /etc/ssl/fair.pem;",
    "STATIC_ROOT": "/srv/fairportal/staticfiles/",
    "MEDIA_ROOT": "/srv/fairportal/var/media/",
    "LOG_DIR": "/var/log/nginx/fairportal-",
}


@pytest.fixture(scope="module")
def site() -> str:
    result = render_site(**SITE_VALUES)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_rendered_site_has_no_token_left_and_both_nodes(site):
    assert "@" not in re.sub(r"#.*", "", site)
    assert "server 10.0.0.11:8000;" in site
    assert "server 10.0.0.12:8000;" in site


def test_a_half_rendered_site_is_refused():
    result = render_site(**{**SITE_VALUES, "MEDIA_ROOT": ""} | {})
    assert result.returncode == 0  # empty is a value; missing is not
    values = dict(SITE_VALUES)
    del values["MEDIA_ROOT"]
    result = render_site(**values)
    assert result.returncode != 0
    assert "MEDIA_ROOT" in result.stderr


def test_the_body_limit_fits_the_largest_upload_with_a_margin(site):
    server_wide, admin = (int(m) * 1024 * 1024 for m in re.findall(r"client_max_body_size (\d+)m;", site))
    admin_location = re.search(r'location ~ "\^/\(kk\|ru\|en\)/admin/" \{(.*?)\}', site, re.S)[1]

    assert max(MAX_PDF_BYTES, MAX_IMAGE_BYTES) < server_wide <= 2 * MAX_PDF_BYTES
    # Only the admin, where a ceremony is saved with several photos, takes more.
    assert "client_max_body_size" in admin_location
    assert server_wide < admin <= 8 * MAX_IMAGE_BYTES + MAX_PDF_BYTES


def test_the_client_address_is_overwritten_never_appended(site):
    # With DJANGO_TRUSTED_PROXY_COUNT=1 the app reads the last X-Forwarded-For entry.
    assert "$proxy_add_x_forwarded_for" not in site
    assert set(re.findall(r"proxy_set_header X-Forwarded-For (\S+);", site)) == {"$remote_addr"}
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


def test_uploads_are_sent_only_after_the_apps_check(site):
    protected = re.search(r"location /protected-media/ \{(.*?)\}", site, re.S)[1]

    assert "internal;" in protected
    assert "alias /srv/fairportal/var/media/;" in protected
    assert 'Content-Security-Policy "sandbox"' in protected
    # Nothing serves the media directory outside the internal location.
    assert site.count("/srv/fairportal/var/media/") == 1


def test_slow_clients_are_buffered_and_timed_out(site):
    for directive in (
        "proxy_buffering on;",
        "proxy_request_buffering on;",
        "client_header_timeout 10s;",
        "client_body_timeout 20s;",
        "send_timeout 20s;",
    ):
        assert directive in site


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_nginx_accepts_the_rendered_site(site, tmp_path):
    (tmp_path / "site.conf").write_text(site.replace("/var/log/nginx/fairportal-", f"{tmp_path}/"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    site_without_tls = (tmp_path / "site.conf").read_text().replace("443 ssl", "127.0.0.1:1")
    (tmp_path / "site.conf").write_text(
        site_without_tls.replace("    ssl_certificate /etc/ssl/fair.pem;", "")
    )

    result = subprocess.run(
        [
            "/usr/sbin/nginx",
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- systemd
SCHEDULED = {
    "poll_sms_status": "minutely",
    "send_jury_reminders": "hourly",
    "send_presentation_reminders": "hourly",
    "purge_rate_limits": "daily",
    "clearsessions": "daily",
    "prune_db_task_results": "daily",
    "freeze_tallies": "minutely",
    "purge_outgoing_mail": "daily",
    "send_organiser_digest": "*-*-* 08:00:00 Asia/Almaty",
}


@pytest.mark.parametrize(("command", "schedule"), SCHEDULED.items())
def test_each_scheduled_command_has_a_timer(command, schedule):
    timer = (
        DEPLOY / "systemd" / f"fairportal-{command.replace('_', '-').replace('-db-task', '-task')}.timer"
    ).read_text()

    assert f"OnCalendar={schedule}" in timer
    assert f"Unit=fairportal-job@{command}.service" in timer


@pytest.mark.parametrize(
    "unit", ["fairportal-web@.service", "fairportal-worker@.service", "fairportal-job@.service"]
)
def test_units_run_unprivileged_and_hardened(unit):
    text = (DEPLOY / "systemd" / unit).read_text()

    for line in (
        "User=fairportal",
        "EnvironmentFile=/etc/fairportal/env",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
    ):
        assert line in text.splitlines(), line
