"""Sending voting codes outside the request.

The task derives the code from the row's secret (`identity.code_for`) and mails it, so the
clear code exists in the e-mail alone — not in the task queue, the database or a log.

SMS codes also record what the gateway made of them (`VoteCode.delivery_status`): "queued"
while the task tries, "sent" with the gateway's message id once accepted, "failed" after the
last attempt; `manage.py poll_sms_status` then learns "delivered" or "failed" from the gateway.
"""

import logging
import smtplib
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task, task_backends

from fairportal.locks import Busy, row_lock
from fairportal.mail import send_to_addresses
from voting import identity, sms
from voting.models import Channel, DeliveryStatus, VoteCode

logger = logging.getLogger(__name__)
MAX_SEND_ATTEMPTS = 3


@task()
def send_vote_code(code_id: int, attempt: int = 1) -> None:
    try:
        with transaction.atomic():
            with row_lock():
                challenge = (
                    VoteCode.objects.select_for_update().select_related("project").filter(pk=code_id).first()
                )
            if challenge is None or challenge.used_at or challenge.replaced_at or not challenge.address:
                return  # replaced or used before the worker got to it: nothing to send
            code = identity.code_for(challenge.pk, challenge.code_secret)
            if challenge.channel == Channel.SMS:
                challenge.delivery_status = DeliveryStatus.QUEUED
                challenge.save(update_fields=["delivery_status"])
            address, language, project = challenge.address, challenge.language, challenge.project
            channel = challenge.channel
            minutes = int((challenge.expires_at - challenge.created_at).total_seconds() // 60)
    except Busy:
        # The code is being checked or replaced this very moment: look again shortly, as the
        # same attempt. The verification holds the row for milliseconds, not for ever.
        again = send_vote_code
        if task_backends[again.backend].supports_defer:
            again = again.using(run_after=timezone.now() + timedelta(seconds=5))
        again.enqueue(code_id, attempt)
        return
    sent = None
    try:
        if channel == Channel.SMS:
            with translation.override(language):
                text = gettext("Fair voting code: %(code)s. Valid %(minutes)s min. Do not share it.") % {
                    "code": code,
                    "minutes": minutes,
                }
            backend = sms.get_backend()
            sent = backend.send(address, text)
        else:
            send_to_addresses(
                template_prefix="voting/email/code",
                context={"code": code, "project": project, "minutes": minutes},
                recipients=[(address, language)],
            )
    except (smtplib.SMTPException, OSError) as error:  # SmsError is an OSError too
        if isinstance(error, sms.SmsError):
            # Its text is the gateway's answer with digits masked; a traceback adds nothing.
            logger.warning("Sending voting code %s by SMS failed (attempt %s): %s", code_id, attempt, error)
        else:
            logger.warning("Sending voting code %s failed (attempt %s)", code_id, attempt, exc_info=True)
        if attempt >= MAX_SEND_ATTEMPTS:
            failed = {"delivery_status": DeliveryStatus.FAILED} if channel == Channel.SMS else {}
            VoteCode.objects.filter(pk=code_id).update(address="", **failed)
        else:
            # The same code on retry (it is derived, not drawn). Queued backends wait
            # a little before retrying; the immediate one (development) retries at once.
            retry = send_vote_code
            if task_backends[retry.backend].supports_defer:
                retry = retry.using(run_after=timezone.now() + timedelta(seconds=20 * attempt))
            retry.enqueue(code_id, attempt + 1)
    else:
        if sent is None:
            # Handed to the mail server: the clear address is no longer needed anywhere. Only
            # the address this task sent to: a resend queued meanwhile keeps its own.
            VoteCode.objects.filter(pk=code_id, address=address).update(address="")
            return
        reports = backend.supports_status and bool(sent.message_id)
        keep = reports and backend.keeps_phone_for_status
        VoteCode.objects.filter(pk=code_id).update(
            # SMSC's status API asks for the number with the id: kept until the report is final
            # or the code is dead (`voting.delivery`); otherwise gone now, like an e-mail address.
            # Never put back on a code replaced or used while the gateway was answering.
            address=Case(
                When(used_at__isnull=True, replaced_at__isnull=True, then=Value(address if keep else "")),
                default=Value(""),
            ),
            delivery_status=DeliveryStatus.SENT,
            gateway=backend.name if reports else "",
            gateway_message_id=sent.message_id if reports else "",
        )


@task()
def send_voting_alert(alert_id: int) -> None:
    """E-mail the people who watch the vote (staff who may see votes) about a new cluster."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from fairportal.mail import queue_to_users
    from voting.models import VotingAlert

    alert = VotingAlert.objects.select_related("fair").filter(pk=alert_id).first()
    if alert is None:
        return
    permission = Permission.objects.get(content_type__app_label="voting", codename="view_vote")
    watchers = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
    )
    queue_to_users(template_prefix="voting/email/alert", context={"alert": alert}, users=watchers)
