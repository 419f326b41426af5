"""Sign-up, confirmation, log-in and password pages as a visitor uses them."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def en(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize(("lang", "heading"), [("kk", "Тіркелу"), ("ru", "Регистрация"), ("en", "Register")])
def test_sign_up_page_is_translated(client, lang, heading):
    with translation.override(lang):
        html = client.get(reverse("accounts:signup")).content.decode()

    assert f"<h1>{heading}</h1>" in html


def test_sign_up_with_mismatched_passwords_keeps_what_was_typed(client):
    response = client.post(
        en("accounts:signup"),
        {
            "email": "fund@ngo.kz",
            "full_name": "Дәурен Әбілов",
            "password1": "a-long-pass-1",
            "password2": "other",
        },
    )

    html = response.content.decode()
    assert "The two password fields didn" in html
    assert 'value="fund@ngo.kz"' in html
    assert "Дәурен Әбілов" in html
    assert not User.objects.exists()


def test_a_confirmation_link_works_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            en("accounts:signup"),
            {
                "email": "fund@ngo.kz",
                "full_name": "A",
                "password1": "a-long-pass-42x",
                "password2": "a-long-pass-42x",
            },
        )
    link = re.search(r"/en/account/confirm/\S+", mail.outbox[0].body).group(0)

    client.get(link)
    second = client.get(link, follow=True)

    assert "already confirmed" in second.content.decode()
    assert client.get(link.replace("/confirm/", "/confirm/x")).status_code in (400, 404)


def test_a_forged_confirmation_link_is_refused(client):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory(email_confirmed_at=None)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.get(en("accounts:confirm_email", uidb64=uidb64, token="cn0000-0123456789abcdef0123"))

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_resend_does_not_reveal_whether_an_address_has_an_account(client, django_capture_on_commit_callbacks):
    UserFactory(email="known@ngo.kz", email_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(en("accounts:resend_confirmation"), {"email": "known@ngo.kz"})
        unknown = client.post(en("accounts:resend_confirmation"), {"email": "unknown@ngo.kz"})

    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@ngo.kz"]]


def test_password_reset_mails_a_working_link(client, django_capture_on_commit_callbacks):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    # Queued in the request, sent by the task once the request's work has committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("accounts:password_reset"), {"email": "FUND@ngo.kz"})
    link = re.search(r"/en/account/password/reset/\S+", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-9", "new_password2": "brand-new-pass-9"},
    )

    assert response["Location"] == en("accounts:password_reset_complete")
    assert client.login(username="fund@ngo.kz", password="brand-new-pass-9")


def test_log_in_is_rate_limited_per_address(client):
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    statuses = [
        client.post(en("accounts:login"), {"username": "fund@ngo.kz", "password": "wrong"}).status_code
        for _ in range(11)
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # Even the right password waits until the window has passed.
    right = client.post(
        en("accounts:login"), {"username": "fund@ngo.kz", "password": "correct horse battery staple"}
    )
    assert right.status_code == 429


def test_sign_up_is_rate_limited_per_network(client):
    for n in range(20):
        client.post(en("accounts:signup"), {"email": f"x{n}@ngo.kz"})

    response = client.post(en("accounts:signup"), {"email": "x21@ngo.kz"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_logged_in_user_changes_password(client):
    user = UserFactory(email_confirmed_at=timezone.now())
    client.force_login(user)

    response = client.post(
        en("accounts:password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "another-pass-77",
            "new_password2": "another-pass-77",
        },
    )

    assert response["Location"] == en("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("another-pass-77")


def test_log_out_is_a_post(client):
    client.force_login(UserFactory())

    assert client.get(en("accounts:logout")).status_code == 405
    client.post(en("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_registered_address_reveals_nothing(client, django_capture_on_commit_callbacks):
    UserFactory(email="taken@ngo.kz", language="en", email_confirmed_at=timezone.now())
    data = {"full_name": "X", "password1": "a-long-pass-42x", "password2": "a-long-pass-42x"}

    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(en("accounts:signup"), {**data, "email": "Taken@NGO.kz"})
        fresh = client.post(en("accounts:signup"), {**data, "email": "fresh@ngo.kz"})

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email="taken@ngo.kz").count() == 1
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "taken@ngo.kz": "You already have an account",
        "fresh@ngo.kz": "Confirm your e-mail address",
    }


def test_look_alike_spellings_share_one_login_limit(client):
    UserFactory(email="victim@ngo.kz", email_confirmed_at=timezone.now())
    fullwidth = "ｖｉｃｔｉｍ@ngo.kz"  # NFKC turns this into victim@ngo.kz, as the log-in form does

    statuses = [
        client.post(en("accounts:login"), {"username": name, "password": "wrong"}).status_code
        for name in [fullwidth, "VICTIM@ngo.kz"] * 5 + [fullwidth]
    ]

    assert statuses[-1] == 429


def test_the_admin_log_in_is_rate_limited_too(client):
    UserFactory(email="boss@fair.kz", is_staff=True, email_confirmed_at=timezone.now())

    statuses = [
        client.post("/en/admin/login/", {"username": "boss@fair.kz", "password": "wrong"}).status_code
        for _ in range(11)
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
