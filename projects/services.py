"""Every write to organisations and projects goes through these functions.

Views, forms and the admin call them; they re-check permissions themselves, so a
forgotten check in a view cannot open a hole. State changes lock the project row
(`select_for_update`) so that two organisers, or an organiser and the NGO racing a
deadline, cannot both move the same project from the same state.
"""

from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fairportal import audit, page_cache, ratelimit
from fairportal.locks import row_lock
from fairportal.mail import Derived, queue_to_addresses, queue_to_users
from fairportal.text import quoted
from projects import permissions, selectors
from projects.media import ProcessedImage, SanitisedPdf, reencode_image, sanitise_pdf
from projects.models import (
    INVITATION_VALIDITY,
    MAX_IMAGES_PER_PROJECT,
    Fair,
    FairScheduleChange,
    Invitation,
    Membership,
    Nomination,
    Organisation,
    OrganiserDigest,
    Phase,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
)

INVITATION_SALT = "projects.invitation"
INVITATION_MAX_AGE = int(INVITATION_VALIDITY.total_seconds())
MAX_OPEN_INVITATIONS = 20

# Which states an organiser may move a project to, and from where. A returned project the
# NGO never resubmitted can still be turned down, so nothing stays stuck.
ORGANISER_TRANSITIONS: dict[str, set[str]] = {
    ProjectState.RETURNED: {ProjectState.SUBMITTED},
    # From "winner" only when its last prize is withdrawn (awards.services.award_revoke).
    ProjectState.FINALIST: {ProjectState.SUBMITTED, ProjectState.NOT_SELECTED, ProjectState.AWARDED},
    ProjectState.NOT_SELECTED: {ProjectState.SUBMITTED, ProjectState.FINALIST, ProjectState.RETURNED},
    # Given by the awards app when a finalist receives a prize at the ceremony.
    ProjectState.AWARDED: {ProjectState.FINALIST},
}
# Returning asks the NGO to edit, which it can only do while submission or review lasts.
RETURN_PHASES = {Phase.SUBMISSION, Phase.REVIEW}
# Submitted projects an organiser may show on the public site before the shortlist.
SHOWABLE_STATES = {ProjectState.SUBMITTED, ProjectState.NOT_SELECTED}

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


# Once public voting has opened these cannot change: they decide what a cast vote means (the
# policy, the identity channels), who sees the running tally (live results) and which votes
# count (the opening). The one list of them: rename a field here and the admin follows.
RULES_FROZEN_WHEN_VOTING_OPENS = ("vote_policy", "voting_channels", "live_results", "voting_opens_at")
# Phases in which the fair's rules may still change freely.
BEFORE_VOTING = {Phase.DRAFT, Phase.SUBMISSION, Phase.REVIEW}
# Changes recorded in the audit trail as field names only (long texts).
AUDIT_BY_NAME_ONLY = (
    "title_kk",
    "title_ru",
    "title_en",
    "organiser_kk",
    "organiser_ru",
    "organiser_en",
    "description_kk",
    "description_ru",
    "description_en",
)
# Fields whose change is a change of the fair's rules or schedule ("fair.rules_changed").
FAIR_RULE_FIELDS = (
    *RULES_FROZEN_WHEN_VOTING_OPENS,
    "is_published",
    "submission_opens_at",
    "submission_closes_at",
    "voting_closes_at",
    "ceremony_at",
    "archived_at",
)

audit.register_actions(
    {
        "fair.created": _("Fair created"),
        "fair.changed": _("Fair edited"),
        "fair.rules_changed": _("Fair rules or schedule changed"),
        "fair.published": _("Fair published"),
        "fair.unpublished": _("Fair unpublished"),
        "nomination.changed": _("Nomination created, changed or deleted"),
        "fair.voting_close_moved": _("Close of voting moved during voting"),
        "project.state_changed": _("Project state changed"),
        "project.shown": _("Project shown on the public site"),
        "project.corrected": _("Project corrected by the organisers"),
        "project.created_by_organisers": _("Project typed in by the organisers"),
        "project.hidden": _("Project hidden from the public site"),
        "export.projects": _("Projects exported"),
        "organisation.corrected": _("NGO corrected by the organisers"),
        "membership.changed": _("NGO member added, changed or removed by the organisers"),
    }
)


class TransitionNotAllowed(ValidationError):
    pass


# ---------------------------------------------------------------- fairs


def _voting_has_opened(fair: Fair, now: datetime) -> bool:
    """Whatever the fair's publication: unpublishing must not reopen the rules for a change."""
    return fair.phase_at(now) not in BEFORE_VOTING


def _changed(stored: Fair, changes: dict) -> dict:
    return {name: value for name, value in changes.items() if getattr(stored, name) != value}


def fair_update_errors(*, fair: Fair, changes: dict, reason: str = "", now: datetime) -> dict[str, list]:
    """Why `fair_update` would refuse these changes to the stored `fair`, per field (empty: it would not).

    Before voting opens everything may change. Once it has opened the rules are frozen, and the
    close of voting may move only while voting lasts, to a moment still in the future (earlier or
    later), with a reason that the fair's public page shows.
    """
    changed = _changed(fair, changes)
    if not _voting_has_opened(fair, now):
        return {}
    errors: dict[str, list] = {}
    opened = date_format(timezone.localtime(fair.voting_opens_at), "DATETIME_FORMAT")
    for name in RULES_FROZEN_WHEN_VOTING_OPENS:
        if name in changed:
            errors[name] = [
                ValidationError(
                    _("This cannot change once voting has opened (it opened on %(opened)s)."),
                    code="frozen",
                    params={"opened": opened},
                )
            ]
    if "voting_closes_at" in changed:
        new_close = changed["voting_closes_at"]
        if now >= fair.voting_closes_at:
            errors["voting_closes_at"] = [
                ValidationError(_("Voting has closed: its close can no longer be moved."), code="closed")
            ]
        else:
            if new_close is None or new_close <= now:
                errors["voting_closes_at"] = [
                    ValidationError(
                        _("The new close of voting must be in the future: voting is under way."),
                        code="close_in_past",
                    )
                ]
            if not (reason or "").strip():
                errors["reason"] = [
                    ValidationError(
                        _(
                            "Say why the close of voting moves: the reason is shown on the fair's public page."
                        ),
                        code="reason_required",
                    )
                ]
    return errors


def fair_check_update(*, fair: Fair, changes: dict, reason: str = "", now: datetime) -> dict[str, list]:
    """`fair_update_errors` against the stored row, for a form to show before saving.

    Inside a transaction (the admin's change view is one) the fair row is locked here already,
    so the answer still holds when `fair_update` saves in the same transaction.
    """
    stored = Fair.objects.all()
    if transaction.get_connection().in_atomic_block:
        with row_lock():
            stored = stored.select_for_update().get(pk=fair.pk)
    else:
        stored = stored.get(pk=fair.pk)
    return fair_update_errors(fair=stored, changes=changes, reason=reason, now=now)


def _audit_value(name: str, value):
    return None if name in AUDIT_BY_NAME_ONLY else value


@transaction.atomic
def fair_create(*, fair: Fair, actor) -> Fair:
    if not actor.has_perm("projects.add_fair"):
        raise PermissionDenied
    fair.full_clean()
    fair.save()
    audit.record(actor=actor, action="fair.created", target=fair)
    return fair


@transaction.atomic
def fair_update(*, fair: Fair, changes: dict, actor, reason: str = "", now: datetime | None = None) -> Fair:
    """Change a fair's fields (`changes`: name → new value) unless its rules forbid it.

    Locks the fair row (`select_for_update`) and reads the clock after the lock, so the check
    sees what another organiser committed a moment ago and cannot be raced. Moving the close of
    voting during voting leaves a `FairScheduleChange`, shown on the public page; every change
    leaves one audit event, in this transaction.
    """
    if not actor.has_perm("projects.change_fair"):
        raise PermissionDenied
    with row_lock():
        stored = Fair.objects.select_for_update().get(pk=fair.pk)
    now = now or timezone.now()
    errors = fair_update_errors(fair=stored, changes=changes, reason=reason, now=now)
    if errors:
        raise ValidationError(errors)
    changed = _changed(stored, changes)
    if not changed:
        return stored
    old = {name: getattr(stored, name) for name in changed}
    close_moved_in_public = "voting_closes_at" in changed and _voting_has_opened(stored, now)
    for name, value in changed.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    details: dict = {
        "changes": {
            name: [_audit_value(name, old[name]), _audit_value(name, changed[name])] for name in changed
        }
    }
    action = "fair.changed"
    if any(name in FAIR_RULE_FIELDS for name in changed):
        action = "fair.rules_changed"
    if "is_published" in changed:
        # Publishing is the act organisers look for; the other changes made with it are in details.
        action = "fair.published" if changed["is_published"] else "fair.unpublished"
    if close_moved_in_public:
        schedule_change = FairScheduleChange.objects.create(
            fair=stored,
            field=FairScheduleChange.Field.VOTING_CLOSES_AT,
            old_value=old["voting_closes_at"],
            new_value=changed["voting_closes_at"],
            reason=reason.strip(),
            actor=actor,
            at=now,
        )
        details["schedule_change"] = schedule_change.pk
        action = "fair.voting_close_moved"
    audit.record(actor=actor, action=action, target=stored, reason=reason, details=details)
    return stored


# ---------------------------------------------------------------- organisations


@transaction.atomic
def organisation_create(*, user, data: dict, logo=None) -> Organisation:
    """Create an NGO with `user` as its owner."""
    organisation = Organisation(**data)
    if logo:
        processed = reencode_image(logo)
        organisation.logo.save(processed.image.name, processed.image, save=False)
    organisation.full_clean()
    _save_organisation(organisation)
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.OWNER)
    return organisation


def _save_organisation(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:
        # Two people registering the same BIN at once: the loser sees the same message as the pre-check.
        raise ValidationError(
            {
                "bin": _(
                    "An organisation with this BIN is already registered. Ask its owner to invite you by e-mail."
                )
            }
        ) from exc


def _delete_file_after_commit(field_file) -> None:
    """Remove a replaced or cleared upload once the change is committed, so its URL stops working."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def organisation_update(*, organisation: Organisation, user, data: dict, logo=None) -> Organisation:
    if not permissions.can_edit_organisation(user, organisation):
        raise PermissionDenied
    for field, value in data.items():
        setattr(organisation, field, value)
    if logo:
        processed = reencode_image(logo)
        _delete_file_after_commit(Organisation.objects.get(pk=organisation.pk).logo)
        organisation.logo.save(processed.image.name, processed.image, save=False)
    organisation.full_clean()
    _save_organisation(organisation)
    return organisation


@transaction.atomic
def organisation_correct(*, organisation: Organisation, actor) -> Organisation:
    """An organiser's change to an NGO's profile, or a new NGO typed in, from the admin: checked
    and saved as the NGOs' own form is (two BINs at once end in the same refusal); a replaced
    or cleared logo is deleted once committed."""
    permission = "projects.change_organisation" if organisation.pk else "projects.add_organisation"
    if not permissions.is_organiser(actor, permission):
        raise PermissionDenied
    if organisation.pk is not None:
        stored = Organisation.objects.get(pk=organisation.pk).logo
        if stored and stored.name != organisation.logo.name:
            _delete_file_after_commit(stored)
    created = organisation.pk is None
    organisation.full_clean()
    _save_organisation(organisation)
    audit.record(
        actor=actor, action="organisation.corrected", target=organisation, details={"created": created}
    )
    return organisation


# ---------------------------------------------------------------- nominations (the fair's admin inline)

NOMINATION_AUDIT_FIELDS = ("title_kk", "title_ru", "title_en", "position")


def _may_edit_nominations(actor, permission: str) -> bool:
    return permissions.is_organiser(actor, "projects.change_fair") or permissions.is_organiser(
        actor, permission
    )


@transaction.atomic
def nomination_save(*, nomination: Nomination, actor) -> Nomination:
    """Create or change one of a fair's nominations, recorded old → new (`nomination.changed`)."""
    permission = "projects.change_nomination" if nomination.pk else "projects.add_nomination"
    if not _may_edit_nominations(actor, permission):
        raise PermissionDenied
    before = audit.stored_values(nomination, NOMINATION_AUDIT_FIELDS)
    nomination.full_clean()
    nomination.save()
    audit.record_change(
        actor=actor,
        action="nomination.changed",
        instance=nomination,
        fields=NOMINATION_AUDIT_FIELDS,
        before=before,
        fair_id=nomination.fair_id,
    )
    return nomination


def nomination_delete_error(*, nomination: Nomination) -> ValidationError | None:
    """Why this nomination cannot be deleted, if it cannot: projects (and their scores, votes and
    awards) belong to it, and would be left without one."""
    count = Project.objects.filter(nomination=nomination).count()
    if count:
        return ValidationError(
            ngettext(
                "%(nomination)s has %(count)d project: move it to another nomination before deleting this one.",
                "%(nomination)s has %(count)d projects: move them to another nomination before deleting this one.",
                count,
            )
            % {"nomination": quoted(nomination.title), "count": count},
            code="nomination_in_use",
        )
    if nomination.awards.exists():
        return _nomination_used_error(nomination)
    return None


def _nomination_used_error(nomination: Nomination) -> ValidationError:
    return ValidationError(
        _("%(nomination)s is named in awards or votes and cannot be deleted.")
        % {"nomination": quoted(nomination.title)},
        code="nomination_in_use",
    )


@transaction.atomic
def nomination_delete(*, nomination: Nomination, actor) -> None:
    """Delete an unused nomination; one with projects, awards or votes is refused (the database
    protects those rows too: a project moved into it meanwhile ends in the same refusal)."""
    if not _may_edit_nominations(actor, "projects.delete_nomination"):
        raise PermissionDenied
    error = nomination_delete_error(nomination=nomination)
    if error is not None:
        raise error
    pk = nomination.pk
    try:
        with transaction.atomic():
            nomination.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise _nomination_used_error(nomination) from exc
    nomination.pk = pk  # for the event's target
    audit.record_change(
        actor=actor,
        action="nomination.changed",
        instance=nomination,
        fields=NOMINATION_AUDIT_FIELDS,
        before=None,
        deleted=True,
        fair_id=nomination.fair_id,
    )


# ---------------------------------------------------------------- memberships (the NGO's admin inline)

MEMBERSHIP_AUDIT_FIELDS = ("user_id", "role")


def last_owner_error() -> ValidationError:
    # The owners invite the others and answer for who speaks for the NGO (`can_invite_members`):
    # without one, nobody could.
    return ValidationError(
        _("An NGO needs at least one owner: make another member an owner first."), code="last_owner"
    )


def _locked_organisation(organisation_id: int) -> Organisation:
    """The NGO's row, locked: two organisers removing its two owners at once cannot both succeed."""
    with row_lock():
        return Organisation.objects.select_for_update().get(pk=organisation_id)


def _has_owner(organisation: Organisation) -> bool:
    return Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER).exists()


def _record_membership(actor, membership: Membership, before, *, deleted: bool = False) -> None:
    audit.record_change(
        actor=actor,
        action="membership.changed",
        instance=membership,
        fields=MEMBERSHIP_AUDIT_FIELDS,
        before=before,
        deleted=deleted,
    )


@transaction.atomic
def membership_save(*, membership: Membership, actor) -> Membership:
    """Add someone to an NGO or change their role, from the admin; an NGO that has an owner keeps one."""
    permission = "projects.change_membership" if membership.pk else "projects.add_membership"
    if not permissions.is_organiser(actor, permission):
        raise PermissionDenied
    organisation = _locked_organisation(membership.organisation_id)
    had_owner = _has_owner(organisation)
    before = audit.stored_values(membership, MEMBERSHIP_AUDIT_FIELDS)
    membership.full_clean()
    membership.save()
    if had_owner and not _has_owner(organisation):
        raise last_owner_error()  # the whole change is rolled back
    _record_membership(actor, membership, before)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    """Take someone out of an NGO, from the admin; its last owner stays."""
    if not permissions.is_organiser(actor, "projects.delete_membership"):
        raise PermissionDenied
    organisation = _locked_organisation(membership.organisation_id)
    had_owner = _has_owner(organisation)
    pk = membership.pk
    Membership.objects.filter(pk=pk).delete()
    if had_owner and not _has_owner(organisation):
        raise last_owner_error()
    membership.pk = pk
    _record_membership(actor, membership, None, deleted=True)


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
        Invitation.objects.open()
        .select_related("organisation")
        .filter(pk=payload.get("invitation"), email__iexact=payload.get("email", ""))
        .first()
    )


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, invited_by) -> Invitation:
    if not permissions.can_invite_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if organisation.members.filter(email=email).exists():
        raise ValidationError(_("This person is already a member."), code="already_member")
    # An expired invitation no longer blocks a new one.
    organisation.invitations.expired().filter(email__iexact=email).delete()
    if organisation.invitations.open().count() >= MAX_OPEN_INVITATIONS:
        raise ValidationError(
            _("This organisation has %(count)s open invitations. Wait until some are accepted or expire.")
            % {"count": MAX_OPEN_INVITATIONS},
            code="too_many_invitations",
        )
    # Invitations carry text the inviter chose to any address: cap them per person and day.
    if not ratelimit.hit(f"projects.invitations:user:{invited_by.pk}", limit=20, period=86400).allowed:
        raise ValidationError(
            _("You have sent many invitations today. Please try again tomorrow."), code="invitation_limit"
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, invited_by=invited_by
            )
    except IntegrityError as exc:
        raise ValidationError(_("This address has already been invited."), code="already_invited") from exc

    # The invitee has no account yet, so no language of their own: use the inviter's.
    queue_to_addresses(
        template_prefix="projects/email/invitation",
        context={
            "organisation": organisation,
            "invited_by": invited_by,
            "token": Derived("projects.services.invitation_token", invitation),
        },
        recipients=[(email, invited_by.language)],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the organisation; only the invited address may use the link."""
    with row_lock():
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
    if _created:
        # The owners answer for who speaks for their NGO: each is told who joined.
        owners = invitation.organisation.members.filter(memberships__role=Membership.Role.OWNER).exclude(
            pk=user.pk
        )
        queue_to_users(
            template_prefix="projects/email/member_joined",
            context={"organisation": invitation.organisation, "member": user},
            users=owners,
        )
    return membership


# ---------------------------------------------------------------- projects


def _assign_project_fields(project: Project, data: dict) -> list:
    spheres = data.pop("spheres", None)
    pdf = data.pop("pdf", None)
    for field, value in data.items():
        setattr(project, field, value)
    if pdf is False:  # the form's "clear" checkbox
        _delete_file_after_commit(project.pdf)
        project.pdf = ""
    elif isinstance(pdf, SanitisedPdf):  # rewritten already, by the admin's form
        _delete_file_after_commit(project.pdf)
        project.pdf = pdf
    elif pdf:
        # Rewritten, so no script, action, attachment or appended file reaches readers; the new
        # file has a random name: the original may say more than the NGO meant to publish.
        try:
            clean = sanitise_pdf(pdf)
        except ValidationError as error:
            raise ValidationError({"pdf": error}) from error
        _delete_file_after_commit(project.pdf)
        project.pdf = clean
    return spheres


def _save_project_fields(project: Project, data: dict) -> None:
    """Assign, validate and save what a form gave (the spheres after the row exists)."""
    spheres = _assign_project_fields(project, dict(data))
    _check_nomination(project)
    project.full_clean()
    project.save()
    if spheres is not None:
        project.spheres.set(spheres)


@transaction.atomic
def project_create(
    *, organisation: Organisation, fair: Fair, user, data: dict, now: datetime | None = None
) -> Project:
    now = now or timezone.now()
    if not permissions.can_create_project(user, organisation, fair, now):
        raise PermissionDenied
    project = Project(organisation=organisation, fair=fair, created_by=user)
    _save_project_fields(project, data)
    return project


@transaction.atomic
def project_update(*, project: Project, user, data: dict, now: datetime | None = None) -> Project:
    """Save the NGO's changes.

    Locks the project row, then reads the clock, so the deadline check and the write agree.
    A submitted project must stay complete, and a change to a project an organiser showed
    publicly hides it again until they look at it anew.
    """
    project = _locked(project)
    now = now or timezone.now()
    if not permissions.can_edit_project(user, project, now):
        raise PermissionDenied
    project.is_public = False
    _save_project_fields(project, data)
    _check_still_complete(project)
    return project


@transaction.atomic
def project_correct(*, project: Project, actor, data: dict) -> Project:
    """An organiser's correction from the admin: the changed fields in `data` (spheres and the
    PDF included), or a new project typed in by the organisers (a draft, made by `actor`).

    Locks the project row. A submitted project must stay complete, exactly as when its NGO
    edits it (the change is rolled back otherwise); its state, history and public flag are
    left as they are: the organisers are the ones who look at it.
    """
    if not permissions.can_correct_project(actor, project):
        raise PermissionDenied
    if project.pk is None:
        project.created_by = actor
    else:
        project = _locked(project)
        _check_stays_in_its_fair(project, data)
    adding = project.pk is None
    _save_project_fields(project, data)
    _check_still_complete(project)
    if adding or data:
        # Which fields, not their texts: the NGO's words on the ballot changed by someone else.
        audit.record(
            actor=actor,
            action="project.created_by_organisers" if adding else "project.corrected",
            target=project,
            details={"fields": sorted(data)},
        )
    return project


def project_correction_errors(*, project: Project, data: dict) -> list[ValidationError]:
    """What `project_correct` would refuse for completeness, asked before anything is written
    (by the admin's form, so the error shows with everything typed kept)."""
    if project.pk is None:
        return []
    candidate = Project.objects.get(pk=project.pk)
    try:
        _check_stays_in_its_fair(candidate, data)
    except ValidationError as error:
        return [error]
    if candidate.state != ProjectState.SUBMITTED:
        return []
    for name in REQUIRED_FOR_SUBMISSION:
        if name in data:
            setattr(candidate, name, data[name])
    missing = project_missing_fields(candidate, spheres=data.get("spheres"))
    return [incomplete_error(missing)] if missing else []


def _check_stays_in_its_fair(stored: Project, data: dict) -> None:
    """Once submitted, a project belongs to its fair: its evaluations, votes and awards are that
    fair's, so moving it would take it out of the fair's results without a trace. A draft typed
    into the wrong fair may still move."""
    fair = data.get("fair")
    if fair is not None and fair.pk != stored.fair_id and stored.state != ProjectState.DRAFT:
        raise ValidationError(
            _("A submitted project stays in its fair: its scores, votes and awards belong to it."),
            code="fair_fixed",
        )


def incomplete_error(missing: list[str]) -> ValidationError:
    return ValidationError(
        _("A submitted project must stay complete. Please fill in: %(fields)s.")
        % {"fields": ", ".join(missing)},
        code="incomplete",
    )


def _check_still_complete(project: Project) -> None:
    """Raise (rolling the change back) if a submitted project would lose what submission needs."""
    if project.state == ProjectState.SUBMITTED and (missing := project_missing_fields(project)):
        raise incomplete_error(missing)


def _check_nomination(project: Project) -> None:
    if project.nomination_id and project.nomination.fair_id != project.fair_id:
        raise ValidationError({"nomination": _("Choose a nomination of this fair.")})


def project_missing_fields(project: Project, *, spheres=None) -> list[str]:
    """Names (translated) of what a submission still lacks; empty when complete. `spheres`:
    the ones about to be chosen, if not yet stored."""
    missing = [
        str(Project._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMISSION
        if getattr(project, name) in (None, "")
    ]
    if not (project.spheres.exists() if spheres is None else len(spheres)):
        missing.append(str(Project._meta.get_field("spheres").verbose_name))
    if not project.images.exists():
        missing.append(str(_("at least one image")))
    return missing


def _may_change_images(user, project: Project, now: datetime) -> bool:
    return permissions.can_edit_project(user, project, now) or permissions.can_correct_project(user)


@transaction.atomic
def project_add_image(
    *,
    project: Project,
    user,
    upload=None,
    processed: ProcessedImage | None = None,
    alt_text: str,
    position: int | None = None,
    now: datetime | None = None,
) -> ProjectImage:
    """Verify, re-encode and attach an image; the project row lock keeps the count honest.

    `processed`: an upload the admin's form re-encoded already (to show its errors there).
    """
    project = _locked(project)
    now = now or timezone.now()
    if not _may_change_images(user, project, now):
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
    processed = processed or reencode_image(upload)
    image = ProjectImage(
        project=project, alt_text=alt_text.strip(), position=count if position is None else position
    )
    image.image.save(processed.image.name, processed.image, save=False)
    image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    return image


@transaction.atomic
def project_update_image(
    *,
    image: ProjectImage,
    user,
    alt_text: str,
    position: int | None = None,
    processed: ProcessedImage | None = None,
    now: datetime | None = None,
) -> ProjectImage:
    """Describe an image anew; the admin may also move it or replace its file (`processed`,
    re-encoded by its form), the old files deleted once committed."""
    project = _locked(image.project)
    now = now or timezone.now()
    if not _may_change_images(user, project, now):
        raise PermissionDenied
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe what the image shows.")})
    image.alt_text = alt_text.strip()
    if position is not None:
        image.position = position
    if processed is not None:
        stored = ProjectImage.objects.get(pk=image.pk)
        _delete_file_after_commit(stored.image)
        _delete_file_after_commit(stored.thumbnail)
        image.image.save(processed.image.name, processed.image, save=False)
        image.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    image.save()
    return image


@transaction.atomic
def project_remove_image(*, image: ProjectImage, user, now: datetime | None = None) -> None:
    """Remove an image and its files (once committed); a submitted project keeps at least one."""
    project = _locked(image.project)
    now = now or timezone.now()
    if not _may_change_images(user, project, now):
        raise PermissionDenied
    _delete_file_after_commit(image.image)
    _delete_file_after_commit(image.thumbnail)
    image.delete()
    _check_still_complete(project)


def _record_transition(
    *, project: Project, to_state: str, actor, note: str, notify: bool = True
) -> ProjectStateChange:
    change = ProjectStateChange.objects.create(
        project=project, from_state=project.state, to_state=to_state, actor=actor, note=note
    )
    project.state = to_state
    if to_state == ProjectState.SUBMITTED:
        project.submitted_at = change.created_at
    if to_state not in SHOWABLE_STATES:
        # Shown once is not shown for ever: a returned or withdrawn project leaves the public site.
        project.is_public = False
    project.save(update_fields=["state", "submitted_at", "is_public", "updated_at"])
    # Queued in this transaction and sent by a task after commit: a mail server that fails
    # never turns the decision into an error, and a shortlist of hundreds waits for no SMTP.
    if notify:
        _notify_members(change)
    return change


def _notify_members(change: ProjectStateChange) -> None:
    queue_to_users(
        template_prefix="projects/email/state_changed",
        context={"project": change.project, "change": change},
        users=change.project.organisation.members.all(),
    )


def _locked(project: Project) -> Project:
    with row_lock():
        return Project.objects.select_for_update().select_related("fair", "organisation").get(pk=project.pk)


@transaction.atomic
def project_submit(*, project: Project, user, now: datetime | None = None) -> ProjectStateChange:
    project = _locked(project)
    now = now or timezone.now()
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
    project = _locked(project)
    now = now or timezone.now()
    if not permissions.can_withdraw_project(user, project, now):
        raise PermissionDenied
    return _record_transition(project=project, to_state=ProjectState.WITHDRAWN, actor=user, note="")


def return_refusal(*, project: Project, now: datetime) -> TransitionNotAllowed | None:
    """Why `project` cannot be returned for changes now, or None: asked before the organiser
    writes the message to the NGO, so nothing typed is lost to a refusal known in advance."""
    if project.state not in ORGANISER_TRANSITIONS[ProjectState.RETURNED]:
        return TransitionNotAllowed(
            _("%(project)s is %(state)s and cannot be moved to “%(target)s”.")
            % {
                "project": quoted(project.title),
                "state": project.get_state_display(),
                "target": ProjectState.RETURNED.label,
            },
            code="transition_not_allowed",
        )
    if project.fair.phase_at(now) not in RETURN_PHASES:
        return TransitionNotAllowed(
            _("%(project)s cannot be returned now: NGOs can only make changes until the review ends.")
            % {"project": quoted(project.title)},
            code="transition_not_allowed",
        )
    return None


@transaction.atomic
def project_change_state(
    *, project: Project, to_state: str, actor, note: str = "", notify: bool = True
) -> ProjectStateChange:
    """An organiser's decision: return for changes, finalist, not selected.

    `notify=False` when the caller sends the NGO a mail of its own (a winner's names the award)."""
    if not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    project = _locked(project)
    allowed_from = ORGANISER_TRANSITIONS.get(to_state, set())
    if project.state not in allowed_from:
        raise TransitionNotAllowed(
            _("%(project)s is %(state)s and cannot be moved to “%(target)s”.")
            % {
                "project": quoted(project.title),
                "state": project.get_state_display(),
                "target": ProjectState(to_state).label,
            },
            code="transition_not_allowed",
        )
    if to_state == ProjectState.RETURNED and not note.strip():
        raise ValidationError(_("Tell the NGO what to change."), code="note_required")
    if to_state == ProjectState.RETURNED and (refusal := return_refusal(project=project, now=timezone.now())):
        raise refusal
    from_state = project.state
    change = _record_transition(
        project=project, to_state=to_state, actor=actor, note=note.strip(), notify=notify
    )
    # The history row holds the decision; the audit event points at it for the organisers' trail.
    audit.record(
        actor=actor,
        action="project.state_changed",
        target=project,
        reason=change.note,
        details={"from": from_state, "to": to_state, "state_change": change.pk},
    )
    return change


def project_return_for_changes(*, project: Project, actor, message: str) -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.RETURNED, actor=actor, note=message)


def project_mark_finalist(*, project: Project, actor, note: str = "") -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.FINALIST, actor=actor, note=note)


def project_mark_awarded(
    *, project: Project, actor, note: str = "", notify: bool = True
) -> ProjectStateChange:
    return project_change_state(
        project=project, to_state=ProjectState.AWARDED, actor=actor, note=note, notify=notify
    )


def project_mark_not_selected(*, project: Project, actor, note: str = "") -> ProjectStateChange:
    return project_change_state(project=project, to_state=ProjectState.NOT_SELECTED, actor=actor, note=note)


@transaction.atomic
def project_set_public(*, project: Project, actor, public: bool) -> Project:
    """Show a submitted project on the public site (or hide it again); an organiser's call.

    Finalists and winners are public whatever this says; drafts never are (see
    `ProjectQuerySet.public`).
    """
    if not actor.has_perm("projects.change_project_state"):
        raise PermissionDenied
    project = _locked(project)
    if public and project.state not in SHOWABLE_STATES:
        raise TransitionNotAllowed(
            _("%(project)s is %(state)s: only submitted projects can be shown.")
            % {"project": quoted(project.title), "state": project.get_state_display()},
            code="not_showable",
        )
    if project.is_public == public:
        return project  # nothing changes, nothing to record
    Project.objects.filter(pk=project.pk).update(is_public=public, updated_at=timezone.now())
    page_cache.invalidate()  # update() sends no signal
    project.is_public = public
    audit.record(actor=actor, action="project.shown" if public else "project.hidden", target=project)
    return project


# ---------------------------------------------------------------- the organisers' digest

DIGEST_PROJECTS_PER_FAIR = 30
# A digest covers submissions up to this long before it runs. `submitted_at` is set inside the
# submitting transaction, which may commit after a digest read the table: a project stamped a
# second before the digest but committed a second after would fall between two digests. No web
# transaction outlives the statement timeout (seconds), so ten minutes leave a wide margin.
DIGEST_SETTLING = timedelta(minutes=10)


def organiser_digest_send(*, now: datetime | None = None) -> int:
    """Mail the organisers the projects submitted since the last digest; once per (Almaty) day.

    Returns how many e-mails were queued: 0 when today's digest was already sent (the unique
    day is claimed first, in the same transaction as the mails) or nothing new was submitted.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        last = OrganiserDigest.objects.order_by("-until").first()
        until = now - DIGEST_SETTLING
        since = last.until if last is not None else until - timedelta(days=1)
        try:
            with transaction.atomic():
                digest = OrganiserDigest.objects.create(day=day, since=since, until=until)
        except IntegrityError:
            return 0  # sent today already, perhaps by a run at this very moment
        submitted = (
            Project.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
            .exclude(state=ProjectState.DRAFT)
            .select_related("fair", "organisation")
            .order_by("fair_id", "submitted_at", "pk")
        )
        groups: dict[int, dict] = {}
        for project in submitted:
            group = groups.setdefault(project.fair_id, {"fair": project.fair, "count": 0, "projects": []})
            group["count"] += 1
            if len(group["projects"]) < DIGEST_PROJECTS_PER_FAIR:
                group["projects"].append(project)
        for group in groups.values():
            group["more"] = group["count"] - len(group["projects"])
        total = sum(group["count"] for group in groups.values())
        if not total:
            return 0
        rows = queue_to_users(
            template_prefix="projects/email/organiser_digest",
            context={"since": since, "until": until, "total": total, "fairs": list(groups.values())},
            users=selectors.organisers_to_notify(),
        )
        OrganiserDigest.objects.filter(pk=digest.pk).update(submissions=total, recipients=len(rows))
        return len(rows)
