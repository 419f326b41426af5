"""The load benchmark's data: 5,000 public finalists in a fair open for voting, and 1,000,000
votes in a closed fair for its results page — in a database of its own, never the developer's.

    python -m bench.load.seed            # reuse what is there, top up what is missing
    python -m bench.load.seed --reseed   # drop the benchmark database and build it again

The base is `manage.py demo reset --only portal --scale 1` (organisations, nominations, pictures,
the three demo fairs); the rest is plain SQL (`INSERT … SELECT generate_series`), because creating a million rows
through the ORM one by one would take longer than the whole benchmark. Every row is one the
models accept: finalists with the source project's nomination, spheres and pictures; votes with
a unique receipt in the receipt alphabet and a unique voter digest per (fair, scope).
"""

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

VOTING_FAIR = "demo-2026"  # the demo's fair in its voting phase (demo.fairs)
CLOSED_FAIR = "demo-2025"  # the demo's archived fair: voting closed, results visible
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "5000"))
VOTES = int(os.environ.get("BENCH_VOTES", "1000000"))


def database_url() -> str:
    """BENCH_LOAD_DATABASE_URL, else `fairportal_load` on the embedded server (not the
    developer's `fairportal`, nor `fairportal_bench` which bench/catalogue.py reseeds)."""
    from fairportal import embedded_db

    if url := os.environ.get("BENCH_LOAD_DATABASE_URL"):
        return url
    settings = embedded_db.database_settings()
    return f"postgres://postgres@/fairportal_load?host={settings['HOST']}&port={settings['PORT']}"


def _server_and_name(url: str):
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    return params, params.pop("dbname")


def ensure_database(url: str, *, drop: bool = False) -> None:
    import psycopg

    params, name = _server_and_name(url)
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # The harness seeds a million rows and times the tally: a command, not a web request, so
    # without the web's statement timeout (the servers it starts drop this marker again).
    os.environ["FAIRPORTAL_MANAGEMENT_COMMAND"] = "1"
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")
    import django

    django.setup()


def _project_columns(cursor) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'projects_project' "
        "AND column_name NOT IN ('id', 'search_vector') AND is_generated = 'NEVER' ORDER BY ordinal_position"
    )
    return [row[0] for row in cursor.fetchall()]


def top_up_projects(fair, target: int, log) -> int:
    """Clone the fair's finalists (with spheres and pictures) until it shows `target` projects."""
    from django.db import connection, transaction

    from projects.models import Project, ProjectState

    missing = target - Project.objects.public().filter(fair=fair).count()
    if missing <= 0:
        return 0
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = _project_columns(cursor)
        cursor.execute(
            "CREATE TEMP TABLE bench_clone ON COMMIT DROP AS "
            "SELECT nextval(pg_get_serial_sequence('projects_project', 'id')) AS new_id, "
            "src.id AS src_id, g FROM generate_series(1, %s) g "
            "JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS n "
            "FROM projects_project WHERE fair_id = %s AND state = %s) src ON src.i = g %% src.n",
            [missing, fair.pk, ProjectState.FINALIST],
        )
        values = [
            "%s" if c == "state" else "left(p.title, 180) || ' · ' || m.g" if c == "title" else f"p.{c}"
            for c in columns
        ]
        cursor.execute(
            f"INSERT INTO projects_project (id, {', '.join(columns)}) "  # noqa: S608 - our own column names
            f"SELECT m.new_id, {', '.join(values)} FROM bench_clone m JOIN projects_project p ON p.id = m.src_id",
            [ProjectState.FINALIST],
        )
        cursor.execute(
            "INSERT INTO projects_project_spheres (project_id, sphere_id) "
            "SELECT m.new_id, s.sphere_id FROM bench_clone m JOIN projects_project_spheres s ON s.project_id = m.src_id"
        )
        cursor.execute(
            "INSERT INTO projects_projectimage (project_id, image, thumbnail, width, height, alt_text, position, created_at) "
            "SELECT m.new_id, i.image, i.thumbnail, i.width, i.height, i.alt_text, i.position, i.created_at "
            "FROM bench_clone m JOIN projects_projectimage i ON i.project_id = m.src_id"
        )
    log(f"  + {missing} finalists cloned in {time.monotonic() - started:.1f} s")
    return missing


def top_up_votes(fair, target: int, log) -> int:
    """Valid votes spread over the closed fair's finalists, until it has `target`."""
    from django.db import connection, transaction

    from projects.models import ProjectState
    from voting.models import Vote

    have = Vote.objects.filter(fair=fair).count()
    missing = target - have
    if missing <= 0:
        return 0
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # Receipts "BNCH-XXXX-XXXX" (the 8 letters encode the row number in 16 letters of the
        # receipt alphabet) never collide with each other nor, in practice, with real ones.
        cursor.execute(
            "INSERT INTO voting_vote (fair_id, project_id, nomination_id, scope, voter_digest, voter_masked, "
            "email_domain, channel, ip_digest, network, receipt, created_at, invalidation_reason) "
            "SELECT %(fair)s, p.id, p.nomination_id, '', encode(sha256(('bench-voter-' || g)::bytea), 'hex'), "
            "'b***@mail.ru', 'mail.ru', 'email', encode(sha256(('bench-ip-' || (g %% 50000))::bytea), 'hex'), "
            "'198.51.' || (g %% 200) || '.0/24', "
            "'BNCH-' || substr(r, 1, 4) || '-' || substr(r, 5, 4), "
            "f.voting_opens_at + (f.voting_closes_at - f.voting_opens_at) * ((g %% 997) / 997.0), '' "
            "FROM generate_series(%(first)s, %(last)s) g "
            "CROSS JOIN LATERAL (SELECT translate(lpad(to_hex(g), 8, '0'), '0123456789abcdef', "
            "'ABCDEFGHJKLMNPQR') AS r) receipt "
            "JOIN (SELECT id, nomination_id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS n "
            "FROM projects_project WHERE fair_id = %(fair)s AND state = %(state)s) p "
            # Uneven on purpose (g·g mod n), so the results page has a ranking to show.
            "ON p.i = ((g::bigint * g) %% p.n) "
            "JOIN projects_fair f ON f.id = %(fair)s",
            {"fair": fair.pk, "first": have + 1, "last": target, "state": ProjectState.FINALIST},
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE voting_vote")
    log(f"  + {missing} votes inserted in {time.monotonic() - started:.1f} s")
    return missing


def keep_voting_open(fair) -> None:
    """A seed reused weeks later must still be in its voting phase."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    if fair.voting_closes_at < now + timedelta(days=1) or fair.voting_opens_at > now:
        type(fair).objects.filter(pk=fair.pk).update(
            voting_opens_at=min(fair.voting_opens_at, now - timedelta(days=1)),
            voting_closes_at=now + timedelta(days=7),
        )


def seed(*, reseed: bool = False, log=print) -> dict:
    """Build or reuse the benchmark data; returns what it did (for the report)."""
    url = database_url()
    ensure_database(url, drop=reseed)
    setup_django(url)
    from django.core.management import call_command

    from projects.models import Fair, Project

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if Fair.objects.filter(slug__in=[VOTING_FAIR, CLOSED_FAIR]).count() != 2:
        log("  demo reset --only portal --scale 1 (the base: organisations, nominations, pictures)")
        call_command(
            "demo", "reset", "--only", "portal", "--scale", "1", "--allow-without-debug", verbosity=0
        )
    voting_fair = Fair.objects.get(slug=VOTING_FAIR)
    closed_fair = Fair.objects.get(slug=CLOSED_FAIR)
    keep_voting_open(voting_fair)
    cloned = top_up_projects(voting_fair, PROJECTS, log)
    inserted = top_up_votes(closed_fair, VOTES, log)
    return {
        "database": url.split("?")[0],
        "seconds": round(time.monotonic() - started, 1),
        "reused": not (cloned or inserted),
        "voting_fair": VOTING_FAIR,
        "closed_fair": CLOSED_FAIR,
        "public_projects": Project.objects.public().filter(fair=voting_fair).count(),
        "closed_fair_votes": closed_fair.votes.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database and rebuild it")
    args = parser.parse_args()
    print(seed(reseed=args.reseed))


if __name__ == "__main__":
    main()
