"""The vote counts as CSV, once a fair's results are visible: per finalist, never per voter."""

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from fairportal import spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE, column_label
from projects.models import Fair, Project
from voting import selectors


def counts_csv_response(fair: Fair) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark and ";" between columns, streamed as every export (`fairportal.spreadsheets`)."""
    date = timezone.localdate(timezone=EXPORT_TIME_ZONE)
    return spreadsheets.csv_response(counts_rows(fair), filename=f"votes-{fair.slug}-{date:%Y%m%d}.csv")


def counts_rows(fair: Fair) -> Iterator[list]:
    """The header, then valid and invalidated votes of each project people could vote for."""
    projects = selectors.tally(fair)
    invalidated = selectors.invalidated_vote_counts(fair)
    yield [
        column_label(Project, "nomination"),
        column_label(Project, "title"),
        column_label(Project, "organisation"),
        gettext("Valid votes"),
        gettext("Invalidated votes"),
    ]
    for project in projects:
        yield [
            project.nomination.title if project.nomination else "",
            project.title,
            project.organisation.name,
            project.valid_votes,
            invalidated.get(project.pk, 0),
        ]
