"""Voting codes read back from Django's file mail backend (`EMAIL_URL=filemail:////dir`).

The backend writes one file per connection, i.e. per code sent, each message followed by a
line of 79 dashes. One scanner keeps an index of the files already read and maps recipient →
code; a resend repeats the same code, so a later file for the same recipient changes nothing.
"""

import email
import re
from email import policy
from pathlib import Path

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
CODE = re.compile(r"^(\d{6})$", re.MULTILINE)  # on a line of its own (voting/email/code_body.txt)


def codes_in(raw: bytes) -> list[tuple[str, str]]:
    """[(recipient, code)] of the complete messages in one mail file."""
    found = []
    for chunk in raw.split(SEPARATOR):
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        match = CODE.search(text)
        if match and message["To"]:
            found.append((str(message["To"]).strip().lower(), match.group(1)))
    return found


class Mailbox:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.codes: dict[str, str] = {}
        # Size read per file: Django names a file by the second and id(connection), and forked
        # workers share ids, so two workers' codes can land in one file, the second appended later.
        self._done: dict[str, int] = {}
        self.files = 0

    def scan(self) -> None:
        for path in self.directory.iterdir():
            size = path.stat().st_size
            if self._done.get(path.name) == size:
                continue
            raw = path.read_bytes()
            if not raw.endswith(SEPARATOR):  # still being written: read it next time
                continue
            if path.name not in self._done:
                self.files += 1
            self._done[path.name] = len(raw)
            for recipient, code in codes_in(raw):
                self.codes.setdefault(recipient, code)

    def code_for(self, recipient: str) -> str | None:
        return self.codes.get(recipient.lower())
