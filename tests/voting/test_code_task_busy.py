"""The voting-code task meeting a code row held elsewhere tries again shortly, as the same attempt.

Real concurrent connections: a thread holds the code row (as a verification in progress does).
"""

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.race import row_held
from voting import services
from voting.tasks import send_vote_code

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("short_lock_timeout"),
]


def test_a_held_code_row_defers_the_send_instead_of_failing_it(settings, finalist):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    code = services.vote_request_code(
        project=finalist, address="voter@example.kz", ip="203.0.113.5", language="kk"
    )
    DBTaskResult.objects.all().delete()  # the task the request queued; run by hand below

    with row_held(code):
        send_vote_code.call(code.pk)

    assert mail.outbox == []
    code.refresh_from_db()
    assert code.address == "voter@example.kz"  # kept for the next try
    (again,) = DBTaskResult.objects.all()
    assert again.run_after > timezone.now()
    assert again.task_result.args == [code.pk, 1]  # the same attempt, not a failed one

    send_vote_code.call(code.pk, 1)

    assert [message.to for message in mail.outbox] == [["voter@example.kz"]]
    code.refresh_from_db()
    assert code.address == ""
