"""The juror's pages on the public site. Thin: forms validate, `jury.services` decide and write.

A seat is looked up for the logged-in user and the fair in the URL; a project outside the
seat (another fair, another nomination, not under review) answers 404, so jurors learn
nothing about what they do not review. Other jurors' scores and the ranking never appear here.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from fairportal.locks import RETRY_AFTER_SECONDS, Busy
from fairportal.ratelimit import ratelimit
from fairportal.text import quoted
from jury import permissions, protocol, selectors, services
from jury.forms import FinaliseForm, RecusalForm, ScoringForm
from jury.models import Juror, Normalisation, Review
from projects.media import parse_video_url
from projects.models import Project


def _seat(request: HttpRequest, fair_slug: str) -> Juror:
    if not permissions.can_act_as_juror(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.seats_of(request.user), review__fair__slug=fair_slug)


def _seat_project(request: HttpRequest, fair_slug: str, pk: int) -> tuple[Juror, Project]:
    juror = _seat(request, fair_slug)
    project = get_object_or_404(
        Project.objects.select_related("organisation", "nomination", "region", "fair").prefetch_related(
            "spheres", "images"
        ),
        pk=pk,
    )
    if not permissions.seat_covers(juror, project):
        raise Http404
    return juror, project


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.can_act_as_juror(request.user):
        raise PermissionDenied
    now = timezone.now()
    seats = []
    for juror in selectors.seats_of(request.user):
        items, progress = selectors.worklist(juror)
        seats.append(
            {
                "juror": juror,
                "items": items,
                "progress": progress,
                "can_change": permissions.can_change_scores(juror, now),
                "not_yet_open": now < juror.review.opens_at,
            }
        )
    return render(request, "jury/dashboard.html", {"seats": seats})


def _next_to_score(juror: Juror, after: Project) -> Project | None:
    """The next project in the list still waiting for scores, wrapping round to the start."""
    items, _progress = selectors.worklist(juror)
    projects = [item.project for item in items]
    waiting = {
        item.project.pk
        for item in items
        if item.status in (selectors.WorkStatus.TO_SCORE, selectors.WorkStatus.INCOMPLETE)
    }
    start = next((index for index, project in enumerate(projects) if project.pk == after.pk), -1) + 1
    ordered = projects[start:] + projects[:start]
    return next((project for project in ordered if project.pk in waiting and project.pk != after.pk), None)


@login_required
def project_review(request: HttpRequest, fair_slug: str, pk: int) -> HttpResponse:
    juror, project = _seat_project(request, fair_slug, pk)
    now = timezone.now()
    can_change = permissions.can_change_scores(juror, now)
    recusal = juror.recusals.filter(project=project).first()
    evaluation = selectors.own_evaluation(juror, project)
    criteria = selectors.criteria_of(juror.review)
    form = ScoringForm(
        request.POST if request.method == "POST" else None, criteria=criteria, evaluation=evaluation
    )
    busy = False
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_save(
                juror=juror,
                project=project,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                comment_for_ngo=form.cleaned_data["comment_for_ngo"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except Busy as error:
            # The form comes back with every score the juror entered, to send again.
            form.add_error(None, error.message)
            busy = True
        else:
            messages.success(
                request, _("Your scores for %(title)s are saved.") % {"title": quoted(project.title)}
            )
            following = _next_to_score(juror, project) if "next" in request.POST else None
            if following is not None:
                return redirect("jury:project", fair_slug=fair_slug, pk=following.pk)
            return redirect("jury:dashboard")
    response = render(
        request,
        "jury/project_review.html",
        {
            "juror": juror,
            "project": project,
            "fair": juror.review.fair,
            "form": form,
            "can_change": can_change and recusal is None,
            "not_yet_open": now < juror.review.opens_at,
            "recusal": recusal,
            "evaluation": evaluation,
            "video": parse_video_url(project.video_url) if project.video_url else None,
        },
        status=503 if busy else 200,
    )
    if busy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
def recuse(request: HttpRequest, fair_slug: str, pk: int) -> HttpResponse:
    juror, project = _seat_project(request, fair_slug, pk)
    if juror.recusals.filter(project=project).exists() or not permissions.can_change_scores(
        juror, timezone.now()
    ):
        # Nothing to declare any more: the project page says where things stand.
        return redirect("jury:project", fair_slug=fair_slug, pk=project.pk)
    form = RecusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_declare(juror=juror, project=project, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your conflict of interest for %(title)s is recorded. You no longer review this project.")
                % {"title": quoted(project.title)},
            )
            return redirect("jury:dashboard")
    return render(request, "jury/recuse.html", {"juror": juror, "project": project, "form": form})


@login_required
def finalise(request: HttpRequest, fair_slug: str) -> HttpResponse:
    juror = _seat(request, fair_slug)
    _items, progress = selectors.worklist(juror)
    if not progress.done or not permissions.can_change_scores(juror, timezone.now()):
        messages.info(
            request,
            ngettext(
                "%(count)d project still needs your scores.",
                "%(count)d projects still need your scores.",
                progress.left,
            )
            % {"count": progress.left}
            if not progress.done
            else _("Your scores are already final, or the review window is closed."),
        )
        return redirect("jury:dashboard")
    form = FinaliseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.juror_finalise(juror=juror)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you! Your scores are final."))
            return redirect("jury:dashboard")
    return render(request, "jury/finalise.html", {"juror": juror, "progress": progress, "form": form})


@never_cache
@ratelimit(group="jury.welcome", key="ip", rate="30/h")
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person without an account chooses a password, and is logged in."""
    juror = services.juror_from_welcome_token(token)
    if juror is None:
        return render(request, "jury/welcome_invalid.html", status=400)
    form = SetPasswordForm(juror.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.welcome_set_password(juror=juror, password=form.cleaned_data["new_password1"])
        login(request, juror.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to the jury! Your password is set."))
        return redirect("jury:dashboard")
    return render(request, "jury/welcome.html", {"juror": juror, "form": form})


# ---------------------------------------------------------------- the commission's protocol


def commission_protocol_response(review: Review) -> HttpResponse:
    """The protocol PDF in the active language, shown in the browser (the admin serves it too)."""
    pdf = protocol.commission_protocol_pdf(selectors.commission_protocol(review))
    language = translation.get_language() or "kk"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="commission-protocol-{review.fair.slug}-{language}.pdf"'
    )
    return response


# Drawing the PDF of a national fair takes a while: generous for people, not for a loop.
@never_cache
@ratelimit(group="jury.protocol", key="ip", rate="120/h", methods=("GET",))
def commission_protocol(request: HttpRequest, slug: str) -> HttpResponse:
    """The fair's commission protocol; 404 until the organisers' choice makes it public."""
    review = get_object_or_404(Review.objects.select_related("fair"), fair__slug=slug)
    if not permissions.can_see_commission_protocol(request.user, review, timezone.now()):
        raise Http404
    return commission_protocol_response(review)


# ---------------------------------------------------------------- the NGO's side


@login_required
def ngo_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The jury's feedback on one project, for its NGO; 404 for anyone else and before the shortlist."""
    project = get_object_or_404(Project.objects.select_related("organisation", "fair", "nomination"), pk=pk)
    review = Review.objects.filter(fair_id=project.fair_id).first()
    if not permissions.can_see_ngo_feedback(request.user, project, review):
        raise Http404
    feedback = selectors.ngo_feedback(project)
    if feedback is None:
        raise Http404
    return render(request, "jury/ngo_feedback.html", {"project": project, "feedback": feedback})


def scoring_method(request: HttpRequest) -> HttpResponse:
    """How the jury's scores are combined, for NGOs and the public (the same for every fair)."""
    return render(
        request,
        "jury/scoring_method.html",
        {
            "min_projects": selectors.NORMALISATION_MIN_PROJECTS,
            "places": selectors.NORMALISED_PLACES,
            "Normalisation": Normalisation,
        },
    )
