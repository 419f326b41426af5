"""Benchmark: how fast the jury's ranking, its admin page, export and shortlist preview are.

Reports figures; it asserts nothing. Run with `make bench`. It uses the catalogue benchmark's
database (seeded with `seed_demo --scale N`), seats nine jurors on the current demo fair's
review and has each of them score every project on five criteria (a few "cannot assess"
and recusals), then times the ranking computation and the organisers' pages.
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


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "20"))
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

    from jury import selectors, services
    from jury.models import Score
    from projects.models import Fair, Project

    call_command("migrate", verbosity=0)
    if Project.objects.count() < 250 * scale or not Fair.objects.filter(slug="demo-2026").exists():
        call_command("seed_demo", "--reset", "--scale", str(scale), "--allow-without-debug", verbosity=0)
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
    print(f"{'what':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, function in [
        ("ranking (selector)", lambda: selectors.ranking(review)),
        (
            "shortlist preview, 10 per nomination",
            lambda: services.shortlist_preview(
                review=review, top_n=10, per_nomination=True, include_ties=True
            ),
        ),
    ]:
        median, p95 = timed(function, rounds)
        print(f"{name:36} {median:10.1f} {p95:8.1f} {'':>8}")
    pages = {
        "ranking page": f"/ru/admin/jury/review/{review.pk}/ranking/",
        "ranking page, one nomination": f"/ru/admin/jury/review/{review.pk}/ranking/?nomination={fair.nominations.first().pk}",
        "export XLSX": f"/ru/admin/jury/review/{review.pk}/ranking/export.xlsx",
    }
    with override_settings(DEBUG=True):  # DEBUG keeps connection.queries for the count
        for name, path in pages.items():
            client.get(path)
            timings = []
            for _round in range(rounds):
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"{name:36} {statistics.median(timings):10.1f} {p95:8.1f} {len(connection.queries):8d}")


if __name__ == "__main__":
    main()
