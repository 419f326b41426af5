from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
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


def session_code(code_id: int | None) -> VoteCode | None:
    """The code the visitor's session asked for, for the code page (never its secret's use)."""
    if not code_id:
        return None
    return VoteCode.objects.filter(pk=code_id).only("pk", "channel", "created_at", "last_sent_at").first()


def code_delivery_failed(code_id: int | None) -> bool:
    """Whether the SMS carrying this code could not be sent or the gateway reported it undelivered."""
    if not code_id:
        return False
    return VoteCode.objects.filter(
        pk=code_id, channel=Channel.SMS, delivery_status=DeliveryStatus.FAILED
    ).exists()


# ---------------------------------------------------------------- suspicious clusters

CLUSTERS_PER_KIND = 100


@dataclass(frozen=True)
class Cluster:
    kind: str  # "ip", "network" or "domain"
    key: str
    votes: int
    first: datetime
    last: datetime


CLUSTER_KINDS = {"ip": "ip_digest", "network": "network", "domain": "email_domain"}

# For every key (hashed IP, network, e-mail domain) of the fair's valid votes: a vote starts
# a burst when at least `min_votes` votes of its key fall in [its time, its time + window];
# every vote inside such a window belongs to the burst, and bursts whose votes are no more
# than a window apart merge into one cluster. All in PostgreSQL, whatever the number of votes.
CLUSTERS_SQL = """
WITH base AS (
    {base}
),
ahead AS (
    SELECT kind, key, t,
           count(*) OVER (PARTITION BY kind, key ORDER BY t
                          RANGE BETWEEN CURRENT ROW AND %(window)s FOLLOWING) AS n
      FROM base
),
marked AS (
    SELECT kind, key, t,
           bool_or(n >= %(min_votes)s) OVER (PARTITION BY kind, key ORDER BY t
                                             RANGE BETWEEN %(window)s PRECEDING AND CURRENT ROW) AS in_burst
      FROM ahead
),
members AS (
    SELECT kind, key, t, lag(t) OVER (PARTITION BY kind, key ORDER BY t) AS previous
      FROM marked
     WHERE in_burst
),
islands AS (
    SELECT kind, key, t,
           count(*) FILTER (WHERE previous IS NULL OR t - previous > %(window)s)
               OVER (PARTITION BY kind, key ORDER BY t ROWS UNBOUNDED PRECEDING) AS island
      FROM members
),
clusters AS (
    SELECT kind, key, count(*) AS votes, min(t) AS first, max(t) AS last,
           row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, min(t), key) AS rank
      FROM islands
     GROUP BY kind, key, island
)
SELECT kind, key, votes, first, last FROM clusters WHERE rank <= %(limit)s
 ORDER BY kind, votes DESC, first, key
"""


def suspicious_clusters(
    *, fair: Fair, window: timedelta, min_votes: int, limit: int = CLUSTERS_PER_KIND
) -> list[Cluster]:
    """Bursts of at least `min_votes` valid votes within `window` from one IP, network or domain.

    One query; at most `limit` clusters of each kind, the largest first.
    """
    table = connection.ops.quote_name(Vote._meta.db_table)
    base = "\n    UNION ALL\n    ".join(
        f"SELECT '{kind}' AS kind, {column} AS key, created_at AS t FROM {table}"  # noqa: S608 (fixed names)
        f" WHERE fair_id = %(fair)s AND invalidated_at IS NULL AND {column} <> ''"
        for kind, column in CLUSTER_KINDS.items()
    )
    params = {"fair": fair.pk, "window": window, "min_votes": min_votes, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(CLUSTERS_SQL.format(base=base), params)
        return [Cluster(*row) for row in cursor.fetchall()]
