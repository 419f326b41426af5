"""Attack: flooding the append-only audit trail with failed log-ins for a staff account.

The log-in limits count failures per account *and network* (and per network), so someone with
many networks (an IPv6 /48 holds 65 536 /64s, a botnet many /24s) may try a staff account's
password without end, and before this every one of those failures became a row of a table that
nothing may ever delete: the trail grew without bound and an inquiry's real events were buried.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import signals
from fairportal.models import AuditEvent
from tests.factories.accounts import UserFactory, make_organiser

pytestmark = pytest.mark.django_db


def test_failed_log_ins_for_one_staff_account_from_many_networks_fill_the_trail_only_up_to_a_cap(client):
    staff = make_organiser("target@fair.kz")
    limit, _period = signals.AUDITED_LOGIN_FAILURES_PER_ACCOUNT
    with translation.override("en"):
        url = reverse("accounts:login")

    for network in range(limit + 15):
        client.post(
            url,
            {"username": "target@fair.kz", "password": f"guess-{network}"},
            REMOTE_ADDR=f"10.{network // 250}.{network % 250}.7",
        )

    failed = list(AuditEvent.objects.filter(action="login.failed", target_id=str(staff.pk)).order_by("pk"))
    assert len(failed) == limit
    # The last one recorded says that more failures were not, so nobody reads the gap as calm.
    assert failed[-1].details == {"later_failures_not_recorded": True}
    assert all(event.details == {} for event in failed[:-1])


def test_failed_log_ins_of_two_staff_accounts_are_capped_apart(client):
    first = UserFactory(email="first@fair.kz", is_staff=True)
    second = UserFactory(email="second@fair.kz", is_staff=True)
    limit, _period = signals.AUDITED_LOGIN_FAILURES_PER_ACCOUNT
    with translation.override("en"):
        url = reverse("accounts:login")

    for network in range(limit + 2):
        client.post(url, {"username": "first@fair.kz", "password": "x"}, REMOTE_ADDR=f"10.1.{network}.7")
    client.post(url, {"username": "second@fair.kz", "password": "x"}, REMOTE_ADDR="10.9.9.9")

    assert AuditEvent.objects.filter(action="login.failed", target_id=str(first.pk)).count() == limit
    assert AuditEvent.objects.filter(action="login.failed", target_id=str(second.pk)).count() == 1
