"""Staff prove a second factor (authenticator app or recovery code) after their password."""

import re
import time
from base64 import b32encode

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.factories.accounts import UserFactory, make_superuser, verified_login
from tests.factories.accounts import enrol_two_factor as enrol
from tests.race import at_once

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass-phrase"
SETUP = "/en/account/two-factor/setup/"
VERIFY = "/en/account/two-factor/"
RECOVERY = "/en/account/two-factor/recovery/"
CODES = "/en/account/two-factor/codes/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.STAFF_REQUIRE_2FA = True


@pytest.fixture
def organiser():
    """Here the organiser is a superuser: the second factor guards every staff account alike."""
    return make_superuser("boss@fair.kz", password=PASSWORD)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    valid = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def log_in(client, user_email, *, url="/en/account/login/", **extra):
    return client.post(url, {"username": user_email, "password": PASSWORD}, **extra)


def test_staff_without_an_app_set_it_up_then_see_recovery_codes_once_then_reach_the_admin(
    client, organiser, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    response = log_in(client, "boss@fair.kz", url="/en/account/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fen%2Fadmin%2F"

    # The admin is not open yet: the organiser is sent to the set-up page, not refused.
    admin_before = client.get("/en/admin/")
    assert admin_before.status_code == 302
    assert admin_before["Location"].startswith(SETUP)

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'aria-hidden="true"' in svg  # drawn here, inline; the key below serves screen readers
    assert "<img" not in page.split('class="qr-figure"', 1)[1].split("</figure>", 1)[0]
    shown = re.search(r'id="totp-secret">(.*?)</code>', page).group(1)
    assert re.sub(r"<[^>]+>|\s", "", shown) == secret
    assert shown.count("<span>") == len(secret) // 4  # grouped for reading it aloud or typing it
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    wrong = client.post(SETUP, {"code": wrong_code_for(device), "next": "/en/admin/"})
    assert wrong.status_code == 200
    assert "This code is not correct" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()

    confirmed = client.post(SETUP, {"code": code_for(device), "next": "/en/admin/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"{CODES}?next=%2Fen%2Fadmin%2F"
    assert client.get("/en/admin/")["Location"] == CODES  # the codes come first

    codes_page = client.get(confirmed["Location"]).content.decode()
    stored = set(StaticToken.objects.filter(device__user=organiser).values_list("token", flat=True))
    assert len(stored) == 10
    shown_codes = {
        code.replace(" ", "") for code in re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", codes_page)
    }
    assert shown_codes == stored

    not_ticked = client.post(CODES, {"next": "/en/admin/"})
    assert "Please confirm that you have saved the recovery codes." in not_ticked.content.decode()
    done = client.post(CODES, {"saved": "on", "next": "/en/admin/"})
    assert done["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200
    # Shown once: the page now just moves on.
    assert client.get(CODES).status_code == 302


def test_the_admin_log_in_asks_an_enrolled_organiser_for_the_code(client, organiser, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    device = enrol(organiser)

    response = log_in(client, "boss@fair.kz", url="/en/admin/login/?next=/en/admin/", follow=True)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fen%2Fadmin%2F"
    assert "Log-in code" in response.content.decode()
    wrong = client.post(VERIFY, {"code": wrong_code_for(device), "next": "/en/admin/"})
    assert "This code is not correct" in wrong.content.decode()
    assert 'role="alert"' in wrong.content.decode()
    assert client.get("/en/admin/").status_code == 302

    right = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "/en/admin/"}, follow=True)

    assert right.redirect_chain[-1][0] == "/en/admin/"
    assert "fairportal administration" in right.content.decode()


def test_a_code_in_the_wrong_shape_is_explained(client, organiser):
    enrol(organiser)
    log_in(client, "boss@fair.kz")

    response = client.post(VERIFY, {"code": "12a45"})

    assert "The code has six digits, for example 123456." in response.content.decode()


def test_a_recovery_code_works_once(client, organiser, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    enrol(organiser, codes=("abcd2345", "efgh6723"))
    log_in(client, "boss@fair.kz")

    page = client.get(RECOVERY).content.decode()
    assert 'inputmode="numeric"' not in page  # letters too: the phone shows a full keyboard
    used = client.post(RECOVERY, {"code": "ABCD-2345"}, follow=True)
    assert used.redirect_chain[-1][0] == "/en/admin/"
    assert "You used a recovery code. 1 code is left." in used.content.decode()
    client.post("/en/account/logout/")

    log_in(client, "boss@fair.kz")
    again = client.post(RECOVERY, {"code": "abcd 2345"})

    assert "This recovery code is not correct or has already been used." in again.content.decode()
    assert client.get("/en/admin/").status_code == 302


def test_a_session_without_the_second_factor_sees_only_the_code_page(client, organiser):
    enrol(organiser)
    client.force_login(organiser)

    for path in ["/en/admin/", "/en/admin/accounts/user/", "/en/ngo/", "/en/account/password/change/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    assert client.get("/healthz").status_code == 200


def test_the_admin_site_itself_requires_a_verified_session(organiser):
    request = RequestFactory().get("/en/admin/")
    request.user = organiser  # no OTPMiddleware here: nothing says the second factor was given

    assert admin.site.has_permission(request) is False


def test_ngos_and_jurors_need_no_second_factor(client):
    UserFactory(email="fund@ngo.kz", password=PASSWORD, email_confirmed_at=timezone.now())

    response = log_in(client, "fund@ngo.kz", follow=True)

    assert response.redirect_chain[-1][0] == "/en/ngo/"
    assert client.get(VERIFY)["Location"] == "/en/ngo/"
    assert not TOTPDevice.objects.exists()


def test_with_the_setting_off_staff_log_in_with_the_password_alone(client, organiser, settings):
    settings.STAFF_REQUIRE_2FA = False

    response = log_in(client, "boss@fair.kz", url="/en/admin/login/?next=/en/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/en/admin/"


def test_a_password_alone_cannot_replace_the_app(client, organiser):
    device = enrol(organiser)
    log_in(client, "boss@fair.kz")

    assert client.get(SETUP)["Location"].startswith(VERIFY)
    client.post(SETUP, {"code": code_for(device)})
    assert list(TOTPDevice.objects.filter(user=organiser)) == [device]
    assert client.get("/en/admin/").status_code == 302


def test_setting_up_needs_a_fresh_password_log_in(client, organiser):
    client.force_login(organiser)
    session = client.session
    session[services.ENROL_UNTIL_SESSION_KEY] = time.time() - 1  # logged in long ago
    session.save()

    response = client.get(SETUP, follow=True)

    assert response.redirect_chain[-1][0].startswith("/en/account/login/")
    assert "please log in again to set up the second factor" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.exists()


def test_wrong_codes_are_limited_per_account_and_network(client, organiser, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delays are tested below
    device = enrol(organiser)
    log_in(client, "boss@fair.kz")
    wrong = wrong_code_for(device)

    statuses = [
        client.post(VERIFY, {"code": wrong}, REMOTE_ADDR="203.0.113.7").status_code for _ in range(11)
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert client.post(VERIFY, {"code": code_for(device)}, REMOTE_ADDR="203.0.113.9").status_code == 429
    # The real person elsewhere is not locked out by these failures.
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)}, REMOTE_ADDR="198.51.100.23")
    assert response["Location"] == "/en/admin/"


def test_quick_guesses_are_slowed_down_by_the_device_whatever_the_network(client, organiser, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000  # seconds: the delay cannot pass during the test
    device = enrol(organiser)
    log_in(client, "boss@fair.kz")
    client.post(VERIFY, {"code": wrong_code_for(device)}, REMOTE_ADDR="203.0.113.7")

    response = client.post(VERIFY, {"code": code_for(device)}, REMOTE_ADDR="198.51.100.23")

    assert "Too many wrong codes in a row. Please wait" in response.content.decode()
    assert client.get("/en/admin/").status_code == 302


@pytest.mark.parametrize(
    ("lang", "heading", "label"),
    [
        ("kk", "Кіру коды", "Аутентификатор қолданбасындағы алты таңбалы код"),
        ("ru", "Код для входа", "Шестизначный код из приложения-аутентификатора"),
    ],
)
def test_the_code_page_is_translated(client, organiser, lang, heading, label):
    enrol(organiser)
    client.force_login(organiser)

    page = client.get(f"/{lang}/account/two-factor/").content.decode()

    assert heading in page
    assert label in page


def test_a_superuser_resets_a_lost_phone_from_the_user_list(client, organiser):
    staff = UserFactory(email="helper@fair.kz", is_staff=True)
    enrol(staff)
    verified_login(client, organiser)

    response = client.post(
        "/en/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
        follow=True,
    )

    assert "Second factor reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert entry.user == organiser
    assert "Second factor reset" in entry.change_message


def test_staff_who_are_not_superusers_cannot_reset_second_factors(client):
    helper = UserFactory(email="helper@fair.kz", is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    other = UserFactory(email="other@fair.kz", is_staff=True)
    enrol(other)
    verified_login(client, helper)

    page = client.get("/en/admin/accounts/user/").content.decode()
    client.post("/en/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [other.pk]})

    assert "reset_second_factor" not in page
    assert TOTPDevice.objects.filter(user=other).exists()


def test_the_reset_command_records_who_did_it(organiser):
    staff = UserFactory(email="helper@fair.kz", is_staff=True)
    enrol(staff)

    call_command("reset_staff_2fa", "helper@fair.kz", "--dry-run", verbosity=0)
    assert TOTPDevice.objects.filter(user=staff).exists()

    call_command("reset_staff_2fa", "Helper@Fair.kz", "--by", "boss@fair.kz", verbosity=0)

    assert not TOTPDevice.objects.filter(user=staff).exists()
    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert entry.user == organiser
    assert "reset_staff_2fa" in entry.change_message


def test_the_reset_command_without_an_operator_records_it_on_the_account():
    staff = UserFactory(email="helper@fair.kz", is_staff=True)
    enrol(staff)

    call_command("reset_staff_2fa", "helper@fair.kz", verbosity=0)

    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert entry.user == staff
    assert "system user" in entry.change_message
    with pytest.raises(CommandError):
        call_command("reset_staff_2fa", "nobody@fair.kz")
    with pytest.raises(CommandError):
        call_command("reset_staff_2fa", "helper@fair.kz", "--by", "helper@fair.kz")


def test_after_a_reset_the_organiser_sets_up_a_new_app_at_the_next_log_in(client, organiser):
    enrol(organiser)
    services.two_factor_reset(user=organiser, by=None, via="test")

    response = log_in(client, "boss@fair.kz")

    assert response["Location"].startswith(SETUP)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_recovery_code_is_accepted_once_by_concurrent_requests():
    user = make_superuser("boss@fair.kz", password=PASSWORD)
    enrol(user, codes=("abcd2345",))

    results = at_once(
        lambda: services.two_factor_verify(user=user, code="abcd2345", recovery=True) is not None, [()] * 6
    )

    assert results.count(True) == 1
    # The others are refused: the code is spent, or a loser's wrong attempt slowed them down.
    assert all(isinstance(result, bool | services.CodesThrottled) for result in results)


def test_quick_wrong_codes_while_setting_up_are_slowed_down_politely(client, organiser, settings):
    # Found in the browser walk: the set-up page answered django-otp's delay with a 500.
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000
    log_in(client, "boss@fair.kz")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    client.post(SETUP, {"code": wrong_code_for(device)})

    response = client.post(SETUP, {"code": code_for(device)})

    assert response.status_code == 200
    assert "Too many wrong codes in a row. Please wait" in response.content.decode()


def test_a_password_alone_does_not_open_a_drafts_files(client, organiser, settings, tmp_path):
    from django.core.files.base import ContentFile

    from projects.models import ProjectState
    from tests.factories.projects import ProjectFactory

    project = ProjectFactory(state=ProjectState.DRAFT)
    project.pdf.save("draft.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    enrol(organiser)
    log_in(client, "boss@fair.kz")  # the password, not yet the code

    response = client.get(project.pdf.url)

    assert response.status_code == 302
    assert "/account/two-factor/" in response["Location"]
