import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User, normalize_login_email
from accounts.tokens import email_confirmation_token
from fairportal import ratelimit
from fairportal.locks import row_lock
from fairportal.mail import Derived, queue_to_addresses, queue_to_users
from fairportal.ratelimit import digest, network_of

logger = logging.getLogger(__name__)


def confirmation_token_for(user: User) -> str:
    return email_confirmation_token.make_token(user)


def password_reset_token_for(user: User) -> str:
    return default_token_generator.make_token(user)


def user_send_confirmation(*, user: User) -> None:
    """Queue a confirmation link, sent once the surrounding transaction has committed.

    The token is made by the mail task (`Derived`), so it never rests in the queue.
    """
    queue_to_users(
        template_prefix="accounts/email/confirm",
        context={
            "user": user,
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": Derived("accounts.services.confirmation_token_for", user),
        },
        users=[user],
    )


def user_send_password_reset(*, user: User, language: str) -> None:
    """Queue a password-reset link, in the language the request for it was made in.

    Made by the mail task (`Derived`) like every link token; Django's form calls this through
    `accounts.forms.PasswordResetForm.send_mail`, so no reset ever waits for the mail server.
    """
    queue_to_addresses(
        template_prefix="accounts/email/password_reset",
        context={
            "user": user,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": Derived("accounts.services.password_reset_token_for", user),
        },
        recipients=[(user.email, language)],
    )


@transaction.atomic
def user_sign_up(*, email: str, password: str, full_name: str, language: str) -> User | None:
    """Create an account and send the confirmation link.

    For an address that already has an account nothing is created and its owner is told
    by e-mail instead, so the sign-up page reveals nothing about who is registered.
    Returns the new user, or None.
    """
    existing = User.objects.filter(email=normalize_login_email(email)).first()
    if existing is not None:
        queue_to_users(
            template_prefix="accounts/email/already_registered", context={"user": existing}, users=[existing]
        )
        return None
    user = User.objects.create_user(email=email, password=password, full_name=full_name, language=language)
    user_send_confirmation(user=user)
    return user


def user_confirm_email(*, user: User, token: str) -> bool:
    """Mark the address confirmed if the token is valid; False for a wrong or used link."""
    if not email_confirmation_token.check_token(user, token):
        return False
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return True


# ---------------------------------------------------------------- log-in limits
# Only failures count, so signing in never locks anyone out. An account is limited per network
# (`fairportal.ratelimit.network_of`): wrong passwords sent from elsewhere cannot stop its owner
# logging in from their own network. The network limit is generous (a training room or an
# office shares one address) and still stops one network spraying passwords over many accounts.
LOGIN_FAILURES_PER_ACCOUNT_AND_NETWORK = (10, 15 * 60)
LOGIN_FAILURES_PER_NETWORK = (100, 15 * 60)
# Wrong second-factor codes: the same shape, counted apart from passwords. django-otp's own
# throttling (doubling delays per device) also stops guessing spread over many networks.
TWO_FACTOR_FAILURES_PER_ACCOUNT_AND_NETWORK = (10, 15 * 60)


def _network(ip: str) -> str:
    return network_of(ip) or ip or "unknown"


def _login_limits(*, identity: str, ip: str) -> list[tuple[str, int, int]]:
    network = _network(ip)
    limits = [(f"accounts.login.failures:network:{digest(network)}", *LOGIN_FAILURES_PER_NETWORK)]
    if identity:
        key = f"accounts.login.failures:account:{digest(identity + chr(10) + network)}"
        limits.append((key, *LOGIN_FAILURES_PER_ACCOUNT_AND_NETWORK))
    return limits


def login_lockout(*, identity: str, ip: str) -> ratelimit.RateLimitResult | None:
    """The exhausted limit that refuses a log-in attempt for `identity` from `ip`, or None.

    Reads the counters without counting: only `login_failure_record` counts. Parallel guesses
    already past this check may overshoot a limit by the number in flight, no more.
    """
    for key, limit, period in _login_limits(identity=identity, ip=ip):
        result = ratelimit.peek(key, limit=limit, period=period)
        if not result.allowed:
            return result
    return None


def login_failure_record(*, identity: str, ip: str) -> None:
    """Count one wrong password for `identity` from `ip` (call in autocommit, see `ratelimit.hit`)."""
    for key, limit, period in _login_limits(identity=identity, ip=ip):
        ratelimit.hit(key, limit=limit, period=period)


def _two_factor_limit_key(*, user: User, ip: str) -> str:
    return f"accounts.2fa.failures:{user.pk}:{digest(_network(ip))}"


def two_factor_lockout(*, user: User, ip: str) -> ratelimit.RateLimitResult | None:
    limit, period = TWO_FACTOR_FAILURES_PER_ACCOUNT_AND_NETWORK
    result = ratelimit.peek(_two_factor_limit_key(user=user, ip=ip), limit=limit, period=period)
    return None if result.allowed else result


def two_factor_failure_record(*, user: User, ip: str) -> None:
    limit, period = TWO_FACTOR_FAILURES_PER_ACCOUNT_AND_NETWORK
    ratelimit.hit(_two_factor_limit_key(user=user, ip=ip), limit=limit, period=period)


# ---------------------------------------------------------------- second factor
RECOVERY_CODE_COUNT = 10
# A session may set up a second factor only this long after a password log-in, so a session
# left open (or one whose second factor an organiser reset) cannot enrol a device of its own.
ENROLMENT_WINDOW = timedelta(minutes=15)
ENROL_UNTIL_SESSION_KEY = "accounts_2fa_enrol_until"
RECOVERY_CODES_SESSION_KEY = "accounts_2fa_new_recovery_codes"


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


class CodesThrottled(Exception):
    """django-otp's own delay after wrong codes (doubling per failure, per device) has not passed."""

    def __init__(self, locked_until: datetime):
        super().__init__(locked_until)
        self.locked_until = locked_until


def _check_not_throttled(device: Device) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise CodesThrottled((details or {}).get("locked_until") or timezone.now())


def normalise_recovery_code(code: str) -> str:
    """Recovery codes are shown as "abcd efgh"; accept them with or without spaces or dashes."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def normalise_totp_code(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def two_factor_enrolment_device(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: the same unconfirmed device on every visit, so a code
    scanned before a reload stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm_enrolment(*, user: User, code: str) -> Enrolment | None:
    """Confirm the authenticator app with a code from it and create fresh recovery codes
    (None for a wrong code; `CodesThrottled` while django-otp's delay after one runs).

    Locks the unconfirmed device row: of two concurrent confirmations one wins, the other finds
    no unconfirmed device and fails. Refuses (None) once the user has a confirmed app, so a
    password alone can never replace the second factor: that takes a superuser's reset.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None
    with row_lock():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
    if device is None:
        return None
    _check_not_throttled(device)
    if not device.verify_token(normalise_totp_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
    return Enrolment(device=device, recovery_codes=codes)


@transaction.atomic
def two_factor_verify(*, user: User, code: str, recovery: bool) -> Device | None:
    """The device that accepts a code from the authenticator app, or a recovery code (used up
    by this check); None for a wrong code. Raises `CodesThrottled` while django-otp's delay runs.

    The device row is locked (`select_for_update`), so one code cannot be accepted twice by
    concurrent requests; django-otp refuses a TOTP code at or before the last accepted step.
    """
    model = StaticDevice if recovery else TOTPDevice
    with row_lock():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return None
    _check_not_throttled(device)
    code = normalise_recovery_code(code) if recovery else normalise_totp_code(code)
    return device if device.verify_token(code) else None


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None, via: str) -> bool:
    """Remove `user`'s authenticator app and recovery codes (a lost phone); they set up a new one
    at their next log-in. Recorded as an admin LogEntry by `by` (or on the account itself when
    a command is run without naming an operator). False when there was nothing to remove.
    """
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    if not removed:
        return False
    message = gettext("Second factor reset (%(via)s).") % {"via": via}
    LogEntry.objects.log_actions(
        user_id=(by or user).pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
    logger.warning("Second factor of user %s reset by %s (%s)", user.pk, by.pk if by else "-", via)
    return True
