"""Log-in hooks: count wrong passwords, shorten staff sessions.

Connected in `AccountsConfig.ready`. Both the portal's and the admin's log-in pages send these
signals (through `authenticate()` and `login()`), so one place serves both.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils import timezone

from accounts import services
from accounts.models import normalize_login_email
from fairportal.ratelimit import client_ip


def login_identity_from(username: str) -> str:
    """The account a log-in attempt is for, normalised as the form does (NFKC, lower case),
    so look-alike spellings of one address share one counter."""
    return normalize_login_email(unicodedata.normalize("NFKC", username or ""))


def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    # authenticate() without a request (a shell, a test client's login()) comes from no network.
    if request is None:
        return
    services.login_failure_record(
        identity=login_identity_from(credentials.get("username", "")), ip=client_ip(request)
    )


def limit_staff_session(sender, request, user, **kwargs) -> None:
    """Staff sessions end a fixed number of hours after log-in (others keep SESSION_COOKIE_AGE);
    a password log-in also opens the short window in which a second factor may be set up."""
    session = getattr(request, "session", None)
    if session is None or not (user.is_staff or user.is_superuser):
        return
    now = timezone.now()
    session.set_expiry(now + timedelta(hours=settings.STAFF_SESSION_HOURS))
    session[services.ENROL_UNTIL_SESSION_KEY] = (now + services.ENROLMENT_WINDOW).timestamp()


def connect() -> None:
    user_login_failed.connect(count_login_failure, dispatch_uid="accounts.count_login_failure")
    user_logged_in.connect(limit_staff_session, dispatch_uid="accounts.limit_staff_session")
