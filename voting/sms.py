"""Sending text messages: a small backend interface, chosen by `SMS_BACKEND`.

- "" (default): no SMS; voting is by e-mail only.
- "console": prints the message (development).
- "file": appends to `SMS_FILE_PATH` (development, demos).
- "http": POSTs JSON {"to": "+77011234567", "text": "…"} to `SMS_GATEWAY_URL` with
  `Authorization: Bearer <SMS_GATEWAY_TOKEN>`; any 2xx answer means accepted. Most
  Kazakhstani gateways offer such an endpoint or a thin adapter in front of theirs.
"""

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT_SECONDS = 10


class SmsError(OSError):
    """The gateway did not accept the message (network error or non-2xx answer)."""


class ConsoleBackend:
    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()


class FileBackend:
    def send(self, to: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")


class HttpGatewayBackend:
    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http(s) URL when SMS_BACKEND=http.")

    def send(self, to: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsError(f"SMS gateway answered {error.code}") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise SmsError(f"SMS gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered {status}")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "http": HttpGatewayBackend}


def sms_available() -> bool:
    return bool(settings.SMS_BACKEND)


def get_backend():
    try:
        return BACKENDS[settings.SMS_BACKEND]()
    except KeyError as error:
        raise ImproperlyConfigured(f"Unknown SMS_BACKEND {settings.SMS_BACKEND!r}.") from error
