"""Run one locust scenario headless, bounded in time and in count, and write its figures as JSON.

    python -m bench.load.driver --scenario pages --host http://127.0.0.1:8311 --users 20 \
        --seconds 15 --paths '[["home", "/ru/"]]' --out var/bench/run/home.json

A subprocess of `bench.load.run`: locust monkey-patches the standard library for gevent on
import, which the orchestrator (psycopg, subprocesses) must not be exposed to.
"""

import locust  # noqa: F401, I001 - first: gevent's monkey patching must precede every other import

import argparse
import json
import statistics
import time
from pathlib import Path

import gevent
from locust.env import Environment

from bench.load import users
from bench.load.mailbox import Mailbox

SCENARIOS = {
    "pages": users.PageUser,
    "ref_vote": users.ReferenceVoteUser,
    "vote": users.VoterUser,
    "vote_solving": users.SolvingVoterUser,
}


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--max-voters", type=int, default=0, help="stop after this many voters (0: no cap)")
    parser.add_argument("--paths", default="[]", help="JSON [[name, path], …] for the pages scenario")
    parser.add_argument("--projects", default="[]", help="JSON [id, …] the voters vote for")
    parser.add_argument("--mail-dir", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    users.PAGE_PATHS[:] = [tuple(item) for item in json.loads(args.paths)]
    users.PROJECT_IDS[:] = json.loads(args.projects)
    user_class = SCENARIOS[args.scenario]
    user_class.host = args.host
    scanner = None
    if args.mail_dir:
        users.MAILBOX = Mailbox(Path(args.mail_dir))

        def scan_forever():
            while True:
                users.MAILBOX.scan()
                gevent.sleep(0.1)

        scanner = gevent.spawn(scan_forever)

    env = Environment(user_classes=[user_class])
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.users)  # all at once: no ramp to blur the rate
    deadline = started + args.seconds
    while time.monotonic() < deadline:
        if args.max_voters and len(users.VOTERS) >= args.max_voters:
            break
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    # Pages: the rate counts the answers within the deadline; the drain adds the errors of
    # requests still running (a page slower than gunicorn's timeout fails after it).
    ok_by_deadline = env.stats.total.num_requests - env.stats.total.num_failures
    users.STOPPING = True
    voting = args.scenario.startswith("vote")
    # gunicorn aborts a worker after its 30 s timeout, and kills it only once PostgreSQL returns.
    drain_until = time.monotonic() + (users.MAIL_TIMEOUT + 30 if voting else 65)
    while users.IN_FLIGHT and time.monotonic() < drain_until:
        gevent.sleep(0.1)
    unfinished = users.IN_FLIGHT
    if voting:
        finished = [voter["finished"] for voter in users.VOTERS if "finished" in voter]
        # The rate over the time the counted votes took, drain included.
        elapsed = max([elapsed, *(moment - started for moment in finished)])
    runner.quit()
    if scanner:
        scanner.kill()

    requests = {}
    for (name, method), entry in env.stats.entries.items():
        requests[f"{method} {name}"] = {
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
    total = env.stats.total
    voters = list(users.VOTERS)
    ok = [voter for voter in voters if not voter["error"]]
    after = [voter["after_wait_s"] for voter in ok]
    errors: dict[str, int] = {}
    for voter in voters:
        if voter["error"]:
            errors[voter["error"]] = errors.get(voter["error"], 0) + 1
    result = {
        "scenario": args.scenario,
        "host": args.host,
        "users": args.users,
        "seconds": round(elapsed, 2),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "ok_per_s": (total.num_requests - total.num_failures) / elapsed
        if voting
        else ok_by_deadline / elapsed,
        "unfinished_after_drain": unfinished,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "by_name": requests,
        "failure_samples": [
            f"{error.method} {error.name}: {error.error} ×{error.occurrences}"
            for error in list(env.stats.errors.values())[:10]
        ],
    }
    if args.scenario.startswith("vote"):
        solve = [voter["solve_s"] for voter in ok if "solve_s" in voter]
        result.update(
            voters=len(voters),
            voters_ok=len(ok),
            voters_per_s=len(ok) / elapsed,
            after_wait_p50_s=percentile(after, 0.5),
            after_wait_p95_s=percentile(after, 0.95),
            mail_wait_p50_s=percentile([voter["mail_wait_s"] for voter in ok], 0.5),
            challenge_shown=sum(1 for voter in voters if voter.get("challenge")),
            solve_p50_s=statistics.median(solve) if solve else None,
            voter_errors=errors,
            receipts=[voter["receipt"] for voter in ok],
            addresses=sorted({voter["address"] for voter in voters}),
            mail_files=users.MAILBOX.files if users.MAILBOX else 0,
        )
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
