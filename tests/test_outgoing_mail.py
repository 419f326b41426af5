"""Every e-mail is queued in the action's transaction, sent by a task, retried, and recorded."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts import services as accounts_services
from fairportal.mail import queue_to_users
from fairportal.models import OutgoingMail
from fairportal.tasks import send_outgoing_mail
from projects import services as projects_services
from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def run_worker() -> None:
    """What `manage.py db_worker --batch` does, until nothing is ready to run.

    Its own loop, not the command: the command closes the connection between tasks, which
    would end the test's transaction. Each task still runs through the worker's `run_task`.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while True:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is None:
                return
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)


def sign_up(email: str = "new@ngo.kz"):
    return accounts_services.user_sign_up(
        email=email, password="long-enough-pass-9", full_name="New NGO", language="ru"
    )


def test_a_sent_mail_is_recorded_in_the_recipients_language_without_its_token(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up()

    (message,) = mail.outbox
    assert message.to == ["new@ngo.kz"]
    assert "/ru/" in message.body  # the new user's language
    record = OutgoingMail.objects.get()
    assert (record.recipient, record.language, record.status, record.attempts) == (
        "new@ngo.kz",
        "ru",
        OutgoingMail.Status.SENT,
        1,
    )
    assert record.template == "accounts/email/confirm"
    assert record.subject == message.subject
    assert record.sent_at is not None
    # The link works, and its token rests nowhere: made by the task at sending time.
    link = re.search(r"/ru/account/\S+", message.body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in json.dumps(record.context)
    assert accounts_services.user_confirm_email(user=user, token=token)


@transaction.atomic
def sign_up_then_fail() -> None:
    sign_up()
    raise RuntimeError("something later in the same action failed")


def test_a_rolled_back_action_mails_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        sign_up_then_fail()

    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


def test_the_request_only_queues_and_the_worker_sends(client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    UserFactory(email="fund@ngo.kz", email_confirmed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("accounts:password_reset"), {"email": "fund@ngo.kz"})

    assert response.status_code == 302
    assert mail.outbox == []  # the request opened no SMTP connection
    record = OutgoingMail.objects.get()
    assert record.status == OutgoingMail.Status.QUEUED
    assert DBTaskResult.objects.count() == 1

    run_worker()

    (message,) = mail.outbox
    assert message.to == ["fund@ngo.kz"]
    record.refresh_from_db()
    assert record.status == OutgoingMail.Status.SENT
    token = re.search(r"/en/account/password/reset/\S+", message.body).group(0).rstrip("/").rsplit("/", 1)[1]
    assert token not in json.dumps(record.context)
    assert token not in json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))


def test_a_failing_mail_server_is_retried_later_then_the_mail_is_marked_failed(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableSMTPBackend"
    settings.MAIL_SEND_ATTEMPTS = 3
    settings.MAIL_RETRY_SECONDS = 60

    with django_capture_on_commit_callbacks(execute=True):
        sign_up()
    before = timezone.now()
    run_worker()

    record = OutgoingMail.objects.get()
    assert (record.status, record.attempts) == (OutgoingMail.Status.QUEUED, 1)
    assert record.last_error == "SMTPConnectError: (421, 'mail.example.kz: service not available')"
    retry = DBTaskResult.objects.order_by("enqueued_at").last()
    assert retry.run_after >= before + timedelta(seconds=60)  # not hammering the server

    # Later: the retries come due (here: at once), and the last one gives up.
    settings.MAIL_RETRY_SECONDS = 0
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMail.Status.FAILED, 3)
    assert "SMTPConnectError" in record.last_error
    assert DBTaskResult.objects.count() == 3  # one task per attempt
    assert mail.outbox == []


def test_with_the_immediate_backend_retries_run_at_once(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableSMTPBackend"
    settings.MAIL_SEND_ATTEMPTS = 2

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up()

    record = OutgoingMail.objects.get()
    assert (record.status, record.attempts) == (OutgoingMail.Status.FAILED, 2)
    assert user.pk  # the sign-up itself stands


def test_a_project_state_change_queues_one_mail_per_member(organiser, django_capture_on_commit_callbacks):
    project = ProjectFactory(state=ProjectState.SUBMITTED, submitted_at=timezone.now())
    MembershipFactory(organisation=project.organisation, user__email="a@ngo.kz", user__language="kk")
    MembershipFactory(organisation=project.organisation, user__email="b@ngo.kz", user__language="en")

    with django_capture_on_commit_callbacks(execute=True):
        projects_services.project_mark_finalist(project=project, actor=organiser)

    sent = dict(OutgoingMail.objects.values_list("recipient", "language"))
    assert sent == {"a@ngo.kz": "kk", "b@ngo.kz": "en"}
    assert sorted(message.to[0] for message in mail.outbox) == ["a@ngo.kz", "b@ngo.kz"]


def test_organisers_see_failed_mail_in_a_read_only_list(client, organiser):
    OutgoingMail.objects.create(
        template="projects/email/state_changed",
        recipient="lost@ngo.kz",
        language="kk",
        status=OutgoingMail.Status.FAILED,
        attempts=5,
        last_error="SMTPConnectError: (421, 'busy')",
    )
    OutgoingMail.objects.create(
        template="accounts/email/confirm",
        recipient="fine@ngo.kz",
        language="ru",
        status=OutgoingMail.Status.SENT,
    )
    client.force_login(organiser)

    changelist = en("admin:fairportal_outgoingmail_changelist")
    failed = client.get(changelist, {"status__exact": "failed"})
    assert failed.status_code == 200
    html = failed.content.decode()
    assert "lost@ngo.kz" in html
    assert "SMTPConnectError" in html
    assert "fine@ngo.kz" not in html
    assert client.get(en("admin:fairportal_outgoingmail_add")).status_code == 403
    record = OutgoingMail.objects.get(recipient="lost@ngo.kz")
    client.post(en("admin:fairportal_outgoingmail_change", record.pk), {"recipient": "other@ngo.kz"})
    record.refresh_from_db()
    assert record.recipient == "lost@ngo.kz"
    with translation.override("ru"):
        in_russian = client.get(reverse("admin:fairportal_outgoingmail_changelist")).content.decode()
    assert "Исходящие письма" in in_russian


def test_old_records_are_purged_but_queued_mail_is_kept():
    old = timezone.now() - timedelta(days=100)
    for status in OutgoingMail.Status.values:
        OutgoingMail.objects.create(
            template="accounts/email/confirm",
            recipient=f"{status}@ngo.kz",
            language="kk",
            status=status,
            created_at=old,
        )
    OutgoingMail.objects.create(template="accounts/email/confirm", recipient="recent@ngo.kz", language="kk")

    out = StringIO()
    call_command("purge_outgoing_mail", dry_run=True, stdout=out)
    assert "Would delete 2 outgoing e-mail record(s)" in out.getvalue()
    assert OutgoingMail.objects.count() == 4

    call_command("purge_outgoing_mail", stdout=StringIO())
    assert sorted(OutgoingMail.objects.values_list("recipient", flat=True)) == [
        "queued@ngo.kz",
        "recent@ngo.kz",
    ]


def test_a_message_whose_subject_is_gone_is_marked_failed_not_retried():
    project = ProjectFactory(state=ProjectState.SUBMITTED, submitted_at=timezone.now())
    member = MembershipFactory(organisation=project.organisation, user__email="a@ngo.kz").user
    with transaction.atomic():
        queue_to_users(
            template_prefix="projects/email/state_changed", context={"project": project}, users=[member]
        )
        project.delete()  # deleted in the same moment, before the worker got to it

    send_outgoing_mail.call(OutgoingMail.objects.get().pk)

    record = OutgoingMail.objects.get()
    assert (record.status, record.attempts) == (OutgoingMail.Status.FAILED, 1)
    assert "no longer exists" in record.last_error
    assert mail.outbox == []


def test_a_mail_row_cannot_name_any_function_as_its_attachments_maker(settings):
    """The row holds a dotted path that the task imports and calls: only the makers the settings
    list may run, so a row written by anything else (a bug, a restored dump) calls nothing."""
    user = UserFactory(email="ngo@ngo.kz")
    row = OutgoingMail.objects.create(
        template="accounts/email/confirm",
        recipient=user.email,
        language="kk",
        context={},
        attachments=[{"maker": "django.core.management.call_command", "of": "flush"}],
    )

    with pytest.raises(ValueError, match="not an allowed mail maker"):
        send_outgoing_mail.call(row.pk)

    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
    assert not mail.outbox
    assert "presentations.ics.slot_attachment" in settings.MAIL_MAKERS


def test_a_mail_row_cannot_name_any_function_for_a_derived_value():
    row = OutgoingMail.objects.create(
        template="accounts/email/confirm",
        recipient="ngo@ngo.kz",
        language="kk",
        context={"token": {"__derived__": "django.core.management.call_command", "of": "flush"}},
    )

    with pytest.raises(ValueError, match="not an allowed mail maker"):
        send_outgoing_mail.call(row.pk)
    assert not mail.outbox
