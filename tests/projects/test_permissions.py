"""Who may change a project, as a matrix of roles × phases × states."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from projects import permissions
from projects.models import Phase, ProjectState
from tests.factories.accounts import UserFactory, make_organiser, make_superuser
from tests.factories.projects import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# A moment inside each phase of a FairFactory fair (submission opens 10 days ago).
PHASE_OFFSETS = {
    Phase.DRAFT: timedelta(days=-11),
    Phase.SUBMISSION: timedelta(days=0),
    Phase.REVIEW: timedelta(days=25),
    Phase.VOTING: timedelta(days=45),
    Phase.RESULTS: timedelta(days=55),
    Phase.CEREMONY: timedelta(days=65),
    Phase.ARCHIVED: timedelta(days=400),
}
STATES = [
    ProjectState.DRAFT,
    ProjectState.SUBMITTED,
    ProjectState.RETURNED,
    ProjectState.FINALIST,
    ProjectState.WITHDRAWN,
]
ROLES = ["member", "other_ngo", "anonymous", "staff"]


def expected_can_edit(role: str, phase: Phase, state: str) -> bool:
    if role != "member" or state not in {ProjectState.DRAFT, ProjectState.SUBMITTED, ProjectState.RETURNED}:
        return False
    return phase == Phase.SUBMISSION or (phase == Phase.REVIEW and state == ProjectState.RETURNED)


@pytest.fixture
def project():
    project = ProjectFactory()
    MembershipFactory(organisation=project.organisation)
    return project


def user_for(role: str, project):
    if role == "member":
        return project.organisation.members.get()
    if role == "other_ngo":
        return MembershipFactory().user
    if role == "staff":
        return UserFactory(is_staff=True, is_superuser=True)
    return AnonymousUser()


@pytest.mark.parametrize(("role", "phase", "state"), list(itertools.product(ROLES, PHASE_OFFSETS, STATES)))
def test_can_edit_project(project, role, phase, state):
    project.state = state
    now = project.fair.submission_opens_at + timedelta(days=10) + PHASE_OFFSETS[phase]
    assert project.fair.phase_at(now) == phase

    allowed = permissions.can_edit_project(user_for(role, project), project, now)

    assert allowed is expected_can_edit(role, phase, state)


@pytest.mark.parametrize("state", STATES)
def test_only_drafts_and_returned_projects_can_be_submitted(project, state):
    project.state = state
    now = project.fair.submission_opens_at + timedelta(days=10)

    allowed = permissions.can_submit_project(project.organisation.members.get(), project, now)

    assert allowed is (state in {ProjectState.DRAFT, ProjectState.RETURNED})


def test_organisation_pages_belong_to_members_only(project):
    member = project.organisation.members.get()
    outsider = MembershipFactory().user

    assert permissions.can_edit_organisation(member, project.organisation)
    assert permissions.can_invite_members(member, project.organisation)
    assert not permissions.can_edit_organisation(outsider, project.organisation)
    assert not permissions.can_view_project(AnonymousUser(), project)


def test_plain_members_cannot_invite(project):
    plain = MembershipFactory(organisation=project.organisation, role="member").user

    assert permissions.can_edit_organisation(plain, project.organisation)
    assert not permissions.can_invite_members(plain, project.organisation)


def test_phase_boundaries_follow_the_schedule_to_the_second(project):
    fair = project.fair
    second = timedelta(seconds=1)

    assert fair.phase_at(fair.submission_opens_at - second) == Phase.DRAFT
    assert fair.phase_at(fair.submission_opens_at) == Phase.SUBMISSION
    assert fair.phase_at(fair.submission_closes_at - second) == Phase.SUBMISSION
    assert fair.phase_at(fair.submission_closes_at) == Phase.REVIEW
    assert fair.phase_at(fair.voting_opens_at) == Phase.VOTING
    assert fair.phase_at(fair.voting_closes_at) == Phase.RESULTS
    assert fair.phase_at(fair.ceremony_at) == Phase.CEREMONY
    assert fair.phase_at(fair.archived_at) == Phase.ARCHIVED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("owner", False), ("staff", False), ("organiser", True), ("superuser", True)],
)
def test_only_organisers_correct_projects_from_the_admin(who, expected):
    project = ProjectFactory(state=ProjectState.FINALIST)
    users = {
        "anonymous": lambda: AnonymousUser(),
        "owner": lambda: MembershipFactory(organisation=project.organisation).user,
        "staff": lambda: UserFactory(is_staff=True),
        "organiser": make_organiser,
        "superuser": make_superuser,
    }

    assert permissions.can_correct_project(users[who](), project) is expected
