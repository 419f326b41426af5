"""Every write to organisations and projects goes through these functions.

Views, forms and the admin call them; they re-check permissions themselves, so a
forgotten check in a view cannot open a hole. State changes lock the project row
(`select_for_update`) so that two organisers, or an organiser and the NGO racing a
deadline, cannot both move the same project from the same state.
"""

import uuid
from datetime import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal.mail import send_to_addresses, send_to_users
from projects import permissions
from projects.media import reencode_image, validate_pdf
from projects.models import (
    MAX_IMAGES_PER_PROJECT,
    Fair,
    Invitation,
    Membership,
    Organisation,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
)

INVITATION_SALT = "projects.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 14

# Which states an organiser may move a project to, and from where.
ORGANISER_TRANSITIONS: dict[str, set[str]] = {
    ProjectState.RETURNED: {ProjectState.SUBMITTED},
    ProjectState.FINALIST: {ProjectState.SUBMITTED, ProjectState.NOT_SELECTED},
    ProjectState.NOT_SELECTED: {ProjectState.SUBMITTED, ProjectState.FINALIST},
}

# Fields (and relations) a project needs before it can be submitted.
REQUIRED_FOR_SUBMISSION = (
    "nomination",
    "region",
    "summary",
    "problem",
    "target_group",
    "beneficiaries",
    "goals_and_activities",
    "results_achieved",
    "sustainability_plan",
    "budget_requested",
    "duration_months",
)


class TransitionNotAllowed(ValidationError):
    pass


# ---------------------------------------------------------------- organisations


@transaction.atomic
def organisation_create(*, user, data: dict, logo=None) -> Organisation:
    """Create an NGO with `user` as its owner."""
    organisation = Organisation(**data)
    if logo:
        processed = reencode_image(logo)
        organisation.logo.save(processed.image.name, processed.image, save=False)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, user, data: dict, logo=None) -> Organisation:
    if not permissions.can_edit_organisation(user, organisation):
        raise PermissionDenied
    for field, value in data.items():
        setattr(organisation, field, value)
    if logo:
        processed = reencode_image(logo)
        organisation.logo.save(processed.image.name, processed.image, save=False)
    organisation.full_clean()
    organisation.save()
    return organisation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"invitation": invitation.pk, "email": invitation.email.lower()}, salt=INVITATION_SALT
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a link stands for, or None for a forged, expired or used link."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            pk=payload.get("invitation"), email__iexact=payload.get("email", ""), accepted_at__isnull=True
        )
        .first()
    )


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, invited_by) -> Invitation:
    if not permissions.can_invite_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if organisation.members.filter(email=email).exists():
        raise ValidationError(_("This person is already a member."), code="already_member")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, invited_by=invited_by
            )
    except IntegrityError as exc:
        raise ValidationError(_("This address has already been invited."), code="already_invited") from exc

    token = invitation_token(invitation)
    # The invitee has no account yet, so no language of their own: use the inviter's.
    transaction.on_commit(
        lambda: send_to_addresses(
            template_prefix="projects/email/invitation",
            context={"organisation": organisation, "invited_by": invited_by, "token": token},
            recipients=[(email, invited_by.language)],
        )
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the organisation; only the invited address may use the link."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Log in with that address to accept it."),
            code="wrong_user",
        )
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": Membership.Role.MEMBER}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


# ---------------------------------------------------------------- projects


def _assign_project_fields(project: Project, data: dict) -> list:
    spheres = data.pop("spheres", None)
    pdf = data.pop("pdf", None)
    for field, value in data.items():
        setattr(project, field, value)
    if pdf is False:  # the form's "clear" checkbox
        project.pdf = ""
    elif pdf:
        validate_pdf(pdf)
        # A random name: the file's own name may say more than the NGO meant to publish,
        # and a draft's PDF must not be findable by guessing.
        pdf.name = f"{uuid.uuid4().hex}.pdf"
        project.pdf = pdf
    return spheres


@transaction.atomic
def project_create(
    *, organisation: Organisation, fair: Fair, user, data: dict, now: datetime | None = None
) -> Project:
    now = now or timezone.now()
    if not permissions.can_create_project(user, organisation, fair, now):
        raise PermissionDenied
    project = Project(organisation=organisation, fair=fair, created_by=user)
    spheres = _assign_project_fields(project, dict(data))
    _check_nomination(project)
    project.full_clean()
    project.save()
    if spheres is not None:
        project.spheres.set(spheres)
    return project


@transaction.atomic
def project_update(*, project: Project, user, data: dict, now: datetime | None = None) -> Project:
    """Save the NGO's changes; locks the row so a deadline check and the write agree."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().select_related("fair", "organisation").get(pk=project.pk)
    if not permissions.can_edit_project(user, project, now):
        raise PermissionDenied
    spheres = _assign_project_fields(project, dict(data))
    _check_nomination(project)
    project.full_clean()
    project.save()
    if spheres is not None:
        project.spheres.set(spheres)
    return project


def _check_nomination(project: Project) -> None:
    if project.nomination_id and project.nomination.fair_id != project.fair_id:
        raise ValidationError({"nomination": _("Choose a nomination of this fair.")})


def project_missing_fields(project: Project) -> list[str]:
    """Names (translated) of what a submission still lacks; empty when complete."""
    missing = [
        str(Project._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMISSION
        if getattr(project, name) in (None, "")
    ]
    if not project.spheres.exists():
        missing.append(str(Project._meta.get_field("spheres").verbose_name))
    if not project.images.exists():
        missing.append(str(_("at least one image")))
    return missing


@transaction.atomic
def project_add_image(
    *, project: Project, user, upload, alt_text: str, now: datetime | None = None
) -> ProjectImage:
    """Verify, re-encode and attach an image; the project row lock keeps the count honest."""
    now = now or timezone.now()
    project = Project.objects.select_for_update().select_related("fair", "organisation").get(pk=project.pk)
    if not permissions.can_edit_project(user, project, now):
        raise PermissionDenied
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe what the image shows.")})
    count = project.images.count()
    if count >= MAX_IMAGES_PER_PROJECT:
        raise ValidationError(
            _("A project can have at most %(limit)s images. Remove one first.")
            % {"limit": MAX_IMAGES_PER_PROJECT},
            code="too_many_images",
        )
    processed = reencode_image(upload)
    image = ProjectImage(project=project, alt_text=alt_text.strip(), position=count)
    image.image.save(processed.image.name, processed.image, save=False)
    image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    return image


@transaction.atomic
def project_update_image(
    *, image: ProjectImage, user, alt_text: str, now: datetime | None = None
) -> ProjectImage:
    now = now or timezone.now()
    if not permissions.can_edit_project(user, image.project, now):
        raise PermissionDenied
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe what the image shows.")})
    image.alt_text = alt_text.strip()
    image.save(update_fields=["alt_text"])
    return image


@transaction.atomic
def project_remove_image(*, image: ProjectImage, user, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if not permissions.can_edit_project(user, image.project, now):
        raise PermissionDenied
    image.image.delete(save=False)
    image.thumbnail.delete(save=False)
    image.delete()


def _record_transition(*, project: Project, to_state: str, actor, note: str) -> ProjectStateChange:
    change = ProjectStateChange.objects.create(
        project=project, from_state=project.state, to_state=to_state, actor=actor, note=note
    )
    project.state = to_state
    if to_state == ProjectState.SUBMITTED:
        project.submitted_at = change.created_at
    project.save(update_fields=["state", "submitted_at", "updated_at"])
    transaction.on_commit(lambda: _notify_members(change))
    return change


def _notify_members(change: ProjectStateChange) -> None:
    send_to_users(
        template_prefix="projects/email/state_changed",
        context={"project": change.project, "change": change},
        users=change.project.organisation.members.all(),
    )


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("fair", "organisation").get(pk=project.pk)


@transaction.atomic
def project_submit(*, project: Project, user, now: datetime | None = None) -> ProjectStateChange:
    now = now or timezone.now()
    project = _locked(project)
    if not permissions.can_submit_project(user, project, now):
        raise PermissionDenied
    missing = project_missing_fields(project)
    if missing:
        raise ValidationError(
            _("Before submitting, please fill in: %(fields)s.") % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    return _record_transition(project=project, to_state=ProjectState.SUBMITTED, actor=user, note="")


@transaction.atomic
def project_withdraw(*, project: Project, user, now: datetime | None = None) -> ProjectStateChange:
    now = now or timezone.now()
    project = _locked(project)
    if not permissions.can_withdraw_project(user, project, now):
        raise PermissionDenied
    return _record_transition(project=project, to_state=ProjectState.WITHDRAWN, actor=user, note="")


@transaction.atomic
def project_change_state(*, project: Project, to_state: str, actor, note: str = "") -> ProjectStateChange:
    """An organiser's decision: return for changes, finalist, not selected."""
    if not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    project = _locked(project)
    allowed_from = ORGANISER_TRANSITIONS.get(to_state, set())
    if project.state not in allowed_from:
        raise TransitionNotAllowed(
            _("“%(project)s” is %(state)s and cannot be moved to “%(target)s”.")
            % {
                "project": project.title,
                "state": project.get_state_display(),
                "target": ProjectState(to_state).label,
            },
            code="transition_not_allowed",
        )
    if to_state == ProjectState.RETURNED and not note.strip():
        raise ValidationError(_("Tell the NGO what to change."), code="note_required")
    return _record_transition(project=project, to_state=to_state, actor=actor, note=note.strip())


def project_return_for_changes(*, project: Project, actor, message: str) -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.RETURNED, actor=actor, note=message)


def project_mark_finalist(*, project: Project, actor, note: str = "") -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.FINALIST, actor=actor, note=note)


def project_mark_not_selected(*, project: Project, actor, note: str = "") -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.NOT_SELECTED, actor=actor, note=note)


def project_set_public(*, project: Project, actor, public: bool) -> Project:
    """Show a submitted project on the public site (or hide it again); an organiser's call.

    Finalists and winners are public whatever this says; drafts never are (see
    `ProjectQuerySet.public`).
    """
    if not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    Project.objects.filter(pk=project.pk).update(is_public=public, updated_at=timezone.now())
    project.is_public = public
    return project
