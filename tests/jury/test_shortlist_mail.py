"""A shortlist of many projects queues their e-mails; the admin request waits for no mail server."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from fairportal.models import OutgoingMail
from jury import services
from projects.models import ProjectState
from tests.factories.jury import JurorFactory
from tests.factories.projects import MembershipFactory
from tests.jury.conftest import submitted
from tests.test_outgoing_mail import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db

PROJECTS = 12


def test_a_long_shortlist_queues_one_mail_per_member_and_the_worker_sends_them(
    client, settings, review, criteria, nominations, organiser, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    juror = JurorFactory(review=review)
    projects = []
    for number in range(PROJECTS):
        project = submitted(review, nominations[0], f"Project {number}")
        MembershipFactory(organisation=project.organisation, user__email=f"ngo{number}@ngo.kz")
        services.evaluation_save(
            juror=juror, project=project, answers={c.pk: 5 for c in criteria}, comment=""
        )
        projects.append(project)
    client.force_login(organiser)
    with translation.override("en"):
        shortlist_url = reverse("admin:jury_review_shortlist", args=[review.pk])
    options = {"top_n": PROJECTS, "scope": "nomination", "ties": "include"}
    preview = client.get(shortlist_url, options).content.decode()
    expected = re.search(r'name="expected" value="([0-9,]+)"', preview).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(shortlist_url, {**options, "expected": expected, "apply": "1"})

    assert response.status_code == 302
    assert {p.__class__.objects.get(pk=p.pk).state for p in projects} == {ProjectState.FINALIST}
    assert mail.outbox == []  # not one SMTP session inside the request
    queued = OutgoingMail.objects.filter(template="projects/email/state_changed")
    assert queued.count() == PROJECTS
    assert set(queued.values_list("status", flat=True)) == {OutgoingMail.Status.QUEUED}

    run_worker()

    # Each member: the news of the state change, and the link to the jury's feedback.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [f"ngo{n}@ngo.kz" for n in range(PROJECTS)] * 2
    )
    assert set(queued.values_list("status", flat=True)) == {OutgoingMail.Status.SENT}
