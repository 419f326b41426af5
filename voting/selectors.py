from django.db.models import Count

from projects import selectors as project_selectors
from projects.models import Fair, Project, ProjectState
from voting.models import Channel, DeliveryStatus, FrozenCount, FrozenTally, Vote, VoteCode, VotingAlert


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


def frozen_tally(fair: Fair) -> FrozenTally | None:
    """The counts frozen after the close, if they still hold for the fair's closing time."""
    return FrozenTally.objects.filter(fair=fair, closes_at=fair.voting_closes_at).first()


def valid_vote_counts(fair: Fair) -> dict[int, int]:
    """{project id: valid votes}: the frozen counts once voting has closed, else one GROUP BY
    over the index of valid votes (`voting_vote_valid_by_project`), never a join per project."""
    if frozen := frozen_tally(fair):
        return dict(FrozenCount.objects.filter(tally=frozen).values_list("project_id", "valid_votes"))
    return dict(
        Vote.objects.valid()
        .filter(fair=fair)
        .values("project_id")
        .annotate(count=Count("*"))
        .values_list("project_id", "count")
        .order_by()
    )


def tally(fair: Fair) -> list[Project]:
    """Finalists and winners with `valid_votes`, by nomination, most votes first, then title."""
    counts = valid_vote_counts(fair)
    projects = list(
        Project.objects.filter(fair=fair, state__in=[ProjectState.FINALIST, ProjectState.AWARDED])
        .select_related("organisation", "nomination")
        .defer(*project_selectors.LONG_TEXT_FIELDS)
    )
    for project in projects:
        project.valid_votes = counts.get(project.pk, 0)
    projects.sort(
        key=lambda project: (
            project.nomination is None,  # projects without a nomination last, as before
            project.nomination.position if project.nomination else 0,
            project.nomination_id or 0,
            -project.valid_votes,
            project.title,
        )
    )
    return projects


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


def invalidated_vote_counts(fair: Fair) -> dict[int, int]:
    return dict(
        Vote.objects.filter(fair=fair, invalidated_at__isnull=False)
        .values("project_id")
        .annotate(count=Count("*"))
        .values_list("project_id", "count")
        .order_by()
    )


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
