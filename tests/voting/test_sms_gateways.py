"""Mobizon and SMSC.kz against a local HTTP server speaking their formats; delivery reports and
the voter's fallback message when an SMS cannot be delivered."""

import json
import logging
import re
import socket
import threading
import time
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.voting.test_views import start_data, url
from voting import services, sms
from voting.models import DeliveryStatus, VoteCode

PHONE = "+77011234567"


class FakeGateway:
    """What the local server received, and how it answers: `answer(path, form) -> (status, body)`."""

    def __init__(self):
        self.received = []
        self.delay = 0.0
        self.answer = lambda path, form: (200, {})

    def requests_to(self, suffix):
        return [request for request in self.received if request["path"].endswith(suffix)]


@pytest.fixture
def gateway():
    fake = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            path, _sep, query = self.path.partition("?")
            form = dict(urllib.parse.parse_qsl(body))
            fake.received.append({"path": path, "query": dict(urllib.parse.parse_qsl(query)), "form": form})
            if fake.delay:
                time.sleep(fake.delay)
            status, answer = fake.answer(path, form)
            payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.base = f"http://127.0.0.1:{server.server_port}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def mobizon(gateway, settings):
    settings.SMS_BACKEND = "mobizon"
    settings.SMS_MOBIZON_URL = f"{gateway.base}/service"
    settings.SMS_MOBIZON_API_KEY = "kz-test-key"
    settings.SMS_SENDER = "FAIRKZ"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    gateway.answer = lambda path, form: (
        200,
        {"code": 0, "data": {"campaignId": 245455096, "messageId": 169275418, "status": 2}, "message": ""},
    )
    return gateway


@pytest.fixture
def smsc(gateway, settings):
    settings.SMS_BACKEND = "smsc"
    settings.SMS_SMSC_URL = f"{gateway.base}/sys"
    settings.SMS_SMSC_LOGIN = "fair-login"
    settings.SMS_SMSC_PASSWORD = "fair-password"
    settings.SMS_SENDER = "FAIRKZ"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    gateway.answer = lambda path, form: (200, {"id": 8412, "cnt": 1})
    return gateway


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ------------------------------------------------------------------ Mobizon


def test_mobizon_sends_digits_text_sender_and_key_and_returns_the_message_id(mobizon):
    sent = sms.get_backend().send(PHONE, "Код: 123456")

    assert sent == sms.Sent("169275418")
    (request,) = mobizon.received
    assert request["path"] == "/service/message/sendSmsMessage"
    assert request["query"] == {"output": "json", "api": "v1", "apiKey": "kz-test-key"}
    assert request["form"] == {"recipient": "77011234567", "text": "Код: 123456", "from": "FAIRKZ"}


def test_mobizon_without_sender_name_lets_the_account_default_apply(mobizon, settings):
    settings.SMS_SENDER = ""

    sms.get_backend().send(PHONE, "x")

    assert "from" not in mobizon.received[0]["form"]


def test_mobizon_error_answer_is_an_error_without_the_number(mobizon):
    mobizon.answer = lambda path, form: (
        200,
        {"code": 1, "data": {"recipient": "bad"}, "message": "Неверный номер получателя 77011234567"},
    )

    with pytest.raises(sms.SmsError) as error:
        sms.get_backend().send(PHONE, "Код: 123456")

    assert "Mobizon refused (1)" in str(error.value)
    assert "Неверный номер получателя" in str(error.value)
    assert "77011234567" not in str(error.value)


def test_mobizon_server_error_is_an_error(mobizon):
    mobizon.answer = lambda path, form: (503, b"<html>busy</html>")

    with pytest.raises(sms.SmsError, match="HTTP 503"):
        sms.get_backend().send(PHONE, "x")


def test_mobizon_answer_that_is_not_json_is_an_error(mobizon):
    mobizon.answer = lambda path, form: (200, b"<html>maintenance</html>")

    with pytest.raises(sms.SmsError, match="not JSON"):
        sms.get_backend().send(PHONE, "x")


def test_mobizon_slow_answer_times_out_as_an_error(mobizon, settings):
    settings.SMS_TIMEOUT_SECONDS = 0.2
    mobizon.delay = 1.0

    with pytest.raises(sms.SmsError, match="unreachable"):
        sms.get_backend().send(PHONE, "x")


def test_mobizon_unreachable_is_an_error_without_the_key(settings):
    settings.SMS_BACKEND = "mobizon"
    settings.SMS_MOBIZON_URL = closed_port_url() + "/service"
    settings.SMS_MOBIZON_API_KEY = "kz-test-key"

    with pytest.raises(sms.SmsError, match="Mobizon unreachable") as error:
        sms.get_backend().send(PHONE, "x")

    assert "kz-test-key" not in str(error.value)


def test_mobizon_without_api_key_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "mobizon"
    settings.SMS_MOBIZON_API_KEY = ""

    with pytest.raises(sms.ImproperlyConfigured, match="SMS_MOBIZON_API_KEY"):
        sms.get_backend()


def test_mobizon_statuses_map_final_and_pending_reports(mobizon):
    mobizon.answer = lambda path, form: (
        200,
        {
            "code": 0,
            "data": [
                {"id": 1, "status": "DELIVRD", "segNum": 1},
                {"id": 2, "status": "REJECTD", "segNum": 1},
                {"id": 3, "status": "ACCEPTD", "segNum": 1},
            ],
            "message": "",
        },
    )

    result = sms.get_backend().statuses([("1", ""), ("2", ""), ("3", ""), ("4", "")])

    assert result == {
        "1": (DeliveryStatus.DELIVERED, "DELIVRD"),
        "2": (DeliveryStatus.FAILED, "REJECTD"),
        "3": (DeliveryStatus.SENT, "ACCEPTD"),
    }
    (request,) = mobizon.received
    assert request["path"] == "/service/message/getSMSStatus"
    assert request["form"] == {"ids": "1,2,3,4"}


# ------------------------------------------------------------------ SMSC.kz


def test_smsc_sends_credentials_number_text_and_json_format(smsc):
    sent = sms.get_backend().send(PHONE, "Код: 123456")

    assert sent == sms.Sent("8412")
    (request,) = smsc.received
    assert request["path"] == "/sys/send.php"
    assert request["form"] == {
        "login": "fair-login",
        "psw": "fair-password",
        "phones": "+77011234567",
        "mes": "Код: 123456",
        "sender": "FAIRKZ",
        "charset": "utf-8",
        "fmt": "3",
    }


def test_smsc_error_answer_is_an_error_without_the_number(smsc):
    smsc.answer = lambda path, form: (
        200,
        {"error": "invalid number +77011234567", "error_code": 7, "id": 8412},
    )

    with pytest.raises(sms.SmsError) as error:
        sms.get_backend().send(PHONE, "x")

    assert "SMSC refused (7): invalid number" in str(error.value)
    assert "7011234567" not in str(error.value)


def test_smsc_wrong_password_is_an_error(smsc):
    smsc.answer = lambda path, form: (200, {"error": "authorise error", "error_code": 2})

    with pytest.raises(sms.SmsError, match=r"SMSC refused \(2\)"):
        sms.get_backend().send(PHONE, "x")


def test_smsc_server_error_is_an_error(smsc):
    smsc.answer = lambda path, form: (500, b"")

    with pytest.raises(sms.SmsError, match="HTTP 500"):
        sms.get_backend().send(PHONE, "x")


def test_smsc_slow_answer_times_out_as_an_error(smsc, settings):
    settings.SMS_TIMEOUT_SECONDS = 0.2
    smsc.delay = 1.0

    with pytest.raises(sms.SmsError, match="SMSC unreachable"):
        sms.get_backend().send(PHONE, "x")


def test_smsc_unreachable_is_an_error(settings):
    settings.SMS_BACKEND = "smsc"
    settings.SMS_SMSC_URL = closed_port_url() + "/sys"
    settings.SMS_SMSC_LOGIN, settings.SMS_SMSC_PASSWORD = "fair-login", "fair-password"

    with pytest.raises(sms.SmsError, match="SMSC unreachable"):
        sms.get_backend().send(PHONE, "x")


def test_smsc_status_asks_with_number_and_id(smsc):
    smsc.answer = lambda path, form: (200, {"status": 22, "last_date": "01.12.2026 10:00:00"})

    result = sms.get_backend().statuses([("8412", PHONE)])

    assert result == {"8412": (DeliveryStatus.FAILED, "22")}
    (request,) = smsc.received
    assert request["path"] == "/sys/status.php"
    assert request["form"]["phone"] == PHONE
    assert request["form"]["id"] == "8412"
    assert request["form"]["fmt"] == "3"
    assert request["form"]["login"] == "fair-login"


# ------------------------------------------------------------------ the code's delivery, end to end


@pytest.fixture
def sms_fair(finalist):
    finalist.fair.voting_channels = ["email", "sms"]
    finalist.fair.save()
    return finalist


def request_code(project, capture, phone="8 (701) 123-45-67"):
    with capture(execute=True):
        return services.vote_request_code(project=project, address=phone, ip="198.51.100.7", language="ru")


@pytest.mark.django_db
def test_mobizon_code_keeps_the_message_id_not_the_number(
    mobizon, sms_fair, django_capture_on_commit_callbacks
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert (challenge.gateway, challenge.gateway_message_id) == ("mobizon", "169275418")
    assert challenge.address == ""
    text = mobizon.received[0]["form"]["text"]
    assert re.search(r"\b\d{6}\b", text)


@pytest.mark.django_db
def test_poll_sms_status_records_delivery_and_is_safe_to_repeat(
    mobizon, sms_fair, django_capture_on_commit_callbacks
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)
    mobizon.answer = lambda path, form: (
        200,
        {"code": 0, "data": [{"id": 169275418, "status": "DELIVRD"}], "message": ""},
    )

    call_command("poll_sms_status", verbosity=0)
    call_command("poll_sms_status", verbosity=0)

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.DELIVERED
    assert challenge.gateway_status == "DELIVRD"
    assert challenge.delivery_checked_at is not None
    assert len(mobizon.requests_to("getSMSStatus")) == 1  # the second run had nothing left to ask


@pytest.mark.django_db
def test_poll_sms_status_dry_run_changes_nothing(
    mobizon, sms_fair, django_capture_on_commit_callbacks, capsys
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)
    mobizon.answer = lambda path, form: (
        200,
        {"code": 0, "data": [{"id": 169275418, "status": "UNDELIV"}], "message": ""},
    )

    call_command("poll_sms_status", "--dry-run")

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert "1 failed" in capsys.readouterr().out


@pytest.mark.django_db
def test_poll_sms_status_survives_a_gateway_error(
    mobizon, sms_fair, django_capture_on_commit_callbacks, capsys
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)
    mobizon.answer = lambda path, form: (502, b"")

    call_command("poll_sms_status")

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.SENT  # asked again next run
    assert "1 gateway errors" in capsys.readouterr().out


@pytest.mark.django_db
def test_smsc_keeps_the_number_only_until_the_report_is_final(
    smsc, sms_fair, django_capture_on_commit_callbacks
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)
    challenge.refresh_from_db()
    assert challenge.address == PHONE  # status.php needs it
    assert (challenge.gateway, challenge.gateway_message_id) == ("smsc", "8412")
    smsc.answer = lambda path, form: (200, {"status": 1, "last_date": "01.12.2026 10:00:00"})

    call_command("poll_sms_status", verbosity=0)

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.DELIVERED
    assert challenge.address == ""


@pytest.mark.django_db
def test_smsc_number_is_erased_once_the_code_expired_even_without_a_report(
    smsc, sms_fair, django_capture_on_commit_callbacks
):
    challenge = request_code(sms_fair, django_capture_on_commit_callbacks)
    VoteCode.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    smsc.answer = lambda path, form: (200, {"status": -1})

    call_command("poll_sms_status", verbosity=0)

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert challenge.address == ""


@pytest.mark.django_db
def test_a_failed_send_logs_the_gateway_text_but_never_the_code_or_the_number(
    mobizon, sms_fair, django_capture_on_commit_callbacks, caplog
):
    mobizon.answer = lambda path, form: (200, {"code": 8, "data": None, "message": "Invalid API key"})

    with caplog.at_level(logging.WARNING, logger="voting.tasks"):
        challenge = request_code(sms_fair, django_capture_on_commit_callbacks)

    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.address == ""
    assert len(mobizon.received) == 3  # every attempt tried
    codes = {re.search(r"\d{6}", request["form"]["text"]).group(0) for request in mobizon.received}
    assert "Invalid API key" in caplog.text
    assert "7011234567" not in caplog.text
    assert not any(code in caplog.text for code in codes)


# ------------------------------------------------------------------ what the voter sees


def ask_by_phone(client, project, capture):
    with capture(execute=True):
        response = client.post(url("voting:start", "en", project.pk), start_data(client, "8 701 123 45 67"))
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_voter_is_told_when_the_sms_could_not_be_sent(
    client, mobizon, sms_fair, django_capture_on_commit_callbacks
):
    mobizon.answer = lambda path, form: (503, b"")

    page = ask_by_phone(client, sms_fair, django_capture_on_commit_callbacks)

    assert "We could not deliver the SMS to +7 7** *** ** 67." in page
    assert "vote with your e-mail address if this fair allows it" in page
    assert f'href="{url("voting:start", "en", sms_fair.pk)}"' in page
    assert "We sent a six-digit code to" not in page


@pytest.mark.django_db
def test_voter_is_told_when_the_gateway_reports_the_sms_failed(
    client, smsc, sms_fair, django_capture_on_commit_callbacks
):
    page = ask_by_phone(client, sms_fair, django_capture_on_commit_callbacks)
    assert "We sent a six-digit code to +7 7** *** ** 67." in page
    smsc.answer = lambda path, form: (200, {"status": 25})

    call_command("poll_sms_status", verbosity=0)
    page = client.get(url("voting:verify", "ru")).content.decode()

    assert "SMS-сообщение на номер +7 7** *** ** 67" in page


@pytest.mark.django_db
def test_a_delivered_sms_shows_no_warning(client, mobizon, sms_fair, django_capture_on_commit_callbacks):
    page = ask_by_phone(client, sms_fair, django_capture_on_commit_callbacks)

    assert "We could not deliver" not in page
    assert "We sent a six-digit code to +7 7** *** ** 67." in page
