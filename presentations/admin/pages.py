"""The presentation round's own pages in the admin (`fairportal.admin_pages`): opening a round,
the proposed schedule and applying it, moving and swapping a slot. Each calls a service and
checks its own permission."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from fairportal.admin_pages import require
from fairportal.locks import Busy
from presentations import ngo_permissions, selectors, services
from presentations.admin.forms import RoundOpenForm, SlotMoveForm, SlotSwapForm
from presentations.models import PresentationRound, Slot

ROUNDS = PresentationRound.objects.select_related("review__fair")
SLOTS = Slot.objects.select_related("round__review__fair", "project__organisation", "project__nomination")


def _error_text(error: ValidationError | Busy) -> str:
    """A service's refusal, or the row lock's "try again", as one line for a message."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _warn_about_ngos_not_told(request, slots) -> None:
    """Only NGOs with a member account get the e-mail: name the others, not a blanket "told"."""
    untold = selectors.ngos_nobody_hears_from(slots)
    if untold:
        messages.warning(
            request,
            ngettext(
                "%(count)d NGO has no account on the portal and was not e-mailed; tell it yourselves: %(names)s.",
                "%(count)d NGOs have no account on the portal and were not e-mailed; tell them yourselves: %(names)s.",
                len(untold),
            )
            % {"count": len(untold), "names": "; ".join(str(project.organisation) for project in untold)},
        )


def round_open(model_admin, request):
    require(ngo_permissions.can_open_round(request.user))
    # Reached from the review's page after its shortlist, with the review chosen already.
    form = RoundOpenForm(request.POST or None, initial={"review": request.GET.get("review")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            presentation_round = services.round_open(
                actor=request.user,
                review=data["review"],
                first_day=data["first_day"],
                days=data["days"],
                day_starts_at=data["day_starts_at"],
                day_ends_at=data["day_ends_at"],
                slot_minutes=data["slot_minutes"],
                gap_minutes=data["gap_minutes"],
                room=data["room"],
                video_link=data["video_link"],
                reading_weight=data["reading_weight"],
                scoring_closes_at=data["scoring_closes_at"],
                copy_reading_criteria=data["copy_reading_criteria"],
            )
        except (ValidationError, Busy) as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _error_text(error))
        else:
            messages.success(request, gettext("The presentation round is open. Now propose its schedule."))
            return HttpResponseRedirect(
                reverse("admin:presentations_presentationround_schedule", args=[presentation_round.pk])
            )
    return model_admin.render_page(
        request,
        "admin/presentations/presentationround/open.html",
        title=gettext("Open a presentation round"),
        form=form,
    )


def schedule(model_admin, request, pk):
    presentation_round = model_admin.page_object(
        ROUNDS, pk, allowed=ngo_permissions.can_manage_slots(request.user)
    )
    slots_url = reverse("admin:presentations_slot_changelist") + f"?round__id__exact={presentation_round.pk}"
    if request.method == "POST" and "apply" in request.POST:
        expected = [int(part) for part in request.POST.get("expected", "").split(",") if part.isdecimal()]
        try:
            slots = services.schedule_apply(
                round=presentation_round, actor=request.user, expected_project_ids=expected
            )
        except (ValidationError, Busy) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d slot made; the finalist NGOs with an account are told by e-mail.",
                    "%(count)d slots made; the finalist NGOs with an account are told by e-mail.",
                    len(slots),
                )
                % {"count": len(slots)},
            )
            _warn_about_ngos_not_told(request, slots)
            if not presentation_round.programme_public:
                # A step left to do, not a success: Django's admin ticks info messages green.
                messages.warning(
                    request,
                    gettext(
                        "The programme is not public yet: tick “programme is public” on the round's page when it is final."
                    ),
                )
            return HttpResponseRedirect(slots_url)
    if request.method == "POST" and "add_late" in request.POST:
        try:
            slots = services.schedule_add_late(round=presentation_round, actor=request.user)
        except (ValidationError, Busy) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d slot added after the others; nothing already scheduled moved.",
                    "%(count)d slots added after the others; nothing already scheduled moved.",
                    len(slots),
                )
                % {"count": len(slots)},
            )
            _warn_about_ngos_not_told(request, slots)
            return HttpResponseRedirect(slots_url)
    proposal = problem = None
    has_slots = presentation_round.slots.exists()
    if not has_slots:
        try:
            proposal = services.schedule_propose(round=presentation_round)
        except ValidationError as error:
            problem = _error_text(error)
    return model_admin.render_page(
        request,
        "admin/presentations/presentationround/schedule.html",
        title=gettext("Schedule of the presentations"),
        obj=presentation_round,
        presentation_round=presentation_round,
        proposal=proposal,
        problem=problem,
        has_slots=has_slots,
        late=services.finalists_without_slot(presentation_round) if has_slots else [],
        slots_url=slots_url,
        expected=",".join(str(pk) for pk in proposal.project_ids) if proposal else "",
    )


def _back_to_slots(slot: Slot) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("admin:presentations_slot_changelist") + f"?round__id__exact={slot.round_id}"
    )


def slot_move(model_admin, request, pk):
    slot = model_admin.page_object(SLOTS, pk, allowed=ngo_permissions.can_manage_slots(request.user))
    form = SlotMoveForm(request.POST or None, slot=slot)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_move(
                slot=slot,
                starts_at=form.cleaned_data["starts_at"],
                room=form.cleaned_data["room"],
                actor=request.user,
            )
        except (ValidationError, Busy) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, gettext("The slot is moved; its NGO is told by e-mail if it has an account.")
            )
            _warn_about_ngos_not_told(request, [slot])
            return _back_to_slots(slot)
    return model_admin.render_page(
        request,
        "admin/presentations/slot/move.html",
        title=gettext("Move a presentation"),
        obj=slot,
        slot=slot,
        form=form,
    )


def slot_swap(model_admin, request, pk):
    slot = model_admin.page_object(SLOTS, pk, allowed=ngo_permissions.can_manage_slots(request.user))
    form = SlotSwapForm(request.POST or None, slot=slot)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_swap(a=slot, b=form.cleaned_data["other"], actor=request.user)
        except (ValidationError, Busy) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, gettext("The two slots are swapped; the NGOs with an account are told by e-mail.")
            )
            _warn_about_ngos_not_told(request, [slot, form.cleaned_data["other"]])
            return _back_to_slots(slot)
    return model_admin.render_page(
        request,
        "admin/presentations/slot/swap.html",
        title=gettext("Swap two presentations"),
        obj=slot,
        slot=slot,
        form=form,
    )
