"""Benchmark: how fast the public catalogue, search and project pages render at scale.

Reports figures; it asserts nothing. Run with `make bench` (or `BENCH_SCALE=20 make bench`).
It uses its own database (fairportal_bench on the embedded server unless BENCH_DATABASE_URL
is set), seeds it with `manage.py demo reset --only portal --scale N` once, then requests each
page repeatedly through Django's test client (no network), printing median and 95th-percentile
times and the number of SQL queries per page.

Pages are rendered with the page cache off (PAGE_CACHE_SECONDS=0): what a first visit after a
change costs. Anonymous visitors otherwise get the stored page (the load benchmark measures that).
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def bench_database_url() -> str:
    from fairportal import embedded_db

    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    settings = embedded_db.database_settings()
    return f"postgres://postgres@/fairportal_bench?host={settings['HOST']}&port={settings['PORT']}"


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "30"))
    url = bench_database_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from projects.models import Fair, Project

    call_command("migrate", verbosity=0)
    if Project.objects.count() < 250 * scale or not Fair.objects.filter(slug="demo-2026").exists():
        call_command(
            "demo", "reset", "--only", "portal", "--scale", str(scale), "--allow-without-debug", verbosity=0
        )
    setup_test_environment()
    fair = Fair.objects.get(slug="demo-2026")
    project = Project.objects.public().filter(fair=fair).first()
    nomination = fair.nominations.first()
    pages = {
        "home": "/ru/",
        "catalogue": f"/ru/fairs/{fair.slug}/projects/",
        "catalogue page 5": f"/ru/fairs/{fair.slug}/projects/?page=5",
        "filter nomination+sort": f"/ru/fairs/{fair.slug}/projects/?nomination={nomination.pk}&sort=title",
        "search ru (stemmed)": f"/ru/fairs/{fair.slug}/projects/?q=проекты+для+детей",
        "search kk (prefix)": f"/kk/fairs/{fair.slug}/projects/?q=қамқ",
        "project page": f"/ru/projects/{project.pk}/",
        "fair page": f"/ru/fairs/{fair.slug}/",
        "sitemap projects": "/sitemap-projects.xml",
    }
    client = Client()
    print(f"projects in the database: {Project.objects.count()}, public: {Project.objects.public().count()}")
    print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    with override_settings(DEBUG=True):  # DEBUG keeps connection.queries for the count
        for name, path in pages.items():
            client.get(path)  # warm caches and connections
            timings = []
            for _round in range(rounds):
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            queries = len(connection.queries)
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"{name:28} {statistics.median(timings):10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
