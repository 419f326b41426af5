"""Benchmark: how fast the jury's ranking, its admin page, exports and shortlist preview are.

Reports figures; it asserts nothing. Run with `make bench`. It uses the catalogue benchmark's
database (seeded with `manage.py demo reset --only portal --scale N`), seats nine jurors on the
current demo fair's review and has each of them score every project on five criteria (a few "cannot assess"
and recusals), then times the ranking computation, the organisers' pages and the exports.

Times are in-process (Django's test client, no network). Absolute times drift on a shared
machine, so each figure is also given as a ratio to a trivial baseline measured in the same
run: `SELECT count(*)` over the same projects.

Environment: BENCH_SCALE (10: 2,150 ranked projects), BENCH_ROUNDS (20, for the ranking and
its pages), BENCH_EXPORT_ROUNDS (3, for the exports, which write every score).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.catalogue import bench_database_url, ensure_database  # noqa: E402

JURORS = 9


def build_review(fair):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from jury import services
    from jury.models import Evaluation, Juror, Recusal, Review, Score
    from jury.selectors import assigned_projects

    Review.objects.filter(fair=fair).delete()
    review = services.review_create(
        fair=fair, opens_at=fair.submission_closes_at, closes_at=fair.voting_opens_at
    )
    criteria = list(review.criteria.all())
    group = Group.objects.get(name="Jury")
    rng = random.Random(7)  # noqa: S311 - repeatable figures
    User = get_user_model()
    for number in range(JURORS):
        user, _created = User.objects.get_or_create(email=f"bench-juror{number}@example.kz")
        user.groups.add(group)
        juror = Juror.objects.create(review=review, user=user)
        projects = list(assigned_projects(juror))
        recused = {project.pk for project in rng.sample(projects, 3)}
        Recusal.objects.bulk_create(Recusal(juror=juror, project_id=pk, reason="bench") for pk in recused)
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(juror=juror, project=project) for project in projects if project.pk not in recused
        )
        Score.objects.bulk_create(
            Score(
                evaluation=evaluation,
                criterion=criterion,
                value=None if rng.random() < 0.03 else rng.randint(1, criterion.scale_max),
            )
            for evaluation in evaluations
            for criterion in criteria
        )
    return review


def timed(function, rounds: int) -> tuple[float, float]:
    timings = []
    for _round in range(rounds):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18]


def consume(response) -> int:
    """The whole body, as a browser would read it: a streamed export runs while it is read."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "20"))
    export_rounds = int(os.environ.get("BENCH_EXPORT_ROUNDS", "3"))
    url = bench_database_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from jury import exports, selectors, services
    from jury.models import Score
    from projects.models import Fair, Project

    call_command("migrate", verbosity=0)
    if Project.objects.count() < 250 * scale or not Fair.objects.filter(slug="demo-2026").exists():
        call_command(
            "demo", "reset", "--only", "portal", "--scale", str(scale), "--allow-without-debug", verbosity=0
        )
    setup_test_environment()
    fair = Fair.objects.get(slug="demo-2026")
    review = build_review(fair)
    print(
        f"projects ranked: {len(selectors.ranking(review))}, jurors: {JURORS}, "
        f"scores: {Score.objects.filter(evaluation__juror__review=review).count()}"
    )
    admin, _created = get_user_model().objects.get_or_create(
        email="bench-admin@example.kz", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    ranked = Project.objects.filter(fair=fair, state__in=selectors.RANKED_STATES)
    baseline, _p95 = timed(ranked.count, rounds * 5)
    print(f"baseline: SELECT count(*) over the {ranked.count()} ranked projects, median {baseline:.2f} ms")
    print(f"{'what':38} {'median ms':>10} {'p95 ms':>9} {'× base':>8} {'queries':>8}")

    def report(name, timings, queries=""):
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[18] if len(timings) > 1 else median
        print(f"{name:38} {median:10.1f} {p95:9.1f} {median / baseline:8.0f} {queries!s:>8}")

    for name, function in [
        ("ranking (selector)", lambda: selectors.ranking(review)),
        (
            "shortlist preview, 10 per nomination",
            lambda: services.shortlist_preview(
                review=review, top_n=10, per_nomination=True, include_ties=True
            ),
        ),
    ]:
        timings = []
        for _round in range(rounds):
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
        report(name, timings)
    pages = {
        "ranking page": (f"/ru/admin/jury/review/{review.pk}/ranking/", rounds),
        "ranking page, one nomination": (
            f"/ru/admin/jury/review/{review.pk}/ranking/?nomination={fair.nominations.first().pk}",
            rounds,
        ),
        "export CSV, every score (streamed)": (
            f"/ru/admin/jury/review/{review.pk}/ranking/export.csv",
            export_rounds,
        ),
        "export XLSX request (+ task, immediate)": (
            f"/ru/admin/jury/review/{review.pk}/ranking/export.xlsx",
            export_rounds,
        ),
        "projects export CSV, the fair (streamed)": (
            f"/ru/admin/projects/project/export/csv/?fair__id__exact={fair.pk}",
            export_rounds,
        ),
        "projects export XLSX, the fair": (
            f"/ru/admin/projects/project/export/xlsx/?fair__id__exact={fair.pk}",
            export_rounds,
        ),
    }
    with override_settings(DEBUG=True):  # DEBUG keeps connection.queries for the count
        for name, (path, page_rounds) in pages.items():
            consume(client.get(path))
            timings = []
            for _round in range(page_rounds):
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                consume(response)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code not in (200, 302):
                    raise SystemExit(f"{path} answered {response.status_code}")
            report(name, timings, len(connection.queries))
    if hasattr(exports, "export_job_run"):
        from jury.models import ExportJob

        timings = []
        for _round in range(export_rounds):
            job = ExportJob.objects.create(
                review=review, requested_by=admin, language="ru", download_name="b.xlsx"
            )
            started = time.perf_counter()
            exports.export_job_run(job_id=job.pk)
            timings.append((time.perf_counter() - started) * 1000)
            job.refresh_from_db()
            size = job.file.size
            job.file.delete(save=False)
            job.delete()
        report(f"XLSX task alone ({size // 1024} KiB)", timings)


if __name__ == "__main__":
    main()
