"""Do limits and "one vote per voter" hold when requests land on different gunicorn nodes?

Run against `make stack` (nginx on :8080, nodes on :8101 and :8102):

    .venv/bin/python bench/across_nodes.py

It REPORTS what it sees and always exits 0; it never fails a build. Each request alternates
between the two nodes directly (one browser: the same cookies on both), so a limit or a vote
that a node kept in its own memory would show up as "not counted across nodes".

1. Log-in failures: 10 wrong passwords per account and network in 15 minutes
   (accounts/services.py), then 429, wherever the attempts landed.
2. The same through nginx with a forged `X-Forwarded-For` that changes every request: nginx
   overwrites the header, so the forger is still one client.
3. One vote per voter: a voter asks for a code on node 1, types it on node 2 and votes; then,
   in a fresh browser, asks again on node 2 and types the new code on node 1: "already voted",
   and the database holds one vote. The code is read from the task worker's log
   (var/stack/worker.log: the console mail backend prints what it sends).

Stdlib only. Env: STACK_HTTP_PORT, STACK_NODE_PORTS as for deploy/stack.sh.
"""

import email
import http.cookiejar
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HTTP_PORT = os.environ.get("STACK_HTTP_PORT", "8080")
NODES = [f"http://127.0.0.1:{port}" for port in os.environ.get("STACK_NODE_PORTS", "8101 8102").split()]
NGINX = f"http://127.0.0.1:{HTTP_PORT}"
WORKER_LOG = BASE_DIR / "var" / "stack" / "worker.log"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


class Browser:
    """One visitor: a cookie jar shared by every node (cookies on 127.0.0.1 ignore the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 - our loopback URLs
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_of(page: str) -> str:
    match = CSRF.search(page)
    return match[1] if match else ""


def login_failures(
    label: str, targets: list[str], forged_header: bool = False, held: str = "counted across nodes"
) -> None:
    browser = Browser()
    identity = f"nobody-{secrets.token_hex(4)}@example.kz"
    print(f"\n{label}: wrong passwords for {identity}")
    answers = []
    for attempt in range(1, 13):
        base = targets[attempt % len(targets)]
        headers = {"X-Forwarded-For": f"198.51.100.{attempt}"} if forged_header else {}
        _status, _headers, page = browser.request(f"{base}/en/account/login/", headers=headers)
        status, _headers, _page = browser.request(
            f"{base}/en/account/login/",
            {"csrfmiddlewaretoken": csrf_of(page), "username": identity, "password": "wrong-password"},
            headers={**headers, "Referer": f"{base}/en/account/login/"},
        )
        answers.append(status)
        where = base.rsplit(":", 1)[1]
        print(
            f"  attempt {attempt:2} via :{where}"
            + (f" (X-Forwarded-For {headers['X-Forwarded-For']})" if headers else "")
            + f" -> {status}"
        )
    first_refusal = next((n for n, status in enumerate(answers, 1) if status == 429), None)
    if first_refusal == 11:
        print(f"  => {held}: 10 failures allowed, the 11th refused (429), as the limit says")
    else:
        print(f"  => NOT as expected: first 429 at attempt {first_refusal} (expected 11)")


def code_from_worker_log(address: str, after: int, timeout: float = 20) -> str | None:
    """The newest six-digit code mailed to `address` since byte `after` of the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = WORKER_LOG.read_text(errors="replace")[after:] if WORKER_LOG.exists() else ""
        code = None
        for chunk in text.split("-" * 79):
            start = chunk.find("Content-Type:")
            if start < 0 or address not in chunk:
                continue
            message = email.message_from_string(chunk[start:].lstrip())
            parts = message.walk() if message.is_multipart() else [message]
            for part in parts:
                if part.get_content_type() == "text/plain":
                    payload = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                    found = re.search(r"\b(\d{6})\b", payload)
                    code = found[1] if found else code
        if code:
            return code
        time.sleep(0.5)
    return None


def ask_for_code(browser: Browser, base: str, project_id: int, address: str) -> tuple[int, str]:
    _status, _headers, page = browser.request(f"{base}/en/projects/{project_id}/vote/")
    started = STARTED.search(page)
    if not started:
        return 0, "no vote form on the page (is the fair in its voting phase?)"
    time.sleep(3.2)  # the form refuses answers faster than a person (MIN_FILL_SECONDS)
    status, headers, _page = browser.request(
        f"{base}/en/projects/{project_id}/vote/",
        {
            "csrfmiddlewaretoken": csrf_of(page),
            "email": address,
            "consent": "on",
            "website": "",
            "started": started[1],
            "proof": "",
        },
    )
    return status, headers.get("Location", "")


def type_code(browser: Browser, base: str, project_id: int, code: str) -> tuple[int, str, str]:
    _status, _headers, page = browser.request(f"{base}/en/vote/code/")
    status, headers, page = browser.request(
        f"{base}/en/vote/code/",
        {"csrfmiddlewaretoken": csrf_of(page), "project": project_id, "code": code},
    )
    return status, headers.get("Location", ""), page


def one_vote_per_voter() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")
    import django

    django.setup()
    from projects.models import Project, ProjectState
    from voting.models import Vote

    now = django.utils.timezone.now()
    project = (
        Project.objects.filter(
            state=ProjectState.FINALIST, fair__voting_opens_at__lte=now, fair__voting_closes_at__gt=now
        )
        .select_related("fair")
        .first()
    )
    print("\n3. one vote per voter")
    if project is None:
        print("  no fair is in its voting phase: run `manage.py demo seed` first; skipped")
        return
    address = f"voter-{secrets.token_hex(4)}@example.kz"
    votes_before = Vote.objects.filter(fair=project.fair).count()
    node_a, node_b = NODES[0], NODES[-1]
    print(f"  fair {project.fair.slug}, project {project.pk}, voter {address}")

    first = Browser()
    offset = WORKER_LOG.stat().st_size if WORKER_LOG.exists() else 0
    status, location = ask_for_code(first, node_a, project.pk, address)
    print(f"  code asked on :{node_a.rsplit(':', 1)[1]} -> {status} {location}")
    code = code_from_worker_log(address, offset)
    print(f"  code mailed by the task worker: {code}")
    if not code:
        print("  no code in var/stack/worker.log within 20 s; skipped")
        return
    status, location, _page = type_code(first, node_b, project.pk, code)
    print(f"  code typed on :{node_b.rsplit(':', 1)[1]} -> {status} {location}")

    second = Browser()  # the same person, another browser, the other node first
    offset = WORKER_LOG.stat().st_size
    status, location = ask_for_code(second, node_b, project.pk, address)
    print(f"  again, fresh browser: code asked on :{node_b.rsplit(':', 1)[1]} -> {status} {location}")
    code = code_from_worker_log(address, offset, timeout=10)
    if code:
        status, location, page = type_code(second, node_a, project.pk, code)
        said = "says already voted" if "already" in page.lower() else "no 'already voted' on the page"
        print(f"  new code {code} typed on :{node_a.rsplit(':', 1)[1]} -> {status} {location} ({said})")
    else:
        print("  no second code mailed (the portal already knows this voter has voted)")
    votes_after = Vote.objects.filter(fair=project.fair).count()
    votes_of_voter = votes_after - votes_before
    verdict = "holds across nodes" if votes_of_voter == 1 else "DOES NOT HOLD"
    print(f"  => votes recorded for this voter: {votes_of_voter}; one vote per voter {verdict}")


def main() -> None:
    for url in [NGINX, *NODES]:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=3)  # noqa: S310 - our loopback URLs
        except OSError as error:
            print(f"{url} does not answer ({error}); start the stack with `make stack`. Nothing measured.")
            return
    login_failures("1. log-in failure limit, alternating nodes " + " and ".join(NODES), NODES)
    login_failures(
        "2. the same through nginx, each attempt with a different forged X-Forwarded-For",
        [NGINX],
        forged_header=True,
        held="one client whatever it writes in X-Forwarded-For (nginx overwrites it), on both nodes",
    )
    one_vote_per_voter()


if __name__ == "__main__":
    main()
