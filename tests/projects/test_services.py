from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from projects import selectors, services
from projects.models import Invitation, Membership, Project, ProjectState, ProjectStateChange
from tests.factories.accounts import UserFactory
from tests.factories.projects import MembershipFactory, ProjectFactory, jpeg_upload
from tests.race import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = ProjectFactory()
    MembershipFactory(
        organisation=project.organisation, user=UserFactory(language="kk", email="owner@ngo.kz")
    )
    MembershipFactory(
        organisation=project.organisation,
        user=UserFactory(language="ru", email="member@ngo.kz"),
        role="member",
    )
    return project


def owner(project):
    return project.organisation.members.get(email="owner@ngo.kz")


def test_submission_needs_a_complete_project(project):
    project.summary = ""
    project.save()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.project_submit(project=project, user=owner(project))

    message = " ".join(error.value.messages)
    assert "summary" in message
    assert "at least one image" in message
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT


def test_submit_records_history_and_mails_every_member_in_their_language(
    project, django_capture_on_commit_callbacks
):
    services.project_add_image(project=project, user=owner(project), upload=jpeg_upload(), alt_text="Сабақ")

    with django_capture_on_commit_callbacks(execute=True):
        change = services.project_submit(project=project, user=owner(project))

    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    assert (change.from_state, change.to_state, change.actor) == ("draft", "submitted", owner(project))
    recipients = {message.to[0]: message for message in mail.outbox}
    assert set(recipients) == {"owner@ngo.kz", "member@ngo.kz"}
    assert f"/kk/ngo/projects/{project.pk}/" in recipients["owner@ngo.kz"].body
    assert f"/ru/ngo/projects/{project.pk}/" in recipients["member@ngo.kz"].body


def test_organiser_returns_a_project_with_a_message_and_the_ngo_can_resubmit(
    project, superuser, django_capture_on_commit_callbacks
):
    project.state = ProjectState.SUBMITTED
    project.save()

    with pytest.raises(ValidationError):
        services.project_return_for_changes(project=project, actor=superuser, message="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.project_return_for_changes(
            project=project, actor=superuser, message="Add the budget breakdown."
        )

    project.refresh_from_db()
    assert project.state == ProjectState.RETURNED
    assert project.state_changes.get().note == "Add the budget breakdown."
    assert all("Add the budget breakdown." in message.body for message in mail.outbox)
    services.project_add_image(project=project, user=owner(project), upload=jpeg_upload(), alt_text="Сабақ")
    services.project_submit(project=project, user=owner(project))
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


@pytest.mark.parametrize(
    ("start", "action", "allowed"),
    [
        (ProjectState.SUBMITTED, services.project_mark_finalist, True),
        (ProjectState.SUBMITTED, services.project_mark_not_selected, True),
        (ProjectState.NOT_SELECTED, services.project_mark_finalist, True),
        (ProjectState.DRAFT, services.project_mark_finalist, False),
        (ProjectState.WITHDRAWN, services.project_mark_not_selected, False),
        (ProjectState.FINALIST, services.project_mark_finalist, False),
    ],
)
def test_organiser_transitions(project, superuser, start, action, allowed):
    project.state = start
    project.save()

    if allowed:
        action(project=project, actor=superuser)
        assert ProjectStateChange.objects.filter(project=project, from_state=start).exists()
    else:
        with pytest.raises(services.TransitionNotAllowed):
            action(project=project, actor=superuser)
        project.refresh_from_db()
        assert project.state == start
        assert not ProjectStateChange.objects.exists()


def test_ngo_members_cannot_make_organiser_decisions(project):
    project.state = ProjectState.SUBMITTED
    project.save()

    with pytest.raises(PermissionDenied):
        services.project_mark_finalist(project=project, actor=owner(project))


def test_changes_after_the_deadline_are_refused_by_the_service_itself(project):
    later = project.fair.submission_closes_at + timedelta(seconds=1)

    with pytest.raises(PermissionDenied):
        services.project_update(project=project, user=owner(project), data={"title": "Late"}, now=later)
    with pytest.raises(PermissionDenied):
        services.project_add_image(
            project=project, user=owner(project), upload=jpeg_upload(), alt_text="Late", now=later
        )


def test_nomination_must_belong_to_the_projects_fair(project):
    other = ProjectFactory()

    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, user=owner(project), data={"nomination": other.nomination})

    assert "nomination" in error.value.message_dict


def test_images_are_limited_to_six_and_need_a_description(project):
    with pytest.raises(ValidationError):
        services.project_add_image(project=project, user=owner(project), upload=jpeg_upload(), alt_text=" ")
    for n in range(6):
        services.project_add_image(
            project=project, user=owner(project), upload=jpeg_upload(), alt_text=f"Фото {n}"
        )

    with pytest.raises(ValidationError) as error:
        services.project_add_image(
            project=project, user=owner(project), upload=jpeg_upload(), alt_text="Седьмое"
        )

    assert error.value.code == "too_many_images"
    assert project.images.count() == 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submits_record_exactly_one_state_change():
    project = ProjectFactory()
    user = MembershipFactory(organisation=project.organisation).user
    services.project_add_image(project=project, user=user, upload=jpeg_upload(), alt_text="Фото")

    results = at_once(lambda: services.project_submit(project=project, user=user), [()] * 10)

    assert sum(isinstance(result, ProjectStateChange) for result in results) == 1
    assert all(isinstance(r, (ProjectStateChange, PermissionDenied)) for r in results)
    assert ProjectStateChange.objects.filter(project=project).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_uploads_never_exceed_six_images():
    project = ProjectFactory()
    user = MembershipFactory(organisation=project.organisation).user
    for n in range(4):
        services.project_add_image(project=project, user=user, upload=jpeg_upload(), alt_text=f"Фото {n}")

    results = at_once(
        lambda: services.project_add_image(project=project, user=user, upload=jpeg_upload(), alt_text="Ещё"),
        [()] * 8,
    )

    assert sum(not isinstance(result, Exception) for result in results) == 2
    assert project.images.count() == 6


def test_invitation_joins_only_the_invited_address(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=project.organisation, email="New@NGO.kz", invited_by=owner(project)
        )
    token = services.invitation_token(invitation)
    assert token in mail.outbox[0].body
    assert services.invitation_from_token(token) == invitation
    assert services.invitation_from_token(token + "x") is None

    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=UserFactory(email="someone@else.kz"))
    membership = services.invitation_accept(invitation=invitation, user=UserFactory(email="new@ngo.kz"))

    assert membership.role == Membership.Role.MEMBER
    assert services.invitation_from_token(token) is None  # used once


def test_an_address_is_invited_once_and_members_are_not_invited(project):
    services.invitation_create(
        organisation=project.organisation, email="new@ngo.kz", invited_by=owner(project)
    )

    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=project.organisation, email="NEW@ngo.kz", invited_by=owner(project)
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=project.organisation, email="member@ngo.kz", invited_by=owner(project)
        )
    assert Invitation.objects.count() == 1


def test_plain_members_cannot_invite(project):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=project.organisation,
            email="x@ngo.kz",
            invited_by=project.organisation.members.get(email="member@ngo.kz"),
        )


def test_a_submitted_project_must_stay_complete(project):
    services.project_add_image(project=project, user=owner(project), upload=jpeg_upload(), alt_text="Сабақ")
    services.project_submit(project=project, user=owner(project))
    image = project.images.get()

    with pytest.raises(ValidationError):
        services.project_update(project=project, user=owner(project), data={"summary": ""})
    with pytest.raises(ValidationError):
        services.project_remove_image(image=image, user=owner(project))

    project.refresh_from_db()
    assert project.summary
    assert project.images.exists()


def test_showing_publicly_is_for_submitted_projects_and_an_edit_needs_a_new_look(project, superuser):
    with pytest.raises(services.TransitionNotAllowed):
        services.project_set_public(project=project, actor=superuser, public=True)  # still a draft

    services.project_add_image(project=project, user=owner(project), upload=jpeg_upload(), alt_text="Сабақ")
    services.project_submit(project=project, user=owner(project))
    services.project_set_public(project=project, actor=superuser, public=True)
    assert Project.objects.public().filter(pk=project.pk).exists()

    services.project_update(project=project, user=owner(project), data={"summary": "Changed after approval"})

    assert not Project.objects.public().filter(pk=project.pk).exists()


def test_returning_hides_a_project_and_is_only_possible_while_ngos_can_edit(project, superuser):
    project.state = ProjectState.SUBMITTED
    project.is_public = True
    project.save()

    services.project_return_for_changes(project=project, actor=superuser, message="Add photos.")
    project.refresh_from_db()
    assert not project.is_public

    # A returned project nobody fixed can still be turned down, so it never gets stuck.
    services.project_mark_not_selected(project=project, actor=superuser)
    fair = project.fair
    fair.submission_opens_at -= timedelta(days=100)
    fair.submission_closes_at -= timedelta(days=100)
    fair.voting_opens_at -= timedelta(days=60)
    fair.save()  # now in the voting phase
    with pytest.raises(services.TransitionNotAllowed):
        services.project_return_for_changes(project=project, actor=superuser, message="Too late")


def test_expired_invitations_neither_work_nor_block_a_new_one(project):
    invitation = services.invitation_create(
        organisation=project.organisation, email="late@ngo.kz", invited_by=owner(project)
    )
    token = services.invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(created_at=invitation.created_at - timedelta(days=15))
    late = UserFactory(email="late@ngo.kz")

    assert services.invitation_from_token(token) is None
    assert not selectors.open_invitations_for(late).exists()
    again = services.invitation_create(
        organisation=project.organisation, email="late@ngo.kz", invited_by=owner(project)
    )
    assert services.invitation_from_token(services.invitation_token(again)) == again


def test_decisions_stand_when_the_mail_server_is_down(
    project, superuser, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableSMTPBackend"
    project.state = ProjectState.SUBMITTED
    project.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.project_mark_finalist(project=project, actor=superuser)

    project.refresh_from_db()
    assert project.state == ProjectState.FINALIST
