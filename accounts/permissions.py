"""Who must prove a second factor, and who may reset one."""

from django.conf import settings


def needs_second_factor(user) -> bool:
    """Staff (and superusers) need a second factor when `STAFF_REQUIRE_2FA` is on; nobody else."""
    return bool(
        settings.STAFF_REQUIRE_2FA
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def second_factor_satisfied(user) -> bool:
    """True for anyone who needs no second factor, and for staff whose session has verified one.

    `is_verified` is installed by django-otp's `OTPMiddleware`; without it nobody is verified.
    """
    if not needs_second_factor(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def can_reset_second_factor(user) -> bool:
    """Only superusers reset someone's second factor: it is the key to the admin."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
