"""The ranking's exports: the CSV streams its rows, the XLSX is written by a task whose
progress and file only the organiser who asked can see."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jury import exports, services
from jury.models import ExportJob
from tests.factories.accounts import UserFactory, make_organiser
from tests.factories.jury import JurorFactory, score
from tests.jury.conftest import submitted

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def read_csv(response) -> list[list[str]]:
    assert response.streaming  # rows are sent as they are read, never built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )


@pytest.fixture
def scored(review, criteria, projects):
    """Two jurors on the workshop, one on the club, one recusal on clean air."""
    first = JurorFactory(review=review, user__full_name="Бірінші Сарапшы")
    second = JurorFactory(review=review, user__full_name="Екінші Сарапшы")
    score(first, projects[0], criteria, 8, 6, 4, comment="Strong")
    score(second, projects[0], criteria, 6, None, 5)
    score(first, projects[1], criteria, 9, 9, 5)
    services.recusal_declare(juror=second, project=projects[2], reason="My sister works there")
    return first, second


# ---------------------------------------------------------------- CSV


def test_the_csv_streams_one_row_per_juror_in_ranking_order(client, review, projects, scored, organiser):
    client.force_login(organiser)

    header, *rows = read_csv(client.get(url("admin:jury_review_export", review.pk, "csv")))

    assert header[8:] == [
        "Juror",
        "Juror's mark (1–10)",
        *(f"{criterion.title} (1–{criterion.scale_max})" for criterion in review.criteria.all()),
        "Comment",
        "Conflict of interest",
    ]
    # The club (9.25) ranks first, then the workshop (709/96 ≈ 7.39) with both its jurors.
    assert [(row[0], row[2], row[8], row[9]) for row in rows] == [
        ("1", "Sign language club", "Бірінші Сарапшы", "9.25"),
        ("2", "Inclusive workshop", "Бірінші Сарапшы", "7.44"),
        ("2", "Inclusive workshop", "Екінші Сарапшы", "7.33"),
        ("", "Clean air", "Екінші Сарапшы", ""),
    ]
    assert rows[1][10:14] == ["8", "6", "4", "Strong"]
    assert rows[2][11] == "cannot assess"
    assert rows[3][-1] == "My sister works there"


def test_the_csv_of_one_nomination_holds_only_its_projects(
    client, review, projects, scored, nominations, organiser
):
    client.force_login(organiser)

    response = client.get(
        url("admin:jury_review_export", review.pk, "csv") + f"?nomination={nominations[1].pk}"
    )

    assert {row[2] for row in read_csv(response)[1:]} == {"Clean air"}


def test_the_csv_takes_as_many_queries_for_thirty_projects_as_for_three(
    client, review, criteria, nominations, organiser, django_assert_max_num_queries
):
    jurors = [JurorFactory(review=review) for _ in range(3)]

    def add(count):
        for index in range(count):
            project = submitted(review, nominations[index % 2], f"P{count}-{index}")
            for juror in jurors:
                score(juror, project, criteria, 1 + index % 10, 5, 3)

    client.force_login(organiser)
    add(3)
    export = url("admin:jury_review_export", review.pk, "csv")
    read_csv(client.get(export))  # sessions and permissions warmed up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        assert len(read_csv(client.get(export))) == 1 + 9
    add(27)
    with django_assert_max_num_queries(len(three)):
        assert len(read_csv(client.get(export))) == 1 + 90


def test_the_csv_is_refused_without_the_ranking_permission(client, review, scored):
    staff = UserFactory(is_staff=True)
    export = url("admin:jury_review_export", review.pk, "csv")

    assert client.get(export).status_code == 302  # to the admin's login
    client.force_login(staff)
    assert client.get(export).status_code == 403


# ---------------------------------------------------------------- XLSX, written by a task


def start_xlsx(client, review, django_capture_on_commit_callbacks, query=""):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("admin:jury_review_export", review.pk, "xlsx") + query)
    assert response.status_code == 302
    return response["Location"]


def test_the_workbook_is_written_by_a_task_and_downloaded_by_the_requester(
    client, review, projects, scored, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    progress_url = start_xlsx(client, review, django_capture_on_commit_callbacks)
    page = client.get(progress_url).content.decode()

    job = ExportJob.objects.get()
    assert (job.state, job.projects_done, job.projects_total) == (ExportJob.State.DONE, 3, 3)
    assert job.requested_by == organiser
    assert job.file.name.startswith("private/jury-exports/")
    assert "The workbook is ready." in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    download = client.get(re.search(r'href="([^"]+/download/)"', page).group(1))
    assert download.streaming
    assert download["Content-Disposition"].startswith(f'attachment; filename="jury-{review.fair.slug}-')
    assert "no-store" in download["Cache-Control"]
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ranking = list(workbook["Ranking"].iter_rows(values_only=True))
    assert [row[3] for row in ranking[1:]] == ["Sign language club", "Inclusive workshop", "Clean air"]
    assert ranking[1][7] == 9.25
    scores = list(workbook["Scores"].iter_rows(values_only=True))
    assert [(row[2], row[8]) for row in scores[1:]] == [
        ("Sign language club", "Бірінші Сарапшы"),
        ("Inclusive workshop", "Бірінші Сарапшы"),
        ("Inclusive workshop", "Екінші Сарапшы"),
        ("Clean air", "Екінші Сарапшы"),
    ]


def test_the_workbook_is_written_in_the_requesters_language(
    client, review, projects, scored, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("admin:jury_review_export", review.pk, "xlsx", language="ru"))

    job = ExportJob.objects.get()
    with job.file.open("rb") as file:
        workbook = load_workbook(file)
    assert job.language == "ru"
    assert workbook.sheetnames == ["Рейтинг", "Оценки"]


def test_another_organiser_cannot_see_the_progress_or_the_file(
    client, review, projects, scored, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    progress_url = start_xlsx(client, review, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    download_url = url("admin:jury_review_export_download", review.pk, job.pk)

    client.force_login(make_organiser("colleague@fair.kz"))  # may see the ranking, did not ask for this file

    assert client.get(progress_url).status_code == 404
    assert client.get(download_url).status_code == 404
    # Nor through the uploads' URL, whatever the name.
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_the_file_is_refused_once_the_requester_loses_the_ranking_permission(
    client, review, projects, scored, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    start_xlsx(client, review, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()

    organiser.groups.clear()

    assert client.get(url("admin:jury_review_export_download", review.pk, job.pk)).status_code in (302, 404)


def test_a_job_of_another_review_is_not_found_under_this_one(
    client, review, projects, scored, organiser, django_capture_on_commit_callbacks
):
    from tests.factories.jury import ReviewFactory

    client.force_login(organiser)
    start_xlsx(client, review, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()

    other = ReviewFactory()
    assert client.get(url("admin:jury_review_export_download", other.pk, job.pk)).status_code == 404


def test_the_progress_page_shows_how_far_the_task_is_and_refreshes_itself(client, review, organiser):
    job = ExportJob.objects.create(
        review=review,
        requested_by=organiser,
        language="en",
        state=ExportJob.State.RUNNING,
        projects_done=1200,
        projects_total=2150,
        download_name="jury.xlsx",
    )
    client.force_login(organiser)

    page = client.get(url("admin:jury_review_export_progress", review.pk, job.pk)).content.decode()

    assert '<progress id="export-progress" max="2150" value="1200">' in page
    assert '<label for="export-progress">' in page
    assert "1200 of 2150 projects written." in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "/download/" not in page
    # The file cannot be fetched before it is written.
    assert client.get(url("admin:jury_review_export_download", review.pk, job.pk)).status_code == 404


def test_asking_again_while_the_workbook_is_written_reuses_that_export(client, review, organiser):
    running = ExportJob.objects.create(
        review=review, requested_by=organiser, language="en", state=ExportJob.State.RUNNING, download_name="a"
    )
    client.force_login(organiser)

    response = client.get(url("admin:jury_review_export", review.pk, "xlsx"))

    assert response["Location"] == url("admin:jury_review_export_progress", review.pk, running.pk)
    assert ExportJob.objects.count() == 1


def test_a_failed_export_says_so_and_offers_to_try_again(client, review, organiser):
    job = ExportJob.objects.create(
        review=review, requested_by=organiser, language="en", state=ExportJob.State.FAILED, download_name="a"
    )
    client.force_login(organiser)

    page = client.get(url("admin:jury_review_export_progress", review.pk, job.pk)).content.decode()

    assert "could not be written" in page
    assert url("admin:jury_review_export", review.pk, "xlsx") in page


def test_files_older_than_a_day_are_deleted_when_the_next_export_starts(review, organiser):
    old = ExportJob.objects.create(
        review=review, requested_by=organiser, language="en", state=ExportJob.State.DONE, download_name="old"
    )
    old.file.save("old.xlsx", ContentFile(b"PK old"), save=True)
    stored = old.file.path
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    new = exports.export_job_start(review=review, nomination=None, user=organiser)

    assert list(ExportJob.objects.all()) == [new]
    import os

    assert not os.path.exists(stored)


def test_a_task_delivered_twice_writes_the_workbook_once(review, projects, scored, organiser):
    job = ExportJob.objects.create(
        review=review, requested_by=organiser, language="en", download_name="a.xlsx"
    )

    exports.export_job_run(job_id=job.pk)
    first = ExportJob.objects.get(pk=job.pk).file.name
    exports.export_job_run(job_id=job.pk)

    assert ExportJob.objects.get(pk=job.pk).file.name == first
