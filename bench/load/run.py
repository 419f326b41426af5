"""The load benchmark (`make bench-load`): fairportal beside the reference app, in one run.

1. seeds (or reuses) its own database: 5,000 public finalists, 1,000,000 votes (bench.load.seed);
2. starts fairportal under gunicorn as `make serve` does, and the reference Django app under the
   same gunicorn settings, each on a free loopback port;
3. runs locust headless, each scenario bounded in time (and the votes in count): the reference's
   plain view and full-middleware INSERT, our home, catalogue, project and results pages, the
   complete verified vote with the browser check off, and a few votes with it on;
4. times `voting.selectors.tally` in-process at 1,000,000 votes against `SELECT 1`;
5. checks the database (votes cast = receipts shown, no duplicates) and prints one table,
   also written to var/bench/load.json and var/bench/load.md.

Figures never fail the run: it exits non-zero only when the harness itself breaks.
Environment: see the README's "Benchmarks" section.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.load import seed as seeding  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
OUT_DIR = BASE_DIR / "var" / "bench"
RUN_DIR = OUT_DIR / "run"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECONDS = env_int("BENCH_SECONDS", 15)  # per page scenario
PAGE_USERS = env_int("BENCH_USERS", 20)
VOTERS = env_int("BENCH_VOTERS", 120)  # concurrent voters
VOTE_SECONDS = env_int("BENCH_VOTE_SECONDS", 60)
MAX_VOTES = env_int("BENCH_MAX_VOTES", 3000)
CHALLENGE_VOTERS = env_int("BENCH_CHALLENGE_VOTERS", 10)
RESULTS_USERS = env_int("BENCH_RESULTS_USERS", 10)
# For development: only these scenarios (comma-separated: pages, vote, results, challenge, tally).
ONLY = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}


def wanted(name: str) -> bool:
    return not ONLY or name in ONLY


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


def reference_dir() -> Path:
    path = Path(os.environ.get("BENCH_REFERENCE_DIR", "../shared/bench-reference"))
    path = path if path.is_absolute() else (BASE_DIR / path).resolve()
    if not (path / "app" / "manage.py").exists():
        raise SystemExit(
            f"The reference app is missing: no {path / 'app' / 'manage.py'}.\n"
            "Set BENCH_REFERENCE_DIR to the bench-reference checkout (default ../shared/bench-reference "
            "relative to the repository)."
        )
    return path / "app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_socket(url: str) -> tuple[str, str]:
    params, _name = seeding._server_and_name(url)
    return params.get("host", "127.0.0.1"), str(params.get("port", "5432"))


class Server:
    """One gunicorn, started with our gunicorn.conf.py (same workers, worker class, keepalive)."""

    def __init__(self, name: str, app: str, env: dict, cwd: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = RUN_DIR / f"{name}.access.log"
        self.error_log = RUN_DIR / f"{name}.log"
        full_env = {
            **os.environ,
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_ACCESSLOG": str(self.access_log),
        }
        full_env.pop("FAIRPORTAL_MANAGEMENT_COMMAND", None)  # the node runs as production does
        command = [GUNICORN, "--config", str(BASE_DIR / "gunicorn.conf.py"), "--chdir", str(cwd), app]
        with self.error_log.open("wb") as errors:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                env=full_env,
                cwd=cwd,
                stdout=errors,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} did not start; see {self.error_log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=30) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path} within {timeout} s; see {self.error_log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Worker(Server):
    """`manage.py db_worker`, when the benchmark runs with DJANGO_TASKS_BACKEND=database."""

    def __init__(self, env: dict):
        self.name, self.error_log = "worker", RUN_DIR / "worker.log"
        with self.error_log.open("wb") as errors:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [PYTHON, "manage.py", "db_worker"],
                env={**os.environ, **env},
                cwd=BASE_DIR,
                stdout=errors,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def fairportal_env(url: str, mail_dir: Path, challenge: str) -> dict:
    secret_file = BASE_DIR / "var" / "secret-key"
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(50) + "\n")
    secret = os.environ.get("DJANGO_SECRET_KEY") or secret_file.read_text().strip()
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": secret,
        "VOTER_HASH_KEY": os.environ.get("VOTER_HASH_KEY") or f"{secret}-voters",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(BASE_DIR / "var" / "bench-media"),
        "EMAIL_URL": f"filemail:///{mail_dir.resolve()}",  # "filemail:////abs": four slashes
        "DJANGO_TASKS_BACKEND": os.environ.get("BENCH_TASKS_BACKEND", "immediate"),
        "VOTING_CHALLENGE": challenge,
    }


def prepare_reference(app_dir: Path, host: str, port: str) -> tuple[dict, str, str]:
    """Create and migrate `djbench` on our PostgreSQL; a logged-in session for /vote_full."""
    import psycopg

    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'djbench'").fetchone():
            conn.execute('CREATE DATABASE "djbench"')
    env = {
        "REF_DB_HOST": host,
        "REF_DB_PORT": port,
        "REF_DB_NAME": "djbench",
        "DJANGO_SETTINGS_MODULE": "site_.settings",
    }
    full_env = {**os.environ, **env}
    full_env.pop("DATABASE_URL", None)
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=app_dir, env=full_env, check=True
    )
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "user, _ = get_user_model().objects.get_or_create(username='bench')\n"
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create(); print(s.session_key)\n"
    )
    session = subprocess.run(  # noqa: S603
        [PYTHON, "-c", script], cwd=app_dir, env=full_env, check=True, capture_output=True, text=True
    ).stdout.strip()
    csrf = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
    return env, session, csrf


def drive(
    scenario: str, host: str, name: str, *, users: int, seconds: float, voter_base: int = 0, **options
) -> dict:
    out = RUN_DIR / f"{name}.json"
    command = [
        PYTHON, "-m", "bench.load.driver", "--scenario", scenario, "--host", host,
        "--users", str(users), "--seconds", str(seconds), "--out", str(out),
    ]  # fmt: skip
    for option, value in options.items():
        command += [f"--{option.replace('_', '-')}", value if isinstance(value, str) else json.dumps(value)]
    env = {**os.environ, "BENCH_RUN_ID": RUN_ID, "BENCH_VOTER_BASE": str(voter_base)}
    log(f"{name}: {users} users, ≤ {seconds:.0f} s against {host}")
    completed = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)  # noqa: S603
    if completed.returncode != 0 or not out.exists():
        raise SystemExit(f"locust driver failed for {name}:\n{completed.stderr[-3000:]}")
    result = json.loads(out.read_text())
    line = f"  {result['ok_per_s']:.1f} ok req/s, {result['failures']} failures, p50 {result['p50_ms']} ms"
    if "voters_ok" in result:
        line += f"; {result['voters_ok']}/{result['voters']} voters ({result['voters_per_s']:.2f}/s)"
    log(line)
    return result


def warm(host: str, paths: list) -> None:
    for _name, path in paths:
        try:
            urllib.request.urlopen(host + path, timeout=60).read()  # noqa: S310 - loopback
        except OSError as error:
            log(f"  warm-up of {path} failed: {error}")


def time_tally(fair) -> dict:
    from django.db import connection

    from voting import selectors

    def best_of(function, rounds: int, budget_s: float = 20) -> float:
        """Median of `rounds` calls, fewer when they are slow (at least one)."""
        timings = []
        spent = time.perf_counter()
        for _round in range(rounds):
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
            if time.perf_counter() - spent > budget_s:
                break
        return statistics.median(timings)

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    from voting import services
    from voting.models import FrozenTally

    rounds = env_int("BENCH_TALLY_ROUNDS", 5)
    # First counted from the votes (one GROUP BY over the index of valid votes), as while voting
    # runs or in the two minutes after the close; then from the counts frozen after the close.
    FrozenTally.objects.filter(fair=fair).delete()
    figures = {
        "select1_ms": best_of(select_one, 50),
        "tally_live_ms": best_of(lambda: list(selectors.tally(fair)), rounds),
    }
    started = time.perf_counter()
    services.tally_freeze(fair=fair)
    figures["freeze_ms"] = (time.perf_counter() - started) * 1000
    figures["tally_ms"] = best_of(lambda: list(selectors.tally(fair)), rounds)
    figures["tally_by_nomination_ms"] = best_of(lambda: selectors.tally_by_nomination(fair), rounds)
    return figures


def check_database(fair, since: datetime, receipts: list[str]) -> dict:
    from django.db.models import Count

    from voting.models import Vote

    cast = set(Vote.objects.filter(fair=fair, created_at__gte=since).values_list("receipt", flat=True))
    shown = set(receipts)
    duplicates = (
        Vote.objects.filter(fair=fair)
        .values("fair", "voter_digest", "scope")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "votes_cast": len(cast),
        "receipts_shown": len(receipts),
        "receipts_shown_twice": len(receipts) - len(shown),
        "shown_not_in_database": len(
            shown - set(Vote.objects.filter(receipt__in=shown).values_list("receipt", flat=True))
        ),
        "cast_not_shown": len(cast - shown),
        "duplicates": duplicates,
    }


def distinct_addresses(access_log: Path, marker: str = "/vote/") -> int:
    if not access_log.exists():
        return 0
    lines = access_log.read_text(errors="replace").splitlines()
    return len({line.split(" ", 1)[0] for line in lines if marker in line})


RUN_ID = datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def main() -> None:
    from bench.load import report

    started_at = datetime.now(UTC)
    target = os.environ.get("BENCH_TARGET", "").rstrip("/")
    app_dir = reference_dir()
    if RUN_DIR.exists():
        shutil.rmtree(RUN_DIR)
    RUN_DIR.mkdir(parents=True)
    mail_dir = Path(os.environ.get("BENCH_MAIL_DIR") or RUN_DIR / "mail")
    mail_dir.mkdir(parents=True, exist_ok=True)

    log("seeding (or reusing) the benchmark database")
    seeded = seeding.seed(reseed=os.environ.get("BENCH_RESEED") == "1", log=log)
    log(f"  {seeded}")
    from projects.models import Fair, Project, ProjectState

    voting_fair = Fair.objects.get(slug=seeding.VOTING_FAIR)
    closed_fair = Fair.objects.get(slug=seeding.CLOSED_FAIR)
    project_ids = list(Project.objects.public().filter(fair=voting_fair).values_list("pk", flat=True))
    finalist_ids = list(
        Project.objects.filter(fair=voting_fair, state=ProjectState.FINALIST).values_list("pk", flat=True)
    )
    url = seeding.database_url()
    db_host, db_port = database_socket(url)

    ref_env, session, csrf = prepare_reference(app_dir, db_host, db_port)
    servers = []
    try:
        reference = Server("reference", "site_.wsgi", ref_env, app_dir)
        servers.append(reference)
        if target:
            portal_url = target
            log(f"fairportal: the stack at {target} (BENCH_TARGET); codes read from {mail_dir}")
        else:
            portal = Server("fairportal", "fairportal.wsgi", fairportal_env(url, mail_dir, "off"), BASE_DIR)
            servers.append(portal)
            if os.environ.get("BENCH_TASKS_BACKEND") == "database":
                servers.append(Worker(fairportal_env(url, mail_dir, "off")))
            portal.wait("/ru/")
            portal_url = portal.url
        reference.wait("/plain")
        log(f"reference {reference.url}, fairportal {portal_url}")

        results: dict = {
            "seed": seeded,
            "started": started_at.isoformat(),
            "target": portal_url,
            "tasks_backend": os.environ.get("BENCH_TASKS_BACKEND", "immediate"),
            "external_target": bool(target),
            "workers": os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count() * 2 + 1),
        }
        pages = {
            "home": [["home /ru/", "/ru/"]],
            "catalogue": [["catalogue", f"/ru/fairs/{voting_fair.slug}/projects/"]],
            "project": [
                ["project page", f"/ru/projects/{pk}/"]
                for pk in project_ids[:: max(1, len(project_ids) // 200)]
            ],
            "results": [["results page", f"/ru/fairs/{closed_fair.slug}/results/"]],
        }
        results["ref_plain"] = drive(
            "pages",
            reference.url,
            "ref_plain",
            users=PAGE_USERS,
            seconds=SECONDS,
            paths=[["ref /plain", "/plain"]],
        )
        for name in ("home", "catalogue", "project"):
            if wanted("pages"):
                warm(portal_url, pages[name][:3])
                results[name] = drive(
                    "pages", portal_url, name, users=PAGE_USERS, seconds=SECONDS, paths=pages[name]
                )
        vote_started = datetime.now(UTC)
        if wanted("vote") or wanted("challenge"):
            results["ref_vote_full"] = _ref_vote(reference.url, session, csrf)
        if wanted("vote"):
            results["vote"] = drive(
                "vote", portal_url, "vote", users=VOTERS, seconds=VOTE_SECONDS, max_voters=str(MAX_VOTES),
                projects=finalist_ids, mail_dir=str(mail_dir),
            )  # fmt: skip
            if not target:
                results["vote"]["distinct_addresses_in_access_log"] = distinct_addresses(portal.access_log)
        if wanted("results"):
            # As the freeze_tallies timer would have done two minutes after the close.
            from voting import services as voting_services

            voting_services.tally_freeze(fair=closed_fair)
            results["results"] = drive(
                "pages",
                portal_url,
                "results",
                users=RESULTS_USERS,
                seconds=SECONDS + 5,
                paths=pages["results"],
            )
        if target:
            log(
                "challenge-on votes skipped: BENCH_TARGET is set (restart the stack with VOTING_CHALLENGE=always)"
            )
        elif wanted("challenge"):
            portal.stop()
            servers.remove(portal)
            challenged = Server(
                "fairportal-challenge", "fairportal.wsgi", fairportal_env(url, mail_dir, "always"), BASE_DIR
            )
            servers.append(challenged)
            challenged.wait("/ru/")
            results["vote_challenge"] = drive(
                "vote_solving", challenged.url, "vote_challenge", users=min(5, CHALLENGE_VOTERS), voter_base=10_000_000,
                seconds=SECONDS + 15, max_voters=str(CHALLENGE_VOTERS), projects=finalist_ids,
                mail_dir=str(mail_dir),
            )  # fmt: skip
    finally:
        for server in servers:
            server.stop()

    if wanted("tally"):
        log(f"timing voting.selectors.tally at {seeded['closed_fair_votes']} votes")
        results["tally"] = time_tally(closed_fair)
    receipts = results.get("vote", {}).get("receipts", []) + results.get("vote_challenge", {}).get(
        "receipts", []
    )
    results["database"] = check_database(voting_fair, vote_started, receipts)
    report.write(results, OUT_DIR)


def _ref_vote(host: str, session: str, csrf: str) -> dict:
    os.environ["BENCH_REF_SESSION"], os.environ["BENCH_REF_CSRF"] = session, csrf
    return drive("ref_vote", host, "ref_vote_full", users=PAGE_USERS, seconds=SECONDS)


if __name__ == "__main__":
    main()
