"""Log-in limits count failures only, per account and network, plus a generous limit per network.

The attack these guard against: ten wrong passwords for the organiser's address, sent from
anywhere, used to lock the organiser out from every network (and successful log-ins counted too).
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from tests.factories.accounts import UserFactory, make_superuser

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.7"
ATTACKER_NEIGHBOUR = "203.0.113.200"  # same /24 as the attacker
VICTIM = "198.51.100.23"


def en(name: str) -> str:
    with override("en"):
        return reverse(name)


def post_login(client, url, email, password, ip):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def superuser():
    return make_superuser("boss@fair.kz", password=PASSWORD)


@pytest.mark.parametrize("url", [en("accounts:login"), "/en/admin/login/"])
def test_wrong_passwords_from_another_network_do_not_lock_out_the_owner(client, superuser, url):
    attempts = [post_login(client, url, "boss@fair.kz", "guess", ATTACKER).status_code for _ in range(12)]

    # The attacker's network is cut off …
    assert attempts[-1] == 429
    assert post_login(client, url, "boss@fair.kz", "guess", ATTACKER_NEIGHBOUR).status_code == 429
    # … the owner, on their own network, logs in.
    response = post_login(client, url, "Boss@Fair.kz", PASSWORD, VICTIM)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_successful_log_ins_never_count(client):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    for _ in range(25):
        response = post_login(client, en("accounts:login"), "fund@ngo.kz", PASSWORD, VICTIM)
        assert response.status_code == 302
        client.post(en("accounts:logout"))


def test_ten_failures_lock_the_account_on_that_network_only(client):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())
    url = en("accounts:login")

    statuses = [post_login(client, url, "fund@ngo.kz", "wrong", ATTACKER).status_code for _ in range(11)]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in post_login(client, url, "fund@ngo.kz", PASSWORD, ATTACKER).content.decode()
    # Another account on the same network is not affected by this account's failures.
    UserFactory(email="other@ngo.kz", email_confirmed_at=timezone.now())
    assert post_login(client, url, "other@ngo.kz", PASSWORD, ATTACKER).status_code == 302


def test_ipv6_addresses_of_one_subscriber_share_the_account_limit(client):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())
    url = en("accounts:login")

    # A /64 holds 2**64 addresses: a new one per attempt must not mean a fresh counter.
    for n in range(10):
        post_login(client, url, "fund@ngo.kz", "wrong", f"2001:db8:1:2::{n + 1:x}")

    assert post_login(client, url, "fund@ngo.kz", PASSWORD, "2001:db8:1:2::ffff").status_code == 429
    assert post_login(client, url, "fund@ngo.kz", PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_password_spraying_from_one_network_is_cut_off(client):
    url = en("accounts:login")
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    # One wrong password for each of many addresses: no account limit is ever reached.
    statuses = [
        post_login(client, url, f"guess{n}@ngo.kz", "Qwerty123", ATTACKER).status_code for n in range(101)
    ]

    assert statuses[:100] == [200] * 100
    assert statuses[100] == 429
    assert post_login(client, url, "fund@ngo.kz", PASSWORD, ATTACKER_NEIGHBOUR).status_code == 429
    # Other networks carry on as usual.
    assert post_login(client, url, "fund@ngo.kz", PASSWORD, VICTIM).status_code == 302


@pytest.mark.parametrize(("lang", "text"), [("kk", "Әрекет тым көп"), ("ru", "Слишком много попыток")])
def test_the_lockout_page_is_translated(client, lang, text):
    url = f"/{lang}/account/login/"
    for _ in range(10):
        post_login(client, url, "fund@ngo.kz", "wrong", ATTACKER)

    response = post_login(client, url, "fund@ngo.kz", "wrong", ATTACKER)

    assert response.status_code == 429
    assert response["Retry-After"]
    assert text in response.content.decode()
