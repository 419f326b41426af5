from django.db.models import Count, Q

from projects.models import Fair, Project, ProjectState
from voting.models import Channel, DeliveryStatus, Vote, VoteCode, VotingAlert


def vote_by_receipt(receipt: str) -> Vote | None:
    if not receipt:
        return None
    return (
        Vote.objects.select_related("project__fair", "project__organisation").filter(receipt=receipt).first()
    )


def normalise_receipt(typed: str) -> str:
    """'g329 693d-c7zs' -> 'G329-693D-C7ZS': people retype receipts with spaces or phone dashes."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


def receipt_status(receipt: str) -> str:
    """ "counted", "invalidated" or "unknown": nothing else about the vote is revealed."""
    vote = Vote.objects.filter(receipt=normalise_receipt(receipt)).only("invalidated_at").first()
    if vote is None:
        return "unknown"
    return "counted" if vote.invalidated_at is None else "invalidated"


def tally(fair: Fair):
    """Finalists with their count of valid votes, computed from the votes themselves."""
    return (
        Project.objects.filter(fair=fair, state__in=[ProjectState.FINALIST, ProjectState.AWARDED])
        .select_related("organisation", "nomination")
        .annotate(valid_votes=Count("votes", filter=Q(votes__invalidated_at__isnull=True)))
        .order_by("nomination__position", "nomination_id", "-valid_votes", "title")
    )


def tally_by_nomination(fair: Fair) -> list[dict]:
    """[{nomination, total, rows: [(project, votes, percent)]}] in nomination order, best first."""
    groups: dict = {}
    for project in tally(fair):
        groups.setdefault(project.nomination, []).append(project)
    result = []
    for nomination, projects in groups.items():
        total = sum(project.valid_votes for project in projects)
        top = max((project.valid_votes for project in projects), default=0) or 1
        result.append(
            {
                "nomination": nomination,
                "total": total,
                "rows": [
                    (project, project.valid_votes, round(100 * project.valid_votes / top))
                    for project in projects
                ],
            }
        )
    return result


def valid_vote_count(fair: Fair) -> int:
    return Vote.objects.valid().filter(fair=fair).count()


def open_alerts(user):
    """Alerts not yet acknowledged, for the admin banner of someone who may see them."""
    if not user.has_perm("voting.view_votingalert"):
        return VotingAlert.objects.none()
    return (
        VotingAlert.objects.filter(acknowledged_at__isnull=True).select_related("fair").order_by("-last_at")
    )


def code_delivery_failed(code_id: int | None) -> bool:
    """Whether the SMS carrying this code could not be sent or the gateway reported it undelivered."""
    if not code_id:
        return False
    return VoteCode.objects.filter(
        pk=code_id, channel=Channel.SMS, delivery_status=DeliveryStatus.FAILED
    ).exists()
