"""The visitor's voting pages. Thin: the rules live in `voting.services`.

The session holds only the current code's id, the project and the masked address — never the
address itself; every counter that matters is in the database.
"""

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from fairportal.page_cache import cached_public_page
from fairportal.ratelimit import client_ip, network_of, ratelimit
from projects import selectors as project_selectors
from voting import abuse, proof, protocol, selectors, services
from voting.forms import CodeForm, ResendForm, VoteRequestForm, note_browser_check_shown, spend_stamp
from voting.models import LedgerCommitment, ResultsProtocol
from voting.protocol_pdf import protocol_pdf

logger = logging.getLogger(__name__)

SESSION_CODE = "vote_code_id"
SESSION_MASKED = "vote_masked"
SESSION_PROJECT = "vote_project_id"
SESSION_RECEIPT = "vote_receipt"


def _public_project(pk: int):
    project = project_selectors.public_project_brief(pk)
    if project is None:
        raise Http404
    return project


def _already_voted(request: HttpRequest, vote) -> HttpResponse:
    # Only ever for someone who typed the identity's correct code: the receipt is theirs.
    return render(request, "voting/already_voted.html", {"vote": vote}, status=200)


def _counted(request: HttpRequest, vote) -> HttpResponse:
    """Send the voter to their receipt; if the session cannot be saved, show it right here.

    The vote is committed by now. A database that fails in between (a restart, a failover) must
    not turn it into an error page: the voter would think it lost and nobody could tell them
    their receipt. Submitting the code again later shows the same receipt (`_already_voted`).
    """
    session = request.session
    try:
        # A verified visitor gets a new session id, so a session stolen earlier is useless.
        session.cycle_key()
        for key in (SESSION_CODE, SESSION_MASKED, SESSION_PROJECT):
            session.pop(key, None)
        session[SESSION_RECEIPT] = vote.receipt
        session.save()
    except DatabaseError:
        logger.warning("Vote %s counted but the session could not be saved", vote.pk, exc_info=True)
        session.modified = False  # the middleware must not try again and fail the response
        return render(request, "voting/vote_done.html", {"vote": vote, "project": vote.project})
    return redirect("voting:done")


def client_network(request: HttpRequest) -> str:
    return network_of(client_ip(request))


@never_cache
# Generous per address and per network (/24, /64): a venue's Wi-Fi or a carrier's NAT puts many
# honest voters behind one address; each identity and each code have strict limits in the service.
@ratelimit(group="voting.request", key="ip", rate="100/h")
@ratelimit(group="voting.request", key=client_network, rate="300/h")
def vote_start(request: HttpRequest, pk: int) -> HttpResponse:
    project = _public_project(pk)
    now = timezone.now()
    channels = services.offered_channels(project.fair)
    check_browser = abuse.challenge_required(fair=project.fair, ip=client_ip(request), now=now)
    form = VoteRequestForm(
        request.POST or None,
        session=request.session,
        channels=channels,
        challenge=check_browser,
        network=client_network(request),
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            code = services.vote_request_code(
                project=project,
                address=form.cleaned_data["email"],
                ip=client_ip(request),
                language=get_language(),
            )
        except services.VotingError as error:
            if error.code in ("not_finalist", "not_started", "closed"):
                refusal = error.messages[0]
            else:
                form.add_error(None, error)
                form.renew_stamp()
        except services.ValidationError as error:
            form.add_error("email", error)
            form.renew_stamp()
        else:
            spend_stamp(request.session)
            request.session[SESSION_CODE] = code.pk
            request.session[SESSION_MASKED] = code.voter_masked
            request.session[SESSION_PROJECT] = project.pk
            return redirect("voting:verify")
    elif not services.can_vote_for(project, now):
        refusal = _voting_unavailable_message(project, now)
    if check_browser and not refusal:
        note_browser_check_shown(request.session)
    context = {
        "project": project,
        "form": form,
        "refusal": refusal,
        "channels": ",".join(channels),
        "proof_challenge": proof.new_challenge(now) if check_browser and not refusal else "",
        "wait_seconds": proof.WAIT_INSTEAD_SECONDS,
    }
    return render(request, "voting/vote_start.html", context)


def _voting_unavailable_message(project, now) -> str:
    try:
        services._check_votable(project, now)
    except services.VotingError as error:
        return error.messages[0]
    return ""


def _session_vote(request: HttpRequest):
    """(code id, project) of the vote this session started on the vote form, or (None, None)."""
    code_id = request.session.get(SESSION_CODE)
    project_id = request.session.get(SESSION_PROJECT)
    if not code_id or not project_id:
        return None, None
    return code_id, _public_project(project_id)


@never_cache
@ratelimit(group="voting.verify", key="ip", rate="60/10m")
@ratelimit(group="voting.verify", key=client_network, rate="600/10m")
def vote_verify(request: HttpRequest) -> HttpResponse:
    code_id, project = _session_vote(request)
    if project is None:
        messages.info(request, _("Choose a project to vote for first."))
        return redirect("catalogue:fair_list")
    form = CodeForm(request.POST or None, project_id=project.pk)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_verify(
                code_id=code_id, code=form.cleaned_data["code"], project=project, ip=client_ip(request)
            )
        except services.AlreadyVoted as already:
            # No session write here: in a double submit the winning request is replacing
            # this very session, and writing to it would turn the friendly page into a 400.
            return _already_voted(request, already.vote)
        except services.VotingError as error:
            form.add_error("code", error)
        else:
            return _counted(request, vote)
    return _code_page(request, project=project, code_id=code_id, form=form)


def _code_page(request, *, project, code_id, form, resend_form=None) -> HttpResponse:
    code = selectors.session_code(code_id)
    return render(
        request,
        "voting/vote_verify.html",
        {
            "project": project,
            "form": form,
            "resend_form": resend_form or ResendForm(sms=bool(code and code.channel == "sms")),
            "resend_wait": services.resend_wait_seconds(code, now=timezone.now()) if code else 0,
            "masked": request.session.get(SESSION_MASKED, ""),
            "delivery_failed": selectors.code_delivery_failed(code_id),
        },
    )


@never_cache
@require_POST
# The same limits as the vote form's: this page sends mail too.
@ratelimit(group="voting.request", key="ip", rate="100/h")
@ratelimit(group="voting.request", key=client_network, rate="300/h")
def vote_resend(request: HttpRequest) -> HttpResponse:
    """ "Send the code again", in place on the code page; what the visitor typed there stays."""
    code_id, project = _session_vote(request)
    if project is None:
        messages.info(request, _("Choose a project to vote for first."))
        return redirect("catalogue:fair_list")
    code = selectors.session_code(code_id)
    resend_form = ResendForm(request.POST, sms=bool(code and code.channel == "sms"))
    if resend_form.is_valid():
        try:
            sent = services.vote_resend_code(
                code_id=code_id,
                project=project,
                address=resend_form.cleaned_data["address"],
                ip=client_ip(request),
                language=get_language(),
            )
        except (services.VotingError, services.ValidationError) as error:
            resend_form.add_error("address", error)
        else:
            request.session[SESSION_CODE] = sent.pk
            request.session[SESSION_MASKED] = sent.voter_masked
            messages.success(
                request,
                _("We sent the code again to %(masked)s. It may take a minute to arrive.")
                % {"masked": sent.voter_masked},
            )
            return redirect("voting:verify")
    form = CodeForm(project_id=project.pk)
    # The cursor goes where the problem is: the address just refused, not the code field.
    form.fields["code"].widget.attrs.pop("autofocus", None)
    resend_form.fields["address"].widget.attrs["autofocus"] = True
    return _code_page(request, project=project, code_id=code_id, form=form, resend_form=resend_form)


@never_cache
def vote_done(request: HttpRequest) -> HttpResponse:
    vote = selectors.vote_by_receipt(request.session.get(SESSION_RECEIPT, ""))
    if vote is None:
        return redirect("catalogue:fair_list")
    return render(request, "voting/vote_done.html", {"vote": vote, "project": vote.project})


@never_cache  # a receipt's status can change (an invalidation), and its code is in the address
def receipt_check(request: HttpRequest) -> HttpResponse:
    code = selectors.normalise_receipt(request.GET.get("code", ""))
    status = selectors.receipt_status(code) if code else None
    return render(request, "voting/receipt_check.html", {"code": code, "status": status})


@cached_public_page
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "voting/rules.html")


@cached_public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "voting/privacy.html")


# Live counts change with every vote, not with an organiser's change: replayed this long at most.
LIVE_RESULTS_CACHE_SECONDS = 10


@cached_public_page
def results(request: HttpRequest, slug: str) -> HttpResponse:
    fair = project_selectors.public_fairs().filter(slug=slug).first()
    if fair is None:
        raise Http404
    now = timezone.now()
    visible = fair.results_visible_at(now)
    revisions = list(ResultsProtocol.objects.filter(fair=fair).order_by("-revision"))
    response = render(
        request,
        "voting/results.html",
        {
            "fair": fair,
            "visible": visible,
            "nominations": selectors.tally_by_nomination(fair) if visible else [],
            # Commitments are public from the first day of voting: they reveal no counts.
            "commitments": list(LedgerCommitment.objects.filter(fair=fair).order_by("sequence")),
            "protocol": revisions[0] if revisions else None,
            "earlier_revisions": revisions[1:],
            "protocol_files": protocol.FILES,
        },
    )
    if visible and fair.voting_open_at(now):
        response.page_cache_seconds = LIVE_RESULTS_CACHE_SECONDS
    return response


@require_safe
def protocol_file(request: HttpRequest, slug: str, name: str) -> StreamingHttpResponse:
    """One canonical file of a frozen protocol, streamed from the database (voting/protocol.py)."""
    fair = project_selectors.public_fairs().filter(slug=slug).first()
    if fair is None or name not in protocol.FILES or protocol.latest_protocol(fair) is None:
        raise Http404
    response = StreamingHttpResponse(protocol.file_lines(fair, name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fair.slug}-{name}"'
    return response


@require_safe
def protocol_counts_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The counts with names, and a dictionary of every file's fields, for people and programs."""
    fair = project_selectors.public_fairs().filter(slug=slug).first()
    latest = protocol.latest_protocol(fair) if fair else None
    if latest is None:
        raise Http404
    return JsonResponse(protocol.counts_document(fair, latest), json_dumps_params={"ensure_ascii": False})


@require_safe
def protocol_document(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest revision as a PDF in the page's language."""
    fair = project_selectors.public_fairs().filter(slug=slug).first()
    latest = protocol.latest_protocol(fair) if fair else None
    if latest is None:
        raise Http404
    response = HttpResponse(protocol_pdf(fair, latest), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{fair.slug}-protocol-r{latest.revision}-{get_language()}.pdf"'
    )
    return response
