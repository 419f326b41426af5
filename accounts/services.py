from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User, normalize_login_email
from accounts.tokens import email_confirmation_token
from fairportal.mail import send_to_users


def user_send_confirmation(*, user: User) -> None:
    """E-mail a confirmation link once the surrounding transaction has committed."""

    def send() -> None:
        send_to_users(
            template_prefix="accounts/email/confirm",
            context={
                "user": user,
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": email_confirmation_token.make_token(user),
            },
            users=[user],
        )

    transaction.on_commit(send, robust=True)


@transaction.atomic
def user_sign_up(*, email: str, password: str, full_name: str, language: str) -> User | None:
    """Create an account and send the confirmation link.

    For an address that already has an account nothing is created and its owner is told
    by e-mail instead, so the sign-up page reveals nothing about who is registered.
    Returns the new user, or None.
    """
    existing = User.objects.filter(email=normalize_login_email(email)).first()
    if existing is not None:
        transaction.on_commit(
            lambda: send_to_users(
                template_prefix="accounts/email/already_registered",
                context={"user": existing},
                users=[existing],
            ),
            robust=True,
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
