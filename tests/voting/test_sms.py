"""SMS codes: the backends, and a vote by phone through the file backend."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from voting import services, sms
from voting.models import Vote, VoteCode


class Gateway(BaseHTTPRequestHandler):
    """A local stand-in for an SMS gateway that records what it receives."""

    received: list = []
    answer = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append({"auth": self.headers["Authorization"], "body": json.loads(body)})
        self.send_response(Gateway.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.answer = [], 200
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_http_gateway_receives_json_with_the_token(gateway):
    sms.get_backend().send("+77011234567", "Код: 123456")

    assert gateway.received == [
        {"auth": "Bearer gateway-token", "body": {"to": "+77011234567", "text": "Код: 123456"}}
    ]


def test_http_gateway_refusal_is_an_error(gateway):
    gateway.answer = 503

    with pytest.raises(sms.SmsError):
        sms.get_backend().send("+77011234567", "x")


def test_unreachable_gateway_is_an_error(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"  # the discard port: nothing listens

    with pytest.raises(sms.SmsError):
        sms.get_backend().send("+77011234567", "x")


@pytest.mark.django_db
def test_a_visitor_votes_with_a_phone_number(
    settings, tmp_path, finalist, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    finalist.fair.voting_channels = ["email", "sms"]
    finalist.fair.save()

    with django_capture_on_commit_callbacks(execute=True):
        challenge = services.vote_request_code(
            project=finalist, address="8 (701) 123-45-67", ip="198.51.100.7", language="kk"
        )
    message = json.loads(settings.SMS_FILE_PATH.read_text().splitlines()[-1])
    code = re.search(r"\b\d{6}\b", message["text"]).group(0)
    vote = services.vote_verify(code_id=challenge.pk, code=code, project=finalist, ip="198.51.100.7")

    assert message["to"] == "+77011234567"
    assert vote.channel == "sms"
    assert vote.voter_masked == "+7 7** *** ** 67"
    challenge = VoteCode.objects.get()
    assert not challenge.address
    # Handed over, but the file backend has no delivery reports to wait for.
    assert (challenge.delivery_status, challenge.gateway, challenge.gateway_message_id) == ("sent", "", "")


@pytest.mark.django_db
def test_phone_numbers_are_refused_where_the_fair_has_no_sms(settings, finalist):
    settings.SMS_BACKEND = "console"  # a gateway exists, but this fair did not enable SMS codes

    with pytest.raises(services.ValidationError):
        services.vote_request_code(project=finalist, address="+77011234567", ip="198.51.100.7", language="kk")

    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_an_sms_only_fair_takes_phone_numbers_and_says_so(settings, tmp_path, client, finalist):
    from django.urls import reverse
    from django.utils import translation

    from tests.voting.test_views import start_data

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    finalist.fair.voting_channels = ["sms"]
    finalist.fair.save()
    with translation.override("en"):  # not whatever language an earlier test left active
        page = reverse("voting:start", args=[finalist.pk])

    form = client.get(page).content.decode()
    refused = client.post(page, start_data(client, "voter@mail.kz")).content.decode()

    assert "Your mobile number" in form
    assert 'inputmode="tel"' in form
    assert "SMS only" in refused
    assert 'value="voter@mail.kz"' in refused
    assert not VoteCode.objects.exists()


@pytest.mark.django_db
def test_a_fair_needs_a_channel_and_a_gateway_for_sms(settings):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from tests.factories.projects import FairFactory

    fair = FairFactory()
    settings.SMS_BACKEND = ""
    fair.voting_channels = ["sms"]
    with pytest.raises(ValidationError) as error:
        fair.full_clean()
    assert "SMS_BACKEND" in str(error.value)

    with pytest.raises(IntegrityError), transaction.atomic():
        type(fair).objects.filter(pk=fair.pk).update(voting_channels=[])
