"""Sending the e-mails that `fairportal.mail` queued, one task per message.

django-tasks has no automatic retry, so a failed attempt enqueues the next one itself, later
(`run_after`) on a backend that can defer, at once on the immediate one (development, tests).
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django_tasks import task, task_backends

from fairportal.mail import ContextGone, make_attachments, render_mail, restore_context
from fairportal.models import OutgoingMail

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after the given failed attempt: doubling, from MAIL_RETRY_SECONDS."""
    return timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1))


def _short(error: BaseException) -> str:
    # Class and first line only: SMTP answers are short; a traceback belongs in the log.
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:300]


@task()
def send_outgoing_mail(mail_id: int, attempt: int = 1) -> None:
    mail = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).first()
    if mail is None:
        return  # sent or given up already (a task run twice sends once)
    try:
        with translation.override(mail.language):
            files = make_attachments(mail.attachments)
        subject, body = render_mail(mail.template, restore_context(mail.context), mail.language)
    except ContextGone as error:
        # What the message was about is gone: nothing sensible to send, now or later.
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=OutgoingMail.Status.FAILED, attempts=attempt, last_error=_short(error)
        )
        return
    except Exception as error:
        # A bug (a template, a context): retrying would fail alike. Recorded, then raised for the log.
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=OutgoingMail.Status.FAILED, attempts=attempt, last_error=_short(error)
        )
        raise
    try:
        get_connection().send_messages(
            [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [mail.recipient], attachments=files)]
        )
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Sending e-mail %s failed (attempt %s)", mail_id, attempt, exc_info=True)
        final = attempt >= settings.MAIL_SEND_ATTEMPTS
        OutgoingMail.objects.filter(pk=mail_id).update(
            subject=subject,
            attempts=attempt,
            last_error=_short(error),
            status=OutgoingMail.Status.FAILED if final else OutgoingMail.Status.QUEUED,
        )
        if not final:
            retry = send_outgoing_mail
            if task_backends[retry.backend].supports_defer:
                retry = retry.using(run_after=timezone.now() + retry_delay(attempt))
            retry.enqueue(mail_id, attempt + 1)
        return
    OutgoingMail.objects.filter(pk=mail_id).update(
        subject=subject,
        attempts=attempt,
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
