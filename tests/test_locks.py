"""A row held by someone else makes the next writer give up after LOCK_TIMEOUT_MS, politely.

Real concurrent connections: a thread holds the row lock in its own transaction while the
test, on another connection, tries to change the same row.
"""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fairportal.locks import Busy
from projects import services
from projects.models import ProjectState
from tests.factories.projects import MembershipFactory, ProjectFactory
from tests.race import row_held

# serialized_rollback: the groups and regions the migrations made are back for the next test.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("short_lock_timeout"),
]


@pytest.fixture
def project():
    return ProjectFactory(state=ProjectState.SUBMITTED, submitted_at=timezone.now(), title="Clean air")


def test_a_service_gives_up_with_busy_while_another_transaction_holds_the_row(settings, organiser, project):
    with row_held(project), pytest.raises(Busy) as raised:
        services.project_mark_finalist(project=project, actor=organiser)

    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    with translation.override("ru"):
        assert str(raised.value) == "Это сейчас меняет кто-то другой. Пожалуйста, повторите через минуту."


def test_once_the_row_is_free_the_same_action_succeeds(settings, organiser, project):
    with row_held(project), pytest.raises(Busy):
        services.project_mark_finalist(project=project, actor=organiser)

    services.project_mark_finalist(project=project, actor=organiser)

    project.refresh_from_db()
    assert project.state == ProjectState.FINALIST


def test_an_admin_action_on_a_held_project_says_so_and_changes_the_others(
    client, settings, organiser, project
):
    other = ProjectFactory(state=ProjectState.SUBMITTED, submitted_at=timezone.now(), title="Sign club")
    client.force_login(organiser)
    with translation.override("en"):
        url = reverse("admin:projects_project_changelist")

    with row_held(project):
        response = client.post(
            url,
            {"action": "mark_finalist", "_selected_action": [project.pk, other.pk], "index": 0},
            follow=True,
        )

    html = response.content.decode()
    assert "“Clean air” was not changed: This is being changed by someone else right now." in html
    assert "1 project was marked as a finalist." in html
    project.refresh_from_db()
    other.refresh_from_db()
    assert (project.state, other.state) == (ProjectState.SUBMITTED, ProjectState.FINALIST)


def test_a_page_that_meets_a_held_row_answers_503_with_retry_after(client, settings):
    """The fallback for views that do not handle Busy themselves: a translated page, no 500."""
    project = ProjectFactory(state=ProjectState.DRAFT)
    member = MembershipFactory(organisation=project.organisation, user__language="kk")
    client.force_login(member.user)
    with translation.override("kk"):
        url = reverse("projects:project_submit", kwargs={"pk": project.pk})

    with row_held(project):
        response = client.post(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Бұл қазір басқа біреу өзгертіп жатыр." in html
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT
