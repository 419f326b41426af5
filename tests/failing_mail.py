"""A mail backend that fails like an unreachable SMTP server, for tests of what survives that."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableSMTPBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "mail.example.kz: service not available")
