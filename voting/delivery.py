"""Delivery reports for SMS codes: ask the gateways what became of the messages they accepted.

Run by `manage.py poll_sms_status` (every minute from cron). Safe to run repeatedly and
concurrently: a row is only ever moved from "sent" to a later status, never back.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from voting import sms
from voting.models import Channel, DeliveryStatus, VoteCode

logger = logging.getLogger(__name__)
FINAL = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)


@dataclass
class RefreshReport:
    asked: int = 0
    delivered: int = 0
    failed: int = 0
    errors: int = 0
    numbers_erased: int = 0


def refresh_delivery_statuses(
    *, now: datetime | None = None, max_age: timedelta = timedelta(hours=24), dry_run: bool = False
) -> RefreshReport:
    """Update codes still "sent" (at most `max_age` old) from their gateway's status API.

    Then erases every number kept for a status query (SMSC) whose code is used, replaced,
    expired or has its final report. A gateway that fails is logged and tried again next run.
    """
    now = now or timezone.now()
    report = RefreshReport()
    pending = (
        VoteCode.objects.filter(
            channel=Channel.SMS, delivery_status=DeliveryStatus.SENT, created_at__gte=now - max_age
        )
        .exclude(gateway="")
        .exclude(gateway_message_id="")
        .values_list("pk", "gateway", "gateway_message_id", "address")
    )
    by_gateway = defaultdict(list)
    for pk, gateway, message_id, address in pending:
        by_gateway[gateway].append((pk, message_id, address))
    for gateway, rows in by_gateway.items():
        try:
            backend = sms.get_backend(gateway)
            answers = backend.statuses([(message_id, address) for _pk, message_id, address in rows])
        except (sms.SmsError, ImproperlyConfigured) as error:
            logger.warning("Delivery reports from %s unavailable: %s", gateway, error)
            report.errors += 1
            continue
        report.asked += len(rows)
        for pk, message_id, _address in rows:
            if message_id not in answers:
                continue
            status, raw = answers[message_id]
            if status == DeliveryStatus.DELIVERED:
                report.delivered += 1
            elif status == DeliveryStatus.FAILED:
                report.failed += 1
            if dry_run:
                continue
            changes = {"delivery_status": status, "gateway_status": raw, "delivery_checked_at": now}
            if status in FINAL:
                changes["address"] = ""
            VoteCode.objects.filter(pk=pk, delivery_status=DeliveryStatus.SENT).update(**changes)
    dead = (
        VoteCode.objects.filter(channel=Channel.SMS, delivery_status__in=[DeliveryStatus.SENT, *FINAL])
        .exclude(address="")
        .filter(
            Q(used_at__isnull=False)
            | Q(replaced_at__isnull=False)
            | Q(expires_at__lt=now)
            | Q(delivery_status__in=FINAL)
        )
    )
    report.numbers_erased = dead.count() if dry_run else dead.update(address="")
    return report
