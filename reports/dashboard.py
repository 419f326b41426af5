"""The numbers of the organisers' fair dashboard (the admin's landing page).

Reads only, across projects, jury, voting and awards: about twenty queries for a fair of any
size (tests/reports/test_dashboard.py holds that). Each panel is read only for someone whose
permissions let them see the same data in the admin.

Secrecy (voting/admin.py, docs/protocol.md): while a fair's counts are hidden, nothing here
counts votes per project or per nomination; votes appear only as the fair's totals per day and
per channel, which the daily public commitments reveal anyway (their ballot counts).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from awards.models import Award, AwardKind
from jury import selectors as jury_selectors
from jury.models import Review
from projects.models import Fair, Nomination, Phase, Project, ProjectState, Region
from voting.models import Channel, DeliveryStatus, Vote, VoteCode, VotingAlert, VotingCard

# The order phases follow; a fair further along it is "more advanced".
PHASE_ORDER = list(Phase.values)
ACTIVE_PHASES = {Phase.SUBMISSION, Phase.REVIEW, Phase.VOTING, Phase.RESULTS, Phase.CEREMONY}
# Longer than this, the time series counts by week (Monday to Sunday) instead of by day.
MAX_DAYS_PER_DAY = 62
SHORTLISTED = (ProjectState.FINALIST, ProjectState.AWARDED)


def default_fair(*, fairs: list[Fair], now: datetime) -> Fair | None:
    """The fair in the most advanced active phase (submission to ceremony), the newest of equals;
    with none active, the newest fair. `fairs` come newest first."""
    active = [fair for fair in fairs if fair.phase_at(now) in ACTIVE_PHASES]
    if active:
        return max(active, key=lambda fair: (PHASE_ORDER.index(fair.phase_at(now)), -fairs.index(fair)))
    return fairs[0] if fairs else None


@dataclass
class Period:
    label: str  # what the table and the axis show: a day, or the Monday of a week
    count: int
    running_total: int


@dataclass
class Submissions:
    started: int = 0  # every project of the fair, drafts included
    submitted: int = 0  # ever sent for review (submitted_at set), whatever became of it
    shortlisted: int = 0
    winners: int = 0
    by_state: list[tuple[str, str, int]] = field(default_factory=list)  # (state, label, count)
    by_nomination: list[tuple[str, int, int]] = field(default_factory=list)  # (title, submitted, shortlisted)
    by_region: list[tuple[Region, int]] = field(default_factory=list)
    region_not_given: int = 0
    over_time: list[Period] = field(default_factory=list)
    by_week: bool = False


@dataclass
class ChannelRow:
    channel: str
    label: str
    codes: int = 0  # codes created (one per identity, a resend reuses it)
    used: int = 0
    delivered: int = 0
    failed: int = 0
    awaiting: int = 0  # queued or accepted by the gateway, no final report yet
    votes: int = 0  # valid votes cast with this channel


@dataclass
class Voting:
    channels: list[ChannelRow]
    cards_issued: int
    cards_used: int
    valid_votes: int
    invalidated_votes: int
    per_day: list[Period]
    by_week: bool
    is_open: bool


@dataclass
class AwardRow:
    nomination: str  # "" for awards of the whole fair
    awards: int
    winners: int
    grant_total: int


@dataclass
class FairDashboard:
    fair: Fair
    phase: Phase
    submissions: Submissions
    jury: list[jury_selectors.JurorProgress] | None  # None: no review set up, or not allowed
    # The user may see the jury, but the fair has no review yet: the panel says so.
    jury_not_set_up: bool
    voting: Voting | None
    alerts: list[VotingAlert] | None
    awards: list[AwardRow] | None


def _periods(counts: dict[date, int]) -> tuple[list[Period], bool]:
    """Every day from the first to the last with a count (zeros included), or weeks if that is long."""
    if not counts:
        return [], False
    first, last = min(counts), max(counts)
    by_week = (last - first).days + 1 > MAX_DAYS_PER_DAY
    buckets: dict[date, int] = {}
    step = timedelta(days=7 if by_week else 1)
    start = first - timedelta(days=first.weekday()) if by_week else first
    day = start
    while day <= last:
        buckets[day] = 0
        day += step
    for day, count in counts.items():
        key = day - timedelta(days=day.weekday()) if by_week else day
        buckets[key] += count
    periods, running = [], 0
    for day, count in buckets.items():
        running += count
        periods.append(Period(label=day.isoformat(), count=count, running_total=running))
    return periods, by_week


def _per_day(queryset, field_name: str) -> dict[date, int]:
    """{local day: rows} of a queryset by one of its datetime fields, in one GROUP BY."""
    return dict(
        queryset.annotate(day=TruncDate(field_name, tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("*"))
        .values_list("day", "count")
        .order_by()
    )


def fair_submissions(*, fair: Fair) -> Submissions:
    """Projects by state, nomination, region and day of submission; four queries."""
    result = Submissions()
    groups = (
        Project.objects.filter(fair=fair)
        .values("state", "nomination_id", "region_id")
        .annotate(
            total=Count("*"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
        .order_by()
    )
    by_state: dict[str, int] = defaultdict(int)
    by_nomination: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[int | None, int] = defaultdict(int)
    for row in groups:
        result.started += row["total"]
        result.submitted += row["submitted"]
        by_state[row["state"]] += row["total"]
        if row["state"] in SHORTLISTED:
            result.shortlisted += row["total"]
            by_nomination[row["nomination_id"]][1] += row["total"]
        if row["state"] == ProjectState.AWARDED:
            result.winners += row["total"]
        by_nomination[row["nomination_id"]][0] += row["submitted"]
        by_region[row["region_id"]] += row["submitted"]
    result.by_state = [(value, str(label), by_state[value]) for value, label in ProjectState.choices]
    for nomination in Nomination.objects.filter(fair=fair):
        submitted, shortlisted = by_nomination.get(nomination.pk, [0, 0])
        result.by_nomination.append((nomination.title, submitted, shortlisted))
    result.by_region = [(region, by_region.get(region.pk, 0)) for region in Region.objects.all()]
    result.region_not_given = by_region.get(None, 0)
    result.over_time, result.by_week = _periods(
        _per_day(Project.objects.filter(fair=fair, submitted_at__isnull=False), "submitted_at")
    )
    return result


def fair_voting(*, fair: Fair, now: datetime) -> Voting:
    """Codes per channel and delivery status, cards, and valid votes per channel and day: fair
    totals only, never per project (see the module's docstring). Five queries."""
    labels = dict(Channel.choices)
    rows = {
        channel: ChannelRow(channel=channel, label=str(labels[channel])) for channel in fair.voting_channels
    }
    codes = (
        VoteCode.objects.filter(fair=fair)
        .values("channel", "delivery_status")
        .annotate(codes=Count("*"), used=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by()
    )
    for code in codes:
        row = rows.setdefault(
            code["channel"], ChannelRow(code["channel"], str(labels.get(code["channel"], "")))
        )
        row.codes += code["codes"]
        row.used += code["used"]
        status = code["delivery_status"]
        if status == DeliveryStatus.DELIVERED:
            row.delivered += code["codes"]
        elif status == DeliveryStatus.FAILED:
            row.failed += code["codes"]
        elif status in (DeliveryStatus.QUEUED, DeliveryStatus.SENT):
            row.awaiting += code["codes"]
    votes = Vote.objects.filter(fair=fair)
    for channel, count in (
        votes.valid().values("channel").annotate(count=Count("*")).values_list("channel", "count").order_by()
    ):
        rows.setdefault(channel, ChannelRow(channel, str(labels.get(channel, "")))).votes = count
    cards = VotingCard.objects.filter(batch__fair=fair, batch__invalidated_at__isnull=True).aggregate(
        issued=Count("*"), used=Count("pk", filter=Q(used_at__isnull=False))
    )
    per_day, by_week = _periods(_per_day(votes.valid(), "created_at"))
    order = {channel: position for position, channel in enumerate(Channel.values)}
    return Voting(
        channels=sorted(rows.values(), key=lambda row: order.get(row.channel, len(order))),
        cards_issued=cards["issued"],
        cards_used=cards["used"],
        valid_votes=sum(row.votes for row in rows.values()),
        invalidated_votes=votes.filter(invalidated_at__isnull=False).count(),
        per_day=per_day,
        by_week=by_week,
        is_open=fair.voting_opens_at <= now < fair.voting_closes_at,
    )


def fair_awards(*, fair: Fair) -> list[AwardRow]:
    """Prizes, winning projects and grants per nomination (whole-fair awards first); one query.

    Participant awards are left out: every finalist gets one, so they would make every finalist
    a "winner" here."""
    rows = (
        Award.objects.filter(ceremony__fair=fair)
        .exclude(kind=AwardKind.PARTICIPANT)
        .values("nomination_id", "nomination__title_kk", "nomination__title_ru", "nomination__title_en")
        .annotate(awards=Count("*"), winners=Count("project", distinct=True), grant_total=Sum("grant_amount"))
        .order_by("nomination__position", "nomination_id")
    )
    result = []
    for row in rows:
        title = ""
        if row["nomination_id"]:
            title = Nomination(
                title_kk=row["nomination__title_kk"],
                title_ru=row["nomination__title_ru"],
                title_en=row["nomination__title_en"],
            ).title
        result.append(AwardRow(title, row["awards"], row["winners"], row["grant_total"] or 0))
    result.sort(key=lambda row: row.nomination != "")
    return result


def fair_dashboard(*, fair: Fair, user, now: datetime) -> FairDashboard:
    """Every panel `user` may see, for one fair."""
    sees_jury = user.has_perm("jury.view_juror")
    review = Review.objects.filter(fair=fair).first() if sees_jury else None
    return FairDashboard(
        fair=fair,
        phase=fair.phase_at(now),
        submissions=fair_submissions(fair=fair),
        jury=jury_selectors.progress_by_juror(review) if review else None,
        jury_not_set_up=sees_jury and review is None,
        voting=fair_voting(fair=fair, now=now) if user.has_perm("voting.view_vote") else None,
        alerts=(
            list(VotingAlert.objects.filter(fair=fair, acknowledged_at__isnull=True).order_by("-last_at"))
            if user.has_perm("voting.view_votingalert")
            else None
        ),
        awards=fair_awards(fair=fair) if user.has_perm("awards.view_award") else None,
    )
