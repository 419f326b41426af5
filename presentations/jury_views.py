"""The juror's presentation pages: the programme by day, scoring one presentation, a conflict.

Thin, like `jury.views`: the seat is looked up for the logged-in user and the fair in the URL;
a slot the seat does not hear (another fair, another nomination, the juror's own NGO) answers
404, so a juror learns nothing about what they do not judge. A juror who recused sees that
they did, and nothing of the project.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fairportal.locks import RETRY_AFTER_SECONDS, Busy
from fairportal.text import quoted
from jury import selectors as jury_selectors
from jury.models import Juror
from presentations import permissions, scoring, selectors
from presentations.forms import PresentationRecusalForm, PresentationScoringForm
from presentations.models import PresentationRound, Slot


def _seat(request: HttpRequest, fair_slug: str) -> tuple[Juror, PresentationRound]:
    if not permissions.can_act_as_juror(request.user):
        raise PermissionDenied
    juror = get_object_or_404(jury_selectors.seats_of(request.user), review__fair__slug=fair_slug)
    round = selectors.round_of_seat(juror)
    if round is None:
        raise Http404
    return juror, round


def _seat_slot(request: HttpRequest, fair_slug: str, slot_id: int) -> tuple[Juror, PresentationRound, Slot]:
    juror, round = _seat(request, fair_slug)
    slot = get_object_or_404(
        Slot.objects.select_related("project__organisation", "project__nomination", "project__fair"),
        pk=slot_id,
        round=round,
    )
    slot.round = round
    if not permissions.can_hear(request.user, juror, slot):
        raise Http404
    return juror, round, slot


def _programme_url(fair_slug: str, slot: Slot) -> str:
    day = timezone.localtime(slot.starts_at).date()
    return f"{reverse('presentations:jury_programme', args=[fair_slug])}?day={day.isoformat()}"


def _refusal_message(refusal: str | None, slot: Slot) -> str | None:
    if refusal is None:
        return None
    message = str(scoring.REFUSALS[refusal])
    if refusal == "not_started":
        start = formats.time_format(timezone.localtime(slot.starts_at), "H:i")
        message += " " + _("It starts at %(start)s.") % {"start": start}
    return message


@login_required
def programme(request: HttpRequest, fair_slug: str) -> HttpResponse:
    """The day's presentations in order; today first when there are some, the others a tap away."""
    juror, round = _seat(request, fair_slug)
    now = timezone.now()
    days = selectors.programme(juror, round, now=now)
    try:
        asked = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        asked = None
    today = timezone.localdate(now)
    shown = selectors.day_to_show(days, today=today, asked=asked)
    return render(
        request,
        "presentations/jury/programme.html",
        {
            "juror": juror,
            "round": round,
            "fair": round.review.fair,
            "days": days,
            "shown": shown,
            "today": today,
            "closed": not round.scoring_open_at(now),
        },
    )


@login_required
def slot_score(request: HttpRequest, fair_slug: str, slot_id: int) -> HttpResponse:
    juror, round, slot = _seat_slot(request, fair_slug, slot_id)
    now = timezone.now()
    recusal = juror.recusals.filter(project_id=slot.project_id).first()
    if recusal is not None:
        # Nothing of the project: the juror declared they cannot judge it.
        return render(
            request,
            "presentations/jury/slot_recused.html",
            {"recusal": recusal, "programme_url": _programme_url(fair_slug, slot)},
        )
    refusal = permissions.scoring_refusal(round, slot, now)
    can_score = refusal is None
    evaluation = selectors.own_presentation_evaluation(juror, slot)
    criteria = selectors.criteria_of(round)
    form = PresentationScoringForm(
        request.POST if request.method == "POST" and can_score else None,
        criteria=criteria,
        evaluation=evaluation,
    )
    busy = False
    if request.method == "POST" and can_score and form.is_valid():
        try:
            scoring.presentation_evaluation_save(
                juror=juror, slot=slot, answers=form.answers(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except Busy as error:
            form.add_error(None, error.message)
            busy = True
        else:
            messages.success(
                request,
                _("Your scores of the presentation of %(title)s are saved.")
                % {"title": quoted(slot.project.title)},
            )
            return redirect(_programme_url(fair_slug, slot))
    response = render(
        request,
        "presentations/jury/slot.html",
        {
            "juror": juror,
            "round": round,
            "fair": round.review.fair,
            "slot": slot,
            "project": slot.project,
            "form": form,
            "criteria": criteria,
            "can_score": can_score,
            "refusal": refusal,
            "refusal_message": _refusal_message(refusal, slot),
            "evaluation": evaluation,
            "room": slot.room or round.room,
            "video_link": slot.video_link or round.video_link,
            "can_recuse": round.scoring_open_at(now),
            "programme_url": _programme_url(fair_slug, slot),
        },
        status=503 if busy else 200,
    )
    if busy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
def slot_recuse(request: HttpRequest, fair_slug: str, slot_id: int) -> HttpResponse:
    juror, round, slot = _seat_slot(request, fair_slug, slot_id)
    if juror.recusals.filter(project_id=slot.project_id).exists() or not round.scoring_open_at(
        timezone.now()
    ):
        # Nothing to declare any more: the presentation's page says where things stand.
        return redirect("presentations:jury_slot", fair_slug=fair_slug, slot_id=slot.pk)
    form = PresentationRecusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scoring.presentation_recusal_declare(juror=juror, slot=slot, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your conflict of interest for %(title)s is recorded. You no longer judge this project.")
                % {"title": quoted(slot.project.title)},
            )
            return redirect(_programme_url(fair_slug, slot))
    return render(
        request,
        "presentations/jury/recuse.html",
        {"juror": juror, "round": round, "slot": slot, "project": slot.project, "form": form},
    )
