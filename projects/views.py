"""The NGO's private pages. Thin: forms validate, services decide and write.

Pages of an organisation or project answer 404 to anyone who is not a member, so
their existence is not revealed; rules that depend on the deadline are asked of
`projects.permissions` with the current time.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fairportal.ratelimit import ratelimit
from projects import permissions, selectors, services
from projects.forms import (
    ImageDescriptionForm,
    InvitationForm,
    NewProjectForm,
    OrganisationForm,
    ProjectForm,
    ProjectImageForm,
)
from projects.media import parse_video_url
from projects.models import MAX_IMAGES_PER_PROJECT, ProjectImage


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form so the user sees it next to their input."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _member_project(request: HttpRequest, pk: int):
    project = selectors.project_for_member(request.user, pk)
    if project is None:
        raise Http404
    return project


def _member_organisation(request: HttpRequest, pk: int):
    organisation = selectors.organisation_for_member(request.user, pk)
    if organisation is None:
        raise Http404
    return organisation


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "projects/dashboard.html",
        {
            "organisations": selectors.organisations_of(request.user),
            "open_fairs": selectors.fairs_open_for_submission(now),
            "invitations": [
                (invitation, services.invitation_token(invitation))
                for invitation in selectors.open_invitations_for(request.user)
            ],
        },
    )


# ---------------------------------------------------------------- organisations


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                user=request.user, data=form.domain_data(), logo=form.cleaned_data.get("logo_upload")
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your organisation is registered. Now add its first project."))
            return redirect("projects:organisation_detail", pk=organisation.pk)
    return render(request, "projects/organisation_form.html", {"form": form, "creating": True})


def _organisation_page(request: HttpRequest, organisation, invitation_form=None, status=200) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "projects/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by("created_at"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "projects": organisation.projects.select_related("fair", "nomination"),
            "open_fairs": selectors.fairs_open_for_submission(now),
            "can_invite": permissions.can_invite_members(request.user, organisation),
            "invitation_form": invitation_form or InvitationForm(),
        },
        status=status,
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_page(request, _member_organisation(request, pk))


@login_required
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _member_organisation(request, pk)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                user=request.user,
                data=form.domain_data(),
                logo=form.cleaned_data.get("logo_upload"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organisation's profile is saved."))
            return redirect("projects:organisation_detail", pk=organisation.pk)
    return render(request, "projects/organisation_form.html", {"form": form, "organisation": organisation})


@require_POST
@login_required
@ratelimit(group="projects.invite", key="ip", rate="30/h")
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _member_organisation(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("The invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("projects:organisation_detail", pk=organisation.pk)
    # Show the page again with the address as typed and the reason next to it.
    return _organisation_page(request, organisation, invitation_form=form, status=400)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "projects/invitation_invalid.html", status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation.name}
            )
            return redirect("projects:organisation_detail", pk=invitation.organisation_id)
    return render(request, "projects/invitation_accept.html", {"invitation": invitation, "error": error})


# ---------------------------------------------------------------- projects


@login_required
def project_create(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = _member_organisation(request, organisation_pk)
    now = timezone.now()
    form = NewProjectForm(request.POST or None, fairs=selectors.fairs_open_for_submission(now))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                organisation=organisation,
                fair=form.cleaned_data["fair"],
                user=request.user,
                data={"title": form.cleaned_data["title"]},
                now=now,
            )
        except PermissionDenied:
            form.add_error("fair", _("Submission to this fair is closed."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The draft is created. Fill it in at your own pace and save as you go.")
            )
            return redirect("projects:project_update", pk=project.pk)
    return render(request, "projects/project_create.html", {"form": form, "organisation": organisation})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _member_project(request, pk)
    now = timezone.now()
    can_submit = permissions.can_submit_project(request.user, project, now)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "video": parse_video_url(project.video_url) if project.video_url else None,
            "can_edit": permissions.can_edit_project(request.user, project, now),
            "can_submit": can_submit,
            "can_withdraw": permissions.can_withdraw_project(request.user, project, now),
            "missing": services.project_missing_fields(project) if can_submit else [],
            "phase": project.fair.phase_at(now),
            "history": project.state_changes.all(),
            "return_note": selectors.return_note(project),
        },
    )


@login_required
def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = _member_project(request, pk)
    now = timezone.now()
    editable = permissions.can_edit_project(request.user, project, now)
    if request.method != "POST" and not editable:
        messages.warning(request, _("This project can no longer be changed."))
        return redirect("projects:project_detail", pk=project.pk)
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project, fair=project.fair)
    closed = _("Submission has closed: this project can no longer be changed.")
    if request.method == "POST" and not editable:
        # Show what was typed, so nothing is lost when the deadline has just passed.
        form.is_valid()
        form.add_error(None, closed)
    elif request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, user=request.user, data=form.domain_data(), now=now)
        except PermissionDenied:
            form.add_error(None, closed)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            if "save_and_view" in request.POST:
                return redirect("projects:project_detail", pk=project.pk)
            return redirect("projects:project_update", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "return_note": selectors.return_note(project)},
    )


@require_POST
@login_required
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _member_project(request, pk)
    try:
        services.project_submit(project=project, user=request.user)
    except PermissionDenied:
        messages.error(request, _("This project cannot be submitted now."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The project is submitted. You can still change it until submission closes.")
        )
    return redirect("projects:project_detail", pk=project.pk)


@login_required
def project_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing cannot be undone, so it asks first (GET) and acts on the confirmation (POST)."""
    project = _member_project(request, pk)
    if request.method != "POST":
        if not permissions.can_withdraw_project(request.user, project, timezone.now()):
            messages.error(request, _("This project cannot be withdrawn now."))
            return redirect("projects:project_detail", pk=project.pk)
        return render(request, "projects/project_withdraw.html", {"project": project})
    try:
        services.project_withdraw(project=project, user=request.user)
    except PermissionDenied:
        messages.error(request, _("This project cannot be withdrawn now."))
    else:
        messages.success(request, _("The project is withdrawn from the fair."))
    return redirect("projects:project_detail", pk=project.pk)


@login_required
def project_images(request: HttpRequest, pk: int) -> HttpResponse:
    project = _member_project(request, pk)
    now = timezone.now()
    editable = permissions.can_edit_project(request.user, project, now)
    form = ProjectImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            form.add_error(None, _("Submission has closed: images can no longer be changed."))
        elif form.is_valid():
            try:
                services.project_add_image(
                    project=project,
                    user=request.user,
                    upload=form.cleaned_data["image"],
                    alt_text=form.cleaned_data["alt_text"],
                    now=now,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    _add_errors(form, error)
                else:
                    form.add_error("image", error)
            else:
                messages.success(request, _("The image is added."))
                return redirect("projects:project_images", pk=project.pk)
    images = project.images.all()
    return render(
        request,
        "projects/project_images.html",
        {
            "project": project,
            "form": form,
            "images": images,
            "editable": editable,
            "can_add": editable and len(images) < MAX_IMAGES_PER_PROJECT,
            "max_images": MAX_IMAGES_PER_PROJECT,
        },
    )


def _member_image(request: HttpRequest, pk: int, image_pk: int) -> ProjectImage:
    project = _member_project(request, pk)
    return get_object_or_404(
        ProjectImage.objects.select_related("project__fair"), pk=image_pk, project=project
    )


@require_POST
@login_required
def project_image_update(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    image = _member_image(request, pk, image_pk)
    form = ImageDescriptionForm(request.POST)
    if form.is_valid():
        try:
            services.project_update_image(
                image=image, user=request.user, alt_text=form.cleaned_data["alt_text"]
            )
        except PermissionDenied:
            messages.error(request, _("Submission has closed: images can no longer be changed."))
        else:
            messages.success(request, _("The description is saved."))
    else:
        messages.error(request, _("Describe what the image shows."))
    return redirect("projects:project_images", pk=pk)


@require_POST
@login_required
def project_image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    image = _member_image(request, pk, image_pk)
    try:
        services.project_remove_image(image=image, user=request.user)
    except PermissionDenied:
        messages.error(request, _("Submission has closed: images can no longer be changed."))
    else:
        messages.success(request, _("The image is removed."))
    return redirect("projects:project_images", pk=pk)
