"""fairportal settings: one module, driven by environment variables.

Every variable is documented in `.env.example` and the README. The defaults are safe
for a developer's machine; production differs only by its environment.
"""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fairportal import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` file is a convenience for developers; real environments set variables,
# which always win over the file.
environ.Env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# ---------------------------------------------------------------- core
DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before staticfiles, so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    # Django's admin with a site that asks staff for their second factor (accounts/admin_site.py).
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tasks",
    # django-tasks-db and django-otp's devices under names in our languages (fairportal/apps.py,
    # accounts/apps.py); the app labels, tables and migrations stay theirs.
    "fairportal.apps.TaskQueueConfig",
    "django_otp",
    "accounts.apps.AuthenticatorAppsConfig",
    "accounts.apps.BackupCodesConfig",
    "csp",
    "fairportal",
    "accounts",
    "projects",
    "voting",
    "jury",
    "awards",
    "presentations",
    "reports",
    # `manage.py demo`: no models or pages; refuses to run while DEBUG is off unless forced.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers first, so every response gets them, static files and error pages included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stored public pages for anonymous visitors, before sessions and the rest (page_cache.py).
    "fairportal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then staff without their second factor see only its pages.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A row held too long or a statement cancelled: a translated 503 "try again", not a 500.
    "fairportal.locks.DatabaseBusyMiddleware",
    # The client's network for the audit trail (fairportal.audit.record).
    "fairportal.audit.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fairportal.urls"
WSGI_APPLICATION = "fairportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fairportal.context_processors.site_urls",
            ],
        },
    },
]
# Widgets render through TEMPLATES too, so templates/ can override a widget's template (the
# admin's date-and-time widget labels both its inputs: templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# ---------------------------------------------------------------- database
# PostgreSQL only. Without DATABASE_URL we use the embedded server that
# `make db-start` runs from var/pgdata (see fairportal/embedded_db.py).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {"default": embedded_db.database_settings()}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("fairportal runs on PostgreSQL only; DATABASE_URL must be postgres://…")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A statement running longer than this is cancelled by PostgreSQL (a translated 503 page,
# `fairportal.locks`), before gunicorn kills the whole worker at GUNICORN_TIMEOUT. Commands
# run by manage.py (migrations, seeding, exports, the task worker) legitimately run long
# statements and answer no browser: they use DJANGO_COMMAND_STATEMENT_TIMEOUT_MS, none by
# default. 0 switches a timeout off.
_GUNICORN_TIMEOUT_MS = env.int("GUNICORN_TIMEOUT", default=30) * 1000
if env.bool("FAIRPORTAL_MANAGEMENT_COMMAND", default=False):  # set by manage.py
    STATEMENT_TIMEOUT_MS = env.int("DJANGO_COMMAND_STATEMENT_TIMEOUT_MS", default=0)
else:
    STATEMENT_TIMEOUT_MS = env.int("DJANGO_STATEMENT_TIMEOUT_MS", default=_GUNICORN_TIMEOUT_MS * 2 // 3)
    if STATEMENT_TIMEOUT_MS < 0 or STATEMENT_TIMEOUT_MS >= _GUNICORN_TIMEOUT_MS:
        raise ImproperlyConfigured("DJANGO_STATEMENT_TIMEOUT_MS must be 0 or below GUNICORN_TIMEOUT (in ms)")
if STATEMENT_TIMEOUT_MS:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()
# How long a request waits for a row another one has locked (`fairportal.locks.row_lock`)
# before it answers "busy, try again" instead of piling up behind it.
LOCK_TIMEOUT_MS = env.int("DJANGO_LOCK_TIMEOUT_MS", default=3000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica for public pages that opt in (`fairportal.db_routing.read_from_replica`);
# everything else, and everything when the variable is unset, reads and writes `default`, so
# voters and organisers always see what they have just written.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be postgres://…")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests see one database through both aliases, as a replica without lag would show it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["fairportal.db_router.ReplicaRouter"]
# Behind pgbouncer in transaction pooling, consecutive transactions of one Django connection may
# run on different server connections: a server-side cursor (a named cursor used by .iterator())
# would be lost between them. Persistent connections to pgbouncer stay (CONN_MAX_AGE): they are
# cheap, and pgbouncer's server pool is what bounds PostgreSQL's connections.
PGBOUNCER = env.bool("DJANGO_PGBOUNCER", default=False)
if PGBOUNCER:
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True

# locmemcache:// (one process), redis://127.0.0.1:6379/1 (shared by every node), …
# redis:// always means Django's own RedisCache: django-environ would pick django-redis
# instead whenever that package happens to be installed.
_CACHE_URL = env.str("CACHE_URL", default="") or "locmemcache://"
CACHES = {
    "default": env.cache_url_config(
        _CACHE_URL,
        backend="django.core.cache.backends.redis.RedisCache"
        if _CACHE_URL.startswith("redis")  # redis://, rediss://, rediscache://
        else None,
    )
}
# django-environ lower-cases every query option for Django's RedisCache, also the cache's own
# (?timeout=30 would become "timeout", which Django ignores); give those back their names.
for _option in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"):
    if _option.lower() in CACHES["default"]:
        CACHES["default"][_option] = CACHES["default"].pop(_option.lower())
# Rendered public pages (fairportal/page_cache.py) must be shared by every process that serves or
# changes them, or a change would only end the copy of the process that made it (a shell, the
# admin of another worker): the CACHE_URL server when there is one, else a file cache that every
# process of one machine shares, development included. Tests use memory (tests/conftest.py).
if env.str("CACHE_URL", default=""):
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / "var" / "cache" / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
# The longest a public page is replayed; any change to what it shows ends it at once anyway, and
# so does a new release (page_cache.code_version). Off under DEBUG, where templates change by
# the minute without a restart.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 300)

# ---------------------------------------------------------------- accounts
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "projects:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # Reset and confirmation links work for a day.
# Staff (organisers) prove a second factor (an authenticator app, recovery codes) after the
# password; on by default whenever DEBUG is off. `make run` (DEBUG on) needs none.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
# Staff sessions end this many hours after log-in; everyone else keeps SESSION_COOKIE_AGE (2 weeks).
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)
OTP_TOTP_ISSUER = "fairportal"  # the name authenticator apps show beside the code
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the device admin never shows secret keys
# What the admin's landing page adds above its list of apps: the organisers' fair dashboard.
# Wired here, because accounts (the admin site) may not import the reports app above it.
ADMIN_INDEX_CONTEXT = "reports.dashboard_views.admin_index_context"
# The functions a queued e-mail may have the sending task call (`fairportal.mail.Derived` values
# such as link tokens, and `Attachment`s): the row names them by dotted path; only these run.
MAIL_MAKERS = frozenset(
    {
        "accounts.services.confirmation_token_for",
        "accounts.services.password_reset_token_for",
        "projects.services.invitation_token",
        "jury.services.welcome_token",
        "presentations.ics.slot_attachment",
    }
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------- languages and time
LANGUAGE_CODE = "kk"  # Kazakh first: the state language is the default.
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date and number formats for kk (Django has none) and en/ru (day-first, grouped).
FORMAT_MODULE_PATH = ["fairportal.formats"]
USE_I18N = True
USE_TZ = True  # Stored in UTC, shown in TIME_ZONE.
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Almaty")

# ---------------------------------------------------------------- static and media
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from a registry package and is served as our own static files.
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploads are always served through fairportal/protected_media.py, which checks who may see a
# draft's files. With a prefix (e.g. /protected-media/) it answers with X-Accel-Redirect and nginx
# sends the file from an `internal` location; without one Django streams the file itself.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("DJANGO_MEDIA_ACCEL_REDIRECT", default="")
if MEDIA_ACCEL_REDIRECT_PREFIX and not (
    MEDIA_ACCEL_REDIRECT_PREFIX.startswith("/") and MEDIA_ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        "DJANGO_MEDIA_ACCEL_REDIRECT must start and end with '/', e.g. /protected-media/."
    )
# A web server that serves MEDIA_ROOT itself would show drafts' files to anyone: refuse the old
# switch for that rather than let an upgrade silently keep such a set-up.
if not env.bool("DJANGO_SERVE_MEDIA", default=True):
    raise ImproperlyConfigured(
        "DJANGO_SERVE_MEDIA is gone: uploads are always checked by the app. Let nginx send them with "
        "DJANGO_MEDIA_ACCEL_REDIRECT (see the README) and stop serving the media directory directly."
    )
# Where uploads live: "filesystem" (MEDIA_ROOT) or "s3" (any S3-compatible store, django-storages).
# With s3 the bucket stays private: protected_media still checks who may see a file and then
# redirects to a presigned URL that expires after MEDIA_PRESIGNED_SECONDS.
MEDIA_STORAGE = env.str("DJANGO_MEDIA_STORAGE", default="") or "filesystem"
MEDIA_PRESIGNED_SECONDS = env.int("DJANGO_MEDIA_PRESIGNED_SECONDS", default=300)
if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if MEDIA_ACCEL_REDIRECT_PREFIX:
        raise ImproperlyConfigured("DJANGO_MEDIA_ACCEL_REDIRECT serves local files; unset it with s3.")
    _bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not _bucket:
        raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _media_storage = {
        "BACKEND": "fairportal.media_storage.ProtectedS3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            # Never public: every read goes through protected_media and a presigned URL.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": MEDIA_PRESIGNED_SECONDS,
            # Upload names are random; never replace an existing object silently.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE must be filesystem or s3.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------- e-mail
# smtp+tls://user:password@host:587, consolemail://, filemail:///path, …
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="fairportal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point here (no request exists when a background job sends mail).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_TIMEOUT = 10  # A stuck SMTP server must not hold a worker for long.
# Queued e-mail (`fairportal.tasks`): attempts before "failed", and the first retry's delay,
# doubled after each further failure (60 s, 2, 4, 8 min by default).
MAIL_SEND_ATTEMPTS = env.int("DJANGO_MAIL_SEND_ATTEMPTS", default=5)
MAIL_RETRY_SECONDS = env.int("DJANGO_MAIL_RETRY_SECONDS", default=60)

# ---------------------------------------------------------------- security
# HTTPS hardening is on whenever DEBUG is off; `make serve` turns it off explicitly
# (DJANGO_HTTPS=false) because it serves plain HTTP on 127.0.0.1.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload flag only matters once the domain is submitted to browsers' list.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
# Set only behind a proxy that overwrites this header (never trust it from clients).
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "fairportal.views.csrf_failure"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so an
# injected <script>, on*= handler or style attribute does nothing. No 'unsafe-inline' anywhere:
# our templates and the Django admin (5.2) carry no inline script or style attribute
# (tests/test_security_headers.py keeps it so). data: images are Bootstrap's and the admin's
# SVG icons in CSS. Frames: only the video players the project page inserts on "play".
VIDEO_FRAME_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": VIDEO_FRAME_ORIGINS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): the portal needs no device or payment API, so
# nobody (no injected script, no embedded player) may ask the visitor for them. The players keep
# what playing a video needs. Only features Chromium knows: unknown ones print console warnings.
PERMISSIONS_POLICY = {
    **{
        feature: []
        for feature in (
            "accelerometer",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    },
    **{
        feature: ["self", *VIDEO_FRAME_ORIGINS]
        for feature in ("autoplay", "encrypted-media", "fullscreen", "picture-in-picture")
    },
}

# ---------------------------------------------------------------- background tasks
# Mail (voting codes above all) is sent by a task so a slow mail server never holds a request.
# "immediate" runs it at once (development, tests); "database" queues it in PostgreSQL for
# `manage.py db_worker` (production; `make worker`).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env.str("DJANGO_TASKS_BACKEND", default="immediate")]}}

# ---------------------------------------------------------------- voting
# Keys the HMAC that turns a voter's e-mail or phone into an identity. Separate from SECRET_KEY
# so rotating sessions does not orphan votes, and required in production.
VOTER_HASH_KEY = env.str("VOTER_HASH_KEY", default="")
if not VOTER_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("VOTER_HASH_KEY must be set when DJANGO_DEBUG is false.")
    VOTER_HASH_KEY = "local-development-voter-key"

# The browser check (ALTCHA proof of work) on the vote form: "auto" switches it on while a fair's
# code requests spike beyond VOTING_CHALLENGE_SPIKE in five minutes; "always"; "off".
VOTING_CHALLENGE = env.str("VOTING_CHALLENGE", default="auto")
if VOTING_CHALLENGE not in ("auto", "always", "off"):
    raise ImproperlyConfigured("VOTING_CHALLENGE must be auto, always or off.")
VOTING_CHALLENGE_SPIKE = env.int("VOTING_CHALLENGE_SPIKE", default=100)
# Voting codes by SMS, for fairs that allow it: "" (off), console, file, http, mobizon or smsc
# (voting/sms.py). mobizon and smsc report delivery: run `manage.py poll_sms_status` every minute.
SMS_BACKEND = env.str("SMS_BACKEND", default="")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms.log")
# The sender name (alpha name) registered with the gateway; empty = the account's default.
SMS_SENDER = env.str("SMS_SENDER", default="")
SMS_MOBIZON_API_KEY = env.str("SMS_MOBIZON_API_KEY", default="")
SMS_MOBIZON_URL = env.str("SMS_MOBIZON_URL", default="https://api.mobizon.kz/service")
SMS_SMSC_LOGIN = env.str("SMS_SMSC_LOGIN", default="")
SMS_SMSC_PASSWORD = env.str("SMS_SMSC_PASSWORD", default="")
SMS_SMSC_URL = env.str("SMS_SMSC_URL", default="https://smsc.kz/sys")
# Short: the task retries, and a worker stuck on a slow gateway delays every other code.
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=5.0)

# ---------------------------------------------------------------- rate limits
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 means the
# header is ignored and REMOTE_ADDR is the client, so a forged header gains nothing.
RATELIMIT_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Off only in tests that exercise something else; never in production.
RATELIMIT_ENABLED = env.bool("DJANGO_RATELIMIT_ENABLED", default=True)

# ---------------------------------------------------------------- uploads
# Size limits per file live in projects/media.py; the proxy in front caps whole requests.
FILE_UPLOAD_PERMISSIONS = 0o640

# ---------------------------------------------------------------- logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own console handler would print every django.* line a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
