"""Work of the jury done outside the request: the ranking workbook of a whole fair."""

from django_tasks import task

from jury import exports


@task()
def build_ranking_workbook(job_id: int) -> None:
    exports.export_job_run(job_id=job_id)
