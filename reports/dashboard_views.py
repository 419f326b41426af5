"""The fair dashboard on the admin's landing page.

`admin_index_context` is what `accounts.admin_site.StaffAdminSite.index` adds to Django's index
(found through `settings.ADMIN_INDEX_CONTEXT`, so accounts never imports reports): the admin
keeps its log-in redirect, its permission check and its list of apps below the dashboard.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Fair, ProjectState
from reports import charts, dashboard, permissions

# Bar colours by meaning (static/css/admin.css), so a state reads the same in every chart.
STATE_CLASSES = {
    ProjectState.DRAFT: "fp-bar-muted",
    ProjectState.SUBMITTED: "fp-bar",
    ProjectState.RETURNED: "fp-bar-warn",
    ProjectState.FINALIST: "fp-bar-good",
    ProjectState.NOT_SELECTED: "fp-bar-muted",
    ProjectState.AWARDED: "fp-bar-good",
    ProjectState.WITHDRAWN: "fp-bar-bad",
}


def chosen_fair(*, fairs: list[Fair], requested: str, now) -> Fair | None:
    """The fair asked for in `?fair=<id>`, else the default; an unknown id falls back too."""
    for fair in fairs:
        if requested and str(fair.pk) == requested:
            return fair
    return dashboard.default_fair(fairs=fairs, now=now)


def _charts(data: dashboard.FairDashboard) -> dict:
    submissions = data.submissions
    result = {
        "by_state": charts.bar_chart(
            chart_id="chart-states",
            title=_("Projects by state (bar chart; the numbers are in the table)"),
            bars=[
                charts.Bar(label, [charts.Segment(count, STATE_CLASSES.get(state, "fp-bar"))])
                for state, label, count in submissions.by_state
            ],
        ),
        "by_nomination": charts.bar_chart(
            chart_id="chart-nominations",
            title=_("Submitted projects by nomination (bar chart; the numbers are in the table)"),
            bars=[
                charts.Bar(title, [charts.Segment(count)])
                for title, count, _short in submissions.by_nomination
            ],
        ),
        "over_time": charts.time_series(
            chart_id="chart-submitted-over-time",
            title=_("Projects submitted per period (column chart; the numbers are in the table)"),
            points=[(period.label, period.count) for period in submissions.over_time],
        ),
        "map": charts.tile_cartogram(
            chart_id="chart-regions",
            title=_(
                "Map of Kazakhstan's regions as tiles, shaded by submitted projects (the numbers are in the table)"
            ),
            tiles=[
                charts.Tile(
                    region.code,
                    charts.region_short_name(region.name),
                    count,
                    is_city=region.kind == region.Kind.CITY,
                )
                for region, count in submissions.by_region
            ],
        ),
    }
    if data.jury:
        result["jury"] = charts.bar_chart(
            chart_id="chart-jury",
            title=_(
                "Jury progress per juror: scored, recused, left (bar chart; the numbers are in the table)"
            ),
            bars=[
                charts.Bar(
                    str(item.juror),
                    [
                        charts.Segment(item.progress.scored, "fp-bar-good"),
                        charts.Segment(item.progress.recused, "fp-bar-muted"),
                        charts.Segment(item.progress.left, "fp-bar-warn"),
                    ],
                )
                for item in data.jury
            ],
        )
    if data.voting:
        result["channels"] = charts.bar_chart(
            chart_id="chart-channels",
            title=_(
                "Codes per channel: delivered, failed, no report yet, no report to come (bar chart; the numbers are in the table)"
            ),
            bars=[
                charts.Bar(
                    row.label,
                    [
                        charts.Segment(row.delivered, "fp-bar-good"),
                        charts.Segment(row.failed, "fp-bar-bad"),
                        charts.Segment(row.awaiting, "fp-bar"),
                        # E-mail codes: mail servers report nothing, so no report is coming.
                        charts.Segment(row.codes - row.delivered - row.failed - row.awaiting, "fp-bar-muted"),
                    ],
                )
                for row in data.voting.channels
                if row.channel != "card"
            ],
        )
        result["votes"] = charts.time_series(
            chart_id="chart-votes-per-day",
            title=_("Valid votes of the whole fair per period (column chart; the numbers are in the table)"),
            points=[(period.label, period.count) for period in data.voting.per_day],
        )
    if data.awards:
        result["awards"] = charts.bar_chart(
            chart_id="chart-awards",
            title=_("Grants in KZT by nomination (bar chart; the numbers are in the table)"),
            bars=[
                charts.Bar(
                    row.nomination or _("Whole fair"), [charts.Segment(row.grant_total, "fp-bar-good")]
                )
                for row in data.awards
            ],
        )
    return result


def admin_index_context(request) -> dict:
    """The dashboard's part of the admin index's context; nothing for staff who may not see it."""
    if not permissions.can_see_dashboard(request.user):
        return {}
    now = timezone.now()
    fairs = list(Fair.objects.order_by("-submission_opens_at", "-pk"))
    fair = chosen_fair(fairs=fairs, requested=request.GET.get("fair", ""), now=now)
    if fair is None:
        return {"dashboard_fairs": fairs}
    data = dashboard.fair_dashboard(fair=fair, user=request.user, now=now)
    legend = charts.shade_ranges(max((count for _region, count in data.submissions.by_region), default=0))
    return {
        "dashboard": data,
        "dashboard_fairs": fairs,
        "dashboard_charts": _charts(data),
        "dashboard_legend": legend,
    }
