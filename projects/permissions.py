"""Who may do what with organisations and projects: plain predicates.

Views, templates and services all ask these; a hidden button is never the only guard.
Every rule that depends on the schedule takes ``now`` so tests can move the clock.
"""

from datetime import datetime

from projects.models import Membership, Organisation, Phase, Project, ProjectState

# States in which the NGO still owns the text of its project.
EDITABLE_STATES = frozenset({ProjectState.DRAFT, ProjectState.SUBMITTED, ProjectState.RETURNED})
SUBMITTABLE_STATES = frozenset({ProjectState.DRAFT, ProjectState.RETURNED})


def is_member(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()


def is_owner(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.OWNER
    ).exists()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return is_member(user, organisation)


def can_invite_members(user, organisation: Organisation) -> bool:
    return is_owner(user, organisation)


def can_view_project(user, project: Project) -> bool:
    """The private view of a project (all fields, history): its NGO's members only."""
    return is_member(user, project.organisation)


def _open_for_changes(project: Project, now: datetime) -> bool:
    phase = project.fair.phase_at(now)
    if phase == Phase.SUBMISSION:
        return True
    # An organiser who returns a project during review asks for changes and waits for them.
    return phase == Phase.REVIEW and project.state == ProjectState.RETURNED


def can_edit_project(user, project: Project, now: datetime) -> bool:
    return (
        project.state in EDITABLE_STATES
        and _open_for_changes(project, now)
        and is_member(user, project.organisation)
    )


def can_submit_project(user, project: Project, now: datetime) -> bool:
    return project.state in SUBMITTABLE_STATES and can_edit_project(user, project, now)


def can_withdraw_project(user, project: Project, now: datetime) -> bool:
    return can_edit_project(user, project, now)


def can_create_project(user, organisation: Organisation, fair, now: datetime) -> bool:
    return fair.is_published and fair.phase_at(now) == Phase.SUBMISSION and is_member(user, organisation)
