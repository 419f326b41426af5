"""Voting with a printed card: scan (or type) the code, pick a finalist, confirm, vote once.

Thin: the rules live in `voting.cards`. No account and no e-mail; the session keeps nothing of
the card. An unknown, spent or invalidated card gets one and the same answer.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from fairportal.ratelimit import client_ip, ratelimit
from voting import cards, services
from voting.views import _counted, client_network


class CardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the card"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Twelve letters and digits, e.g. ABC-DEF-GHJ-KLM. Dashes and spaces do not matter."),
    )


def _grouped(code: str) -> str:
    raw = cards.normalise_code(code)
    return "-".join(raw[i : i + cards.CODE_GROUP] for i in range(0, len(raw), cards.CODE_GROUP))


@never_cache
@ratelimit(group="voting.card", key="ip", rate="60/10m")
@ratelimit(group="voting.card", key=client_network, rate="600/10m")
def card_enter(request: HttpRequest) -> HttpResponse:
    """Type the code by hand (a phone without a QR reader, a worn card)."""
    form = CardCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            cards.card_fair(code=code, ip=client_ip(request))
        except services.VotingError as error:
            form.add_error("code", error)
        else:
            return redirect("voting:card", code=_grouped(code))
    return render(request, "voting/cards/enter.html", {"form": form})


@never_cache
# Per address and network, generous: a stand's visitors share the venue's Wi-Fi, and each vote
# is three requests (ballot, confirmation, vote). Wrong codes have their own limits (voting.cards).
@ratelimit(group="voting.card-ballot", key="ip", rate="300/10m", methods=("GET", "POST"))
@ratelimit(group="voting.card-ballot", key=client_network, rate="900/10m", methods=("GET", "POST"))
def card_ballot(request: HttpRequest, code: str) -> HttpResponse:
    """The card's ballot: the fair's finalists by nomination; then a confirmation; then the vote."""
    ip = client_ip(request)
    try:
        fair = cards.card_fair(code=code, ip=ip)
    except services.VotingError as error:
        form = CardCodeForm(initial={"code": _grouped(code)})
        return render(request, "voting/cards/enter.html", {"form": form, "refusal": error.messages[0]})
    refusal = _closed_message(fair, timezone.now())
    if refusal:  # nothing of a fair that takes no votes, not even an unpublished one's finalists
        return render(request, "voting/cards/ballot.html", {"fair": fair, "refusal": refusal})
    finalists = cards.card_finalists(fair)
    chosen = None
    error = ""
    if request.method == "POST":
        chosen = next((p for p in finalists if str(p.pk) == request.POST.get("project", "")), None)
        if chosen is None:
            error = _("Choose one project.")
        elif "confirm" in request.POST:
            try:
                vote = cards.card_vote(code=code, project=chosen, ip=ip)
            except services.VotingError as refusal:
                error = refusal.messages[0]
                if refusal.code in ("unusable", "locked"):
                    form = CardCodeForm(initial={"code": _grouped(code)})
                    return render(request, "voting/cards/enter.html", {"form": form, "refusal": error})
            else:
                return _counted(request, vote)
        elif "back" not in request.POST:
            return render(
                request, "voting/cards/confirm.html", {"fair": fair, "project": chosen, "code": code}
            )
    groups: list[tuple] = []
    for project in finalists:
        if not groups or groups[-1][0] != project.nomination:
            groups.append((project.nomination, []))
        groups[-1][1].append(project)
    context = {
        "fair": fair,
        "groups": groups,
        "code": code,
        "chosen": chosen,
        "error": error,
    }
    return render(request, "voting/cards/ballot.html", context)


def _closed_message(fair, now) -> str:
    """Why this fair takes no votes now ("" while it does); an unpublished fair has not started."""
    if fair.voting_open_at(now):
        return ""
    if now >= fair.voting_closes_at and fair.is_published:
        return str(_("Voting has closed."))
    return str(_("Voting has not started yet."))
