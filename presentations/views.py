"""The NGO's page of its presentation slot (and its .ics) and the fair's public programme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fairportal.locks import Busy
from fairportal.page_cache import cached_public_page
from presentations import ics, ngo_permissions, programme, services
from presentations.forms import SlotAnswerForm
from presentations.models import PRESENTING_STATES, SlotAnswer
from projects import selectors as project_selectors
from projects.models import Project


def _members_slot(request: HttpRequest, pk: int):
    """The project's slot for a member of its NGO; a 404 for everyone else, as if none existed."""
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    if not ngo_permissions.can_see_slot(request.user, project):
        raise Http404
    slot = programme.slot_of(project)
    if slot is None:
        raise Http404
    return slot


def _initial(slot, answer: str) -> SlotAnswerForm:
    return SlotAnswerForm(
        initial={
            "answer": answer,
            "sequence": slot.sequence,
            "note": slot.answer_note if answer == "swap" else "",
        },
        prefix=answer,
    )


@login_required
def ngo_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _members_slot(request, pk)
    forms = {answer: _initial(slot, answer) for answer in (SlotAnswer.CONFIRMED, SlotAnswer.SWAP)}
    status = 200
    if request.method == "POST":
        chosen = SlotAnswer.SWAP if "swap-answer" in request.POST else SlotAnswer.CONFIRMED
        form = SlotAnswerForm(request.POST, prefix=chosen)
        forms[chosen] = form
        if form.is_valid():
            try:
                services.slot_answer(
                    slot=slot,
                    user=request.user,
                    answer=form.cleaned_data["answer"],
                    note=form.cleaned_data["note"],
                    sequence=form.cleaned_data["sequence"],
                )
            except PermissionDenied as error:
                raise Http404 from error
            except Busy as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you: the organisers see that you confirmed the time.")
                    if form.cleaned_data["answer"] == SlotAnswer.CONFIRMED
                    else _(
                        "Thank you: the organisers see your request and will write to you with a new time."
                    ),
                )
                return redirect("presentations:ngo_slot", pk=slot.project_id)
        status = 400
    return render(
        request,
        "presentations/ngo_slot.html",
        {
            "slot": slot,
            "project": slot.project,
            "fair": slot.round.review.fair,
            "confirm_form": forms[SlotAnswer.CONFIRMED],
            "swap_form": forms[SlotAnswer.SWAP],
            "answerable": services.slot_answerable(slot),
            "presenting": slot.project.state in PRESENTING_STATES,
            "location": ics.location(slot),
        },
        status=status,
    )


@login_required
def ngo_slot_ics(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _members_slot(request, pk)
    response = HttpResponse(ics.slot_calendar(slot), content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(slot)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@cached_public_page
def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    fair = get_object_or_404(project_selectors.public_fairs(), slug=slug)
    shown = programme.public_programme(fair)
    if shown is None:
        raise Http404
    return render(request, "presentations/programme.html", {"fair": fair, "programme": shown})
