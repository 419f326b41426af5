"""The load benchmark's table: what | fairportal | reference | ratio | goal | met?

Printed, and written to var/bench/load.json (everything measured) and var/bench/load.md (the
table and notes, to paste into an issue).
"""

import json
from pathlib import Path

PAGE_GOAL = 0.5  # of the reference's plain view, with 0 errors
VOTE_GOAL = 0.15  # of the reference's full-middleware INSERT rate
VOTE_P95_GOAL_S = 1.0
TALLY_GOAL_MS = 100.0


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours is not None and theirs else None


def _fmt(value, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def _met(condition) -> str:
    return "—" if condition is None else ("yes" if condition else "**no**")


def rows(results: dict) -> list[list[str]]:
    plain = results["ref_plain"]["ok_per_s"]
    table = []
    for key, label in (
        ("home", "home `/ru/`"),
        ("catalogue", f"catalogue ({results['seed']['public_projects']:,} projects)"),
        ("project", "project page"),
        ("results", f"results page ({results['seed']['closed_fair_votes']:,} votes)"),
    ):
        page = results.get(key)
        if not page:
            continue
        ratio = _ratio(page["ok_per_s"], plain)
        errors = page["failures"] + page.get("unfinished_after_drain", 0)
        table.append(
            [
                label,
                f"{_fmt(page['ok_per_s'])} req/s, p50 {_fmt(page['p50_ms'], ' ms', 0)}, {errors} errors"
                + (
                    f" ({page['unfinished_after_drain']} unanswered)"
                    if page.get("unfinished_after_drain")
                    else ""
                ),
                f"plain view {_fmt(plain)} req/s",
                _fmt(ratio, "×", 3),
                f"≥ {PAGE_GOAL}×, 0 errors",
                _met(ratio is not None and ratio >= PAGE_GOAL and errors == 0),
            ]
        )
    vote, ref_vote = results.get("vote"), results.get("ref_vote_full")
    if vote:
        table.append(_vote_row(vote, ref_vote))
    if challenge := results.get("vote_challenge"):
        table.append(_challenge_row(challenge, vote))
    table.append(_database_row(results["database"]))
    if tally := results.get("tally"):
        table += _tally_rows(tally, results["seed"]["closed_fair_votes"])
    return table


def _vote_row(vote: dict, ref_vote: dict) -> list[str]:
    ratio = _ratio(vote["voters_per_s"], ref_vote["ok_per_s"])
    p95 = vote["after_wait_p95_s"]
    vote_errors = vote["voters"] - vote["voters_ok"]
    return [
        f"complete verified vote, {vote['users']} concurrent voters (challenge off)",
        f"{_fmt(vote['voters_per_s'], digits=2)} voters/s ({vote['voters_ok']} votes), "
        f"after the form wait p50 {_fmt(vote['after_wait_p50_s'], ' s', 2)} / "
        f"p95 {_fmt(p95, ' s', 2)}, {vote_errors} errors",
        f"INSERT behind full middleware {_fmt(ref_vote['ok_per_s'])} req/s",
        _fmt(ratio, "×", 3),
        f"≥ {VOTE_GOAL}×, p95 ≤ {VOTE_P95_GOAL_S:g} s, 0 errors",
        _met(
            ratio is not None
            and ratio >= VOTE_GOAL
            and p95 is not None
            and p95 <= VOTE_P95_GOAL_S
            and vote_errors == 0
        ),
    ]


def _challenge_row(challenge: dict, vote: dict | None) -> list[str]:
    vote = vote or {}
    return [
        f"browser check on (`VOTING_CHALLENGE=always`), {challenge['users']} voters",
        f"solve p50 {_fmt(challenge['solve_p50_s'], ' s', 3)} (Python, inside the form wait), "
        f"0 extra requests, after the form wait p50 {_fmt(challenge['after_wait_p50_s'], ' s', 2)}; "
        f"{challenge['voters_ok']}/{challenge['voters']} voted",
        f"off: p50 {_fmt(vote.get('after_wait_p50_s'), ' s', 2)}",
        "—",
        "an honest voter barely notices",
        "—",
    ]


def _database_row(database: dict) -> list[str]:
    consistent = (
        database["votes_cast"] == database["receipts_shown"]
        and database["duplicates"] == 0
        and database["shown_not_in_database"] == 0
        and database["receipts_shown_twice"] == 0
    )
    return [
        "database after the run",
        f"{database['votes_cast']} votes cast = {database['receipts_shown']} receipts shown; "
        f"{database['duplicates']} duplicates per (fair, voter, scope); "
        f"{database['shown_not_in_database']} receipts shown but missing",
        "—",
        "—",
        "exactly one vote per voter, every counted vote shows its receipt",
        _met(consistent),
    ]


def _tally_rows(tally: dict, votes: int) -> list[list[str]]:
    table = []
    for key, label in (
        ("tally_live_ms", "`voting.selectors.tally` counted from the votes"),
        ("tally_ms", "`voting.selectors.tally` from the frozen counts"),
        ("tally_by_nomination_ms", "`tally_by_nomination` (frozen)"),
    ):
        if key not in tally:
            continue
        table.append(
            [
                f"{label} at {votes:,} votes (in-process)",
                _fmt(tally[key], " ms"),
                f"`SELECT 1` {_fmt(tally['select1_ms'], ' ms', 2)}",
                _fmt(_ratio(tally[key], tally["select1_ms"]), "×", 0),
                f"< {TALLY_GOAL_MS:g} ms",
                _met(tally[key] < TALLY_GOAL_MS),
            ]
        )
    return table


def notes(results: dict) -> list[str]:
    vote = results.get("vote", {"voters": 0, "voter_errors": {}})
    seed = results["seed"]
    lines = [
        f"Run started {results['started']}; fairportal at {results['target']}; "
        f"seed {'reused' if seed['reused'] else 'built'} in {seed['seconds']} s ({seed['database']}).",
        (
            f"The reference under gunicorn.conf.py with {results.get('workers')} sync workers; fairportal "
            "as BENCH_TARGET runs it (its own nodes, workers and task backend)."
            if results.get("external_target")
            else f"Both apps under gunicorn.conf.py with {results.get('workers')} sync workers; fairportal "
            f"with DJANGO_TASKS_BACKEND={results.get('tasks_backend')} "
            + (
                "(the code mail is sent inside the request)."
                if results.get("tasks_backend") == "immediate"
                else "(codes queued, sent by one `manage.py db_worker`)."
            )
        ),
        "Pages: closed-loop locust users without think time, each scenario alone; req/s counts "
        "answers without error. Ratios are taken within this run — absolute figures drift several "
        "times between runs on a shared machine, ratios hold.",
        "Votes: each simulated voter has its own loopback address (127.x.y.z over many /24s) and a "
        f"fresh mail.ru address; {vote['voters']} voters tried, "
        f"{vote.get('distinct_addresses_in_access_log', '?')} distinct client addresses in the access log. "
        "'After the form wait' = from sending the e-mail form to the receipt page "
        "(requests + the code's arrival in the file mail backend); the 3 s minimum fill time is excluded.",
    ]
    if steps := vote.get("by_name"):
        lines.append(
            "Vote steps, p50 / p95 ms: "
            + "; ".join(
                f"{name.split(': ', 1)[-1]} {step['p50_ms']} / {step['p95_ms']}"
                for name, step in steps.items()
            )
        )
    if vote.get("voter_errors"):
        lines.append(f"Voter errors: {json.dumps(vote['voter_errors'], ensure_ascii=False)}")
    for key in (
        "home",
        "catalogue",
        "project",
        "results",
        "ref_plain",
        "ref_vote_full",
        "vote",
        "vote_challenge",
    ):
        if samples := results.get(key, {}).get("failure_samples"):
            lines.append(f"Failures in {key}: " + "; ".join(samples[:3]))
    return lines


def markdown(results: dict) -> str:
    header = ["what", "fairportal", "reference", "ratio", "goal", "met?"]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows(results)]
    out += ["", *[f"- {line}" for line in notes(results)]]
    return "\n".join(out) + "\n"


def write(results: dict, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = markdown(results)
    (directory / "load.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    (directory / "load.md").write_text(text)
    print()
    print(text)
    print(f"(also in {directory / 'load.md'} and {directory / 'load.json'})")
