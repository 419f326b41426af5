"""Sending text messages: a small backend interface, chosen by `SMS_BACKEND`.

- "" (default): no SMS; voting is by e-mail only.
- "console": prints the message (development).
- "file": appends to `SMS_FILE_PATH` (development, demos).
- "http": POSTs JSON {"to": "+77011234567", "text": "…"} to `SMS_GATEWAY_URL` with
  `Authorization: Bearer <SMS_GATEWAY_TOKEN>`; any 2xx answer means accepted. For a gateway
  without a backend here, behind a thin adapter.
- "mobizon": Mobizon (mobizon.kz), with delivery reports.
- "smsc": SMSC.kz (smsc.kz), with delivery reports.

Every backend's `send(to, text)` takes the number as +7XXXXXXXXXX and returns `Sent` with the
gateway's message id ("" when the gateway gives none). Backends with delivery reports also have
`statuses([(message_id, to), …])` → {message_id: (DeliveryStatus, the gateway's own status)}.
Failures raise `SmsError`, whose text is the gateway's answer with every long run of digits
masked, so neither the code nor the number ends up in a log.
"""

import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from voting.models import DeliveryStatus

# Six digits or more: the voting code, a phone number. Gateways echo parameters in their errors.
_LONG_DIGITS = re.compile(r"\+?\d[\d ()-]{4,}\d")


class SmsError(OSError):
    """The gateway did not accept the message (network error, non-2xx or an error answer)."""


@dataclass(frozen=True)
class Sent:
    message_id: str = ""


def _redact(text: object) -> str:
    return _LONG_DIGITS.sub("…", str(text))[:300]


class ConsoleBackend:
    supports_status = False

    def send(self, to: str, text: str) -> Sent:
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()
        return Sent()


class FileBackend:
    supports_status = False

    def send(self, to: str, text: str) -> Sent:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")
        return Sent()


def _check_url(url: str, setting: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{setting} must be an http(s) URL.")
    return url.rstrip("/")


def _require(value: str, setting: str) -> str:
    if not value:
        raise ImproperlyConfigured(f"{setting} must be set when SMS_BACKEND={settings.SMS_BACKEND}.")
    return value


def _call(gateway: str, url: str, *, data: bytes | None = None, headers: dict | None = None) -> bytes:
    """One request with the short timeout; every failure becomes SmsError naming the gateway only.

    The URL is never part of the error: Mobizon's carries the API key.
    """
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as error:
        raise SmsError(f"{gateway} answered HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise SmsError(f"{gateway} unreachable: {_redact(reason)}") from None


def _json(gateway: str, body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SmsError(f"{gateway} answered something that is not JSON: {_redact(body[:100])}") from None


class HttpGatewayBackend:
    supports_status = False

    def __init__(self) -> None:
        self.url = _check_url(settings.SMS_GATEWAY_URL, "SMS_GATEWAY_URL")

    def send(self, to: str, text: str) -> Sent:
        _call(
            "SMS gateway",
            self.url,
            data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        return Sent()


def _form(fields: dict) -> tuple[bytes, dict]:
    return (
        urllib.parse.urlencode(fields).encode(),
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )


class MobizonBackend:
    """Mobizon's HTTP API v1, as documented at https://mobizon.kz/help/api-docs/sms-api and in
    github.com/mobizon/mobizon-api-docs (src/v1/en/message/api/sendSmsMessage.md, getSMSStatus.md,
    _other/apiCode.md, _other/smsStatus.md):

    POST {SMS_MOBIZON_URL}/message/sendSmsMessage?output=json&api=v1&apiKey=KEY with the form
    fields recipient (digits only, international: 77011234567), text, from (optional sender name).
    Every answer is JSON {"code": 0, "data": …, "message": ""}; code 0 is success, anything else an
    error with its text in "message". sendSmsMessage's data is {"campaignId", "messageId", "status"}.
    message/getSMSStatus takes ids (comma-separated, at most 100) and answers data as a list of
    {"id", "status", …} with status NEW/ENQUEUD/ACCEPTD/PDLIVRD (not final), DELIVRD, UNDELIV,
    REJECTD, EXPIRED, DELETED (final).
    """

    name = "mobizon"
    supports_status = True
    keeps_phone_for_status = False
    STATUS_BATCH = 100
    STATUSES = {
        "NEW": DeliveryStatus.SENT,
        "ENQUEUD": DeliveryStatus.SENT,
        "ACCEPTD": DeliveryStatus.SENT,
        "PDLIVRD": DeliveryStatus.SENT,
        "DELIVRD": DeliveryStatus.DELIVERED,
        "UNDELIV": DeliveryStatus.FAILED,
        "REJECTD": DeliveryStatus.FAILED,
        "EXPIRED": DeliveryStatus.FAILED,
        "DELETED": DeliveryStatus.FAILED,
    }

    def __init__(self) -> None:
        self.url = _check_url(settings.SMS_MOBIZON_URL, "SMS_MOBIZON_URL")
        self.api_key = _require(settings.SMS_MOBIZON_API_KEY, "SMS_MOBIZON_API_KEY")

    def _api(self, method: str, fields: dict):
        query = urllib.parse.urlencode({"output": "json", "api": "v1", "apiKey": self.api_key})
        data, headers = _form(fields)
        answer = _json(
            "Mobizon", _call("Mobizon", f"{self.url}/{method}?{query}", data=data, headers=headers)
        )
        if not isinstance(answer, dict) or "code" not in answer:
            raise SmsError("Mobizon answered without a code")
        if answer["code"] != 0:
            raise SmsError(f"Mobizon refused ({answer['code']}): {_redact(answer.get('message', ''))}")
        return answer.get("data")

    def send(self, to: str, text: str) -> Sent:
        fields = {"recipient": to.lstrip("+"), "text": text}
        if settings.SMS_SENDER:
            fields["from"] = settings.SMS_SENDER
        data = self._api("message/sendSmsMessage", fields)
        message_id = data.get("messageId") if isinstance(data, dict) else None
        if not message_id:
            raise SmsError("Mobizon accepted the request but gave no message id")
        return Sent(str(message_id))

    def statuses(self, messages: list[tuple[str, str]]) -> dict:
        result = {}
        ids = [message_id for message_id, _to in messages]
        for start in range(0, len(ids), self.STATUS_BATCH):
            data = self._api(
                "message/getSMSStatus", {"ids": ",".join(ids[start : start + self.STATUS_BATCH])}
            )
            for row in data if isinstance(data, list) else []:
                raw = str(row.get("status", ""))
                if raw in self.STATUSES:
                    result[str(row.get("id"))] = (self.STATUSES[raw], raw)
        return result


class SmscBackend:
    """SMSC.kz's HTTP API, as documented at https://smsc.kz/api/http/ (send) and
    https://smsc.kz/api/http/status_messages/ (status; the same API as smsc.ru / smscentre.com):

    POST {SMS_SMSC_URL}/send.php with login, psw, phones, mes, sender (optional), charset=utf-8
    and fmt=3 (JSON). Success is {"id": 123, "cnt": 1}; an error is {"error": "…",
    "error_code": N} (1 parameters, 2 login or password, 3 no funds, 4 IP blocked, 6 message
    forbidden, 7 number format, 8 cannot be delivered, 9 duplicate request; 3, 6, 7 and 8 add
    "id"). The number goes with "+": SMSC then keeps it as given instead of "auto-correcting" it.
    POST {SMS_SMSC_URL}/status.php with login, psw, phone, id, charset=utf-8, fmt=3 answers
    {"status": N, "last_date": …, "last_timestamp": …}: -1 waiting, 0 handed to the operator
    (not final), 1 delivered, 2 read, 4 link opened (delivered), 3 expired, 20 cannot be
    delivered, 22 wrong number, 23 forbidden, 24 no funds, 25 unreachable number (failed);
    -3 "not found" is left alone (SMSC may not know a message it accepted a moment ago).

    status.php needs the phone as well as the id, so with this backend the number stays on the
    code's row until its report is final or the code is used, replaced or expired
    (`voting.delivery.refresh_delivery_statuses` erases it).
    """

    name = "smsc"
    supports_status = True
    keeps_phone_for_status = True
    STATUSES = {
        -1: DeliveryStatus.SENT,
        0: DeliveryStatus.SENT,
        1: DeliveryStatus.DELIVERED,
        2: DeliveryStatus.DELIVERED,
        4: DeliveryStatus.DELIVERED,
        -2: DeliveryStatus.FAILED,  # "stopped"; not in the table we read, clients treat it as failed
        3: DeliveryStatus.FAILED,
        20: DeliveryStatus.FAILED,
        22: DeliveryStatus.FAILED,
        23: DeliveryStatus.FAILED,
        24: DeliveryStatus.FAILED,
        25: DeliveryStatus.FAILED,
    }

    def __init__(self) -> None:
        self.url = _check_url(settings.SMS_SMSC_URL, "SMS_SMSC_URL")
        self.login = _require(settings.SMS_SMSC_LOGIN, "SMS_SMSC_LOGIN")
        self.password = _require(settings.SMS_SMSC_PASSWORD, "SMS_SMSC_PASSWORD")

    def _api(self, script: str, fields: dict) -> dict:
        data, headers = _form(
            {"login": self.login, "psw": self.password, **fields, "charset": "utf-8", "fmt": "3"}
        )
        answer = _json("SMSC", _call("SMSC", f"{self.url}/{script}", data=data, headers=headers))
        if not isinstance(answer, dict):
            raise SmsError("SMSC answered an unexpected JSON value")
        if "error" in answer or "error_code" in answer:
            raise SmsError(f"SMSC refused ({answer.get('error_code')}): {_redact(answer.get('error', ''))}")
        return answer

    def send(self, to: str, text: str) -> Sent:
        fields = {"phones": to, "mes": text}
        if settings.SMS_SENDER:
            fields["sender"] = settings.SMS_SENDER
        answer = self._api("send.php", fields)
        if not answer.get("id"):
            raise SmsError("SMSC accepted the request but gave no message id")
        return Sent(str(answer["id"]))

    def statuses(self, messages: list[tuple[str, str]]) -> dict:
        result = {}
        for message_id, to in messages:
            if not to:
                continue  # the number is gone (code used, replaced or expired): nothing to ask
            answer = self._api("status.php", {"phone": to, "id": message_id})
            try:
                raw = int(answer.get("status"))
            except (TypeError, ValueError):
                continue
            if raw in self.STATUSES:
                result[message_id] = (self.STATUSES[raw], str(raw))
        return result


BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "http": HttpGatewayBackend,
    MobizonBackend.name: MobizonBackend,
    SmscBackend.name: SmscBackend,
}


def sms_available() -> bool:
    return bool(settings.SMS_BACKEND)


def get_backend(name: str | None = None):
    """The configured backend, or the one called `name` (the gateway a message went through)."""
    name = settings.SMS_BACKEND if name is None else name
    try:
        return BACKENDS[name]()
    except KeyError as error:
        raise ImproperlyConfigured(f"Unknown SMS_BACKEND {name!r}.") from error
