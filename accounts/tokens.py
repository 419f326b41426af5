from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Django's signed, expiring token, tied to the address and to it being unconfirmed.

    Confirming (or changing the address) changes the hash, so a link works once.
    """

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
