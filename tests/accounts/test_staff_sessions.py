"""Staff sessions last hours, not the two weeks everyone else keeps."""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.factories.accounts import UserFactory, make_superuser

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("url", ["/en/account/login/", "/en/admin/login/"])
def test_a_staff_log_in_lasts_eight_hours(client, url):
    make_superuser("boss@fair.kz", password=PASSWORD)

    response = client.post(url, {"username": "boss@fair.kz", "password": PASSWORD})

    assert response.status_code == 302
    hours = client.session.get_expiry_age() / 3600
    assert 7.9 < hours <= 8
    assert 7.9 * 3600 < response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] <= 8 * 3600


def test_the_staff_session_length_is_a_setting(client, settings):
    settings.STAFF_SESSION_HOURS = 2
    UserFactory(email="helper@fair.kz", is_staff=True)

    client.post("/en/account/login/", {"username": "helper@fair.kz", "password": PASSWORD})

    assert 1.9 < client.session.get_expiry_age() / 3600 <= 2


def test_ngo_members_keep_the_default_session(client):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    response = client.post("/en/account/login/", {"username": "fund@ngo.kz", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
