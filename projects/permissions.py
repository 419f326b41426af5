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


def is_organiser(user, permission: str = "projects.view_project") -> bool:
    """Staff who may read this in the admin (the Organisers group, or a superuser)."""
    return user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission)


def can_correct_project(user, project: Project | None = None) -> bool:
    """Organisers correct a project's texts and images from the admin, whatever its state and
    the phase (a typo in a finalist's title), or type in a new one (a paper application)."""
    adding = project is not None and project.pk is None
    return is_organiser(user, "projects.add_project" if adding else "projects.change_project")


def can_view_project_files(user, project: Project) -> bool:
    """A project's uploads (images, PDF) before it is public: its NGO's members and the organisers.

    Jurors are asked by `jury.permissions.can_review`; once the project is public
    (`ProjectQuerySet.public()`), everyone may see them.
    """
    return is_member(user, project.organisation) or is_organiser(user, "projects.view_project")


def can_view_organisation_files(user, organisation: Organisation) -> bool:
    """An NGO's logo before it has a public project: its members and the organisers."""
    return is_member(user, organisation) or is_organiser(user, "projects.view_organisation")
