"""The ceremony's own pages in the admin (`fairportal.admin_pages`): the people's choice and
the participant awards, both for `awards.add_award`; the final ranking of the two jury rounds
(for `presentations.view_final_ranking` or the jury's `view_ranking`), its protocol, and the
jury prizes proposed from it (for both that and `awards.add_award`).

The final ranking is shown here, on the ceremony, because it is what the jury's prizes are
given from; `presentations` knows nothing of awards, awards reads its selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from awards import services
from awards.models import Award, AwardKind, Ceremony
from fairportal import audit
from fairportal.text import quoted
from presentations import final_protocol
from presentations import permissions as presentation_permissions
from presentations import selectors as presentation_selectors
from presentations.models import PresentationRound
from projects.models import Project

CEREMONIES = Ceremony.objects.select_related("fair")


def _ceremony(model_admin, request, pk) -> Ceremony:
    return model_admin.page_object(CEREMONIES, pk, allowed=request.user.has_perm("awards.add_award"))


def participants_given_message(count: int) -> str:
    return ngettext(
        "%(count)d finalist received a participant award.",
        "%(count)d finalists received a participant award.",
        count,
    ) % {"count": count}


def peoples_choice(model_admin, request, pk):
    ceremony = _ceremony(model_admin, request, pk)
    per_nomination = request.GET.get("scope", request.POST.get("scope", "nomination")) == "nomination"
    if request.method == "POST":
        project_id = request.POST.get("project", "")
        project = get_object_or_404(
            Project, pk=project_id if project_id.isdecimal() else 0, fair_id=ceremony.fair_id
        )
        try:
            services.peoples_choice_confirm(
                ceremony=ceremony, project=project, per_nomination=per_nomination, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("%(project)s receives the people's choice award.")
                % {"project": quoted(project.title)},
            )
        return HttpResponseRedirect(request.get_full_path())
    try:
        proposal = services.peoples_choice_proposal(fair=ceremony.fair, per_nomination=per_nomination)
        error = None
    except ValidationError as exc:
        proposal, error = {}, " ".join(exc.messages)
    awarded = list(
        Award.objects.filter(ceremony=ceremony, kind=AwardKind.PEOPLES_CHOICE).values_list(
            "project_id", "nomination_id"
        )
    )
    given_groups = {nomination_id for _project, nomination_id in awarded}
    # Once one scope has its award(s), the other offers none: one or the other, never both.
    other_scope_used = any((nomination_id is None) == per_nomination for nomination_id in given_groups)
    return model_admin.render_page(
        request,
        "admin/awards/ceremony/peoples_choice.html",
        title=gettext("People's choice"),
        obj=ceremony,
        subtitle=str(ceremony.fair),
        groups=[
            (
                nomination,
                candidates,
                other_scope_used or (nomination.pk if nomination else None) in given_groups,
            )
            for nomination, candidates in proposal.items()
        ],
        error=error,
        per_nomination=per_nomination,
        given={project_id for project_id, _nomination in awarded},
        closes_at=ceremony.fair.voting_closes_at,
        now=timezone.now(),
    )


def participants(model_admin, request, pk):
    ceremony = _ceremony(model_admin, request, pk)
    if request.method == "POST":
        count = services.award_participants(ceremony=ceremony, actor=request.user)
        messages.success(request, participants_given_message(count))
    return HttpResponseRedirect(reverse("admin:awards_ceremony_change", args=[ceremony.pk]))


# ---------------------------------------------------------------- the final ranking and jury prizes


def _round_of(ceremony: Ceremony) -> PresentationRound | None:
    return (
        PresentationRound.objects.select_related("review__fair")
        .filter(review__fair_id=ceremony.fair_id)
        .first()
    )


def final_ranking(model_admin, request, pk):
    ceremony = model_admin.page_object(
        CEREMONIES, pk, allowed=presentation_permissions.can_view_final_ranking(request.user)
    )
    round = _round_of(ceremony)
    ranking = presentation_selectors.final_ranking(round) if round is not None else None
    return model_admin.render_page(
        request,
        "admin/awards/ceremony/final_ranking.html",
        title=gettext("Final ranking"),
        obj=ceremony,
        subtitle=str(ceremony.fair),
        round=round,
        ranking=ranking,
        can_propose=request.user.has_perm("awards.add_award"),
        scoring_open=round is not None and round.scoring_open_at(timezone.now()),
    )


def final_protocol_pdf(model_admin, request, pk):
    ceremony = model_admin.page_object(
        CEREMONIES, pk, allowed=presentation_permissions.can_view_final_ranking(request.user)
    )
    round = _round_of(ceremony)
    if round is None:
        raise Http404
    pdf = final_protocol.final_protocol_pdf(presentation_selectors.final_ranking(round))
    audit.record(actor=request.user, action="export.final_protocol", fair_id=ceremony.fair_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    language = translation.get_language() or "kk"
    response["Content-Disposition"] = f'inline; filename="final-protocol-{ceremony.fair.slug}-{language}.pdf"'
    return response


def jury_prizes(model_admin, request, pk):
    """The proposal for review (GET), then the prizes given as reviewed (POST)."""
    ceremony = model_admin.page_object(
        CEREMONIES,
        pk,
        allowed=request.user.has_perm("awards.add_award")
        and presentation_permissions.can_view_final_ranking(request.user),
    )
    if request.method == "POST":
        try:
            given = services.jury_prizes_give(
                ceremony=ceremony, expected=request.POST.getlist("place"), actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())
        messages.success(
            request,
            ngettext(
                "%(count)d jury prize given from the final ranking.",
                "%(count)d jury prizes given from the final ranking.",
                len(given),
            )
            % {"count": len(given)},
        )
        return HttpResponseRedirect(reverse("admin:awards_ceremony_change", args=[ceremony.pk]))
    try:
        proposal, error = services.jury_prizes_proposal(ceremony=ceremony), None
    except ValidationError as exc:
        proposal, error = None, " ".join(exc.messages)
    return model_admin.render_page(
        request,
        "admin/awards/ceremony/jury_prizes.html",
        title=gettext("Jury prizes from the final ranking"),
        obj=ceremony,
        subtitle=str(ceremony.fair),
        proposal=proposal,
        error=error,
    )
