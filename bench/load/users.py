"""Locust users for the load benchmark (imported by `bench.load.driver`, under gevent).

Configuration comes from the environment the driver sets (BENCH_*), so the same classes run
against our gunicorn, the reference app or the nginx stack.
"""

import itertools
import json
import os
import random
import re
import time
from html import unescape

from locust import FastHttpUser, HttpUser, constant, task
from requests.adapters import HTTPAdapter

from bench.load.proof_solver import solve_challenge

RUN_ID = os.environ.get("BENCH_RUN_ID", "0")
LANGUAGE = "ru"
FORM_WAIT = float(os.environ.get("BENCH_FORM_WAIT", "3.3"))  # voting.forms.MIN_FILL_SECONDS = 3
MAIL_TIMEOUT = 30.0

# Filled by the driver: paths to request, the mailbox, where voters report.
PAGE_PATHS: list[tuple[str, str]] = []
PROJECT_IDS: list[int] = []
VOTERS: list[dict] = []
MAILBOX = None
# Set by the driver at the deadline: nothing new starts, what is under way finishes (a voter's
# vote may already be cast, and the database check needs every receipt that was shown; a slow
# page's answer, or its error, still counts).
STOPPING = False
IN_FLIGHT = 0

# Each scenario of a run numbers its voters from its own base: one mailbox, one person.
_voter_numbers = itertools.count(int(os.environ.get("BENCH_VOTER_BASE", "0")))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
CHALLENGE = re.compile(r'data-challenge="([^"]+)"')
RECEIPT = re.compile(r'class="[^"]*receipt-code[^"]*">\s*([A-Z0-9-]+)\s*<')


def source_address(number: int) -> str:
    """Voter n's own loopback address (Linux routes all of 127/8 to lo), consecutive voters in
    different /24s, so per-address and per-network limits see what real voters would cause."""
    return f"127.{10 + number % 200}.{(number // 200) % 256}.{1 + (number // 51200) % 250}"


def voter_email(number: int) -> str:
    # mail.ru is a large provider (no per-domain cap); no dots or "+" for canonical_email to fold.
    return f"bench{RUN_ID}v{number}@mail.ru"


class _SourceAdapter(HTTPAdapter):
    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        pool_kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


class PageUser(FastHttpUser):
    """Closed loop, no think time: the pages' capacity."""

    wait_time = constant(0)

    @task
    def page(self):
        global IN_FLIGHT
        if STOPPING:
            time.sleep(1)
            return
        name, path = random.choice(PAGE_PATHS)  # noqa: S311 - load, not secrets
        IN_FLIGHT += 1
        try:
            self.client.get(path, name=name)
        finally:
            IN_FLIGHT -= 1


class ReferenceVoteUser(FastHttpUser):
    """The reference app's INSERT behind sessions, authentication and CSRF."""

    wait_time = constant(0)

    @task
    def vote(self):
        session, token = os.environ["BENCH_REF_SESSION"], os.environ["BENCH_REF_CSRF"]
        with self.client.post(
            "/vote_full",
            data={"v": str(random.getrandbits(62))},
            headers={"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token},
            name="ref /vote_full",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}")


class VoterUser(HttpUser):
    """One honest voter after another: each iteration is a new person (own session, own
    address, own mailbox) doing the whole verified vote as a browser would."""

    wait_time = constant(0)
    solve = False

    def _fail(self, record: dict, reason: str) -> None:
        record["error"] = reason
        VOTERS.append(record)

    @task
    def vote(self):
        global IN_FLIGHT
        if STOPPING:
            time.sleep(1)
            return
        IN_FLIGHT += 1
        try:
            self._one_voter()
        finally:
            IN_FLIGHT -= 1

    def _one_voter(self):
        number = next(_voter_numbers)
        address, mailbox = source_address(number), voter_email(number)
        self.client.cookies.clear()
        self.client.trust_env = False
        adapter = _SourceAdapter(address)
        self.client.mount("http://", adapter)
        project = random.choice(PROJECT_IDS)  # noqa: S311 - load, not secrets
        record = {"address": address, "email": mailbox, "project": project, "error": ""}
        spent = 0.0

        def request(method, path, name, **kwargs):
            nonlocal spent
            started = time.perf_counter()
            response = self.client.request(method, path, name=name, allow_redirects=False, **kwargs)
            spent += time.perf_counter() - started
            return response

        try:
            page = request("GET", f"/{LANGUAGE}/projects/{project}/", "vote: project page")
            start_path = f"/{LANGUAGE}/projects/{project}/vote/"
            form = request("GET", start_path, "vote: e-mail form")
            if form.status_code != 200 or page.status_code != 200:
                return self._fail(record, f"form {form.status_code}")
            csrf, stamp = CSRF.search(form.text), STARTED.search(form.text)
            if not (csrf and stamp):
                return self._fail(record, "no form on the vote page")
            data = {
                "csrfmiddlewaretoken": csrf.group(1),
                "email": mailbox,
                "consent": "on",
                "website": "",
                "started": unescape(stamp.group(1)),
                "proof": "",
            }
            challenge = CHALLENGE.search(form.text)
            record["challenge"] = bool(challenge)
            if challenge and self.solve:
                # The browser solves while the visitor types, i.e. inside the form wait.
                data["proof"], record["solve_s"] = solve_challenge(json.loads(unescape(challenge.group(1))))
                time.sleep(max(0.0, FORM_WAIT - record["solve_s"]))
            else:
                time.sleep(FORM_WAIT)  # a person reads and types; the form refuses faster
            before_wait = spent
            after_wait_started = time.perf_counter()
            sent = request("POST", start_path, "vote: send e-mail", data=data)
            if sent.status_code != 302:
                return self._fail(record, f"e-mail form answered {sent.status_code}")
            verify_path = sent.headers["Location"]
            verify = request("GET", verify_path, "vote: code form")
            csrf = CSRF.search(verify.text)
            if verify.status_code != 200 or not csrf:
                return self._fail(record, f"code form {verify.status_code}")
            mail_started = time.perf_counter()
            code = None
            while time.perf_counter() - mail_started < MAIL_TIMEOUT:
                code = MAILBOX.code_for(mailbox)
                if code:
                    break
                time.sleep(0.05)
            record["mail_wait_s"] = time.perf_counter() - mail_started
            if not code:
                return self._fail(record, "no code mailed within 30 s")
            cast = request(
                "POST",
                verify_path,
                "vote: send code",
                data={"csrfmiddlewaretoken": csrf.group(1), "code": code, "project": str(project)},
            )
            if cast.status_code != 302:
                return self._fail(record, f"code form answered {cast.status_code}")
            done = request("GET", cast.headers["Location"], "vote: thank-you page")
            receipt = RECEIPT.search(done.text)
            if done.status_code != 200 or not receipt:
                return self._fail(record, f"no receipt on the thank-you page ({done.status_code})")
            record["receipt"] = receipt.group(1)
            record["after_wait_s"] = time.perf_counter() - after_wait_started
            record["requests_s"] = spent
            record["before_wait_s"] = before_wait
            record["finished"] = time.monotonic()
            VOTERS.append(record)
        except Exception as error:
            self._fail(record, f"{type(error).__name__}: {error}"[:200])
        finally:
            adapter.close()


class SolvingVoterUser(VoterUser):
    solve = True
