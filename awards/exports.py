"""Winners as spreadsheets, with the grant total of each fair."""

from collections import defaultdict

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from awards.models import Award
from fairportal import spreadsheets
from fairportal.spreadsheets import EXPORT_TIME_ZONE


def winner_rows(queryset: QuerySet[Award]):
    yield [
        gettext("Fair"),
        gettext("Nomination"),
        gettext("Award"),
        gettext("Kind"),
        gettext("Place"),
        gettext("Project"),
        gettext("NGO"),
        gettext("Grant, KZT"),
        gettext("Prize"),
    ]
    totals: dict[str, int] = defaultdict(int)
    awards = queryset.select_related("ceremony__fair", "nomination", "project__organisation").order_by(
        "ceremony__fair__submission_opens_at", "nomination__position", "place", "id"
    )
    for award in awards.iterator(chunk_size=500):
        fair = str(award.ceremony.fair)
        totals[fair] += award.grant_amount or 0
        yield [
            fair,
            award.nomination.title if award.nomination else "",
            award.title,
            str(award.get_kind_display()),
            award.place,
            award.project.title,
            award.project.organisation.name,
            award.grant_amount,
            award.prize,
        ]
    for fair, total in totals.items():
        yield [fair, "", gettext("Grants in total"), "", None, "", "", total, ""]


def _filename(extension: str) -> str:
    return f"winners-{timezone.localdate(timezone=EXPORT_TIME_ZONE):%Y%m%d}.{extension}"


def csv_response(queryset: QuerySet[Award]) -> StreamingHttpResponse:
    return spreadsheets.csv_response(winner_rows(queryset), filename=_filename("csv"))


def xlsx_response(queryset: QuerySet[Award]) -> HttpResponse:
    return spreadsheets.xlsx_response(
        [(gettext("Winners"), winner_rows(queryset), (32, 36, 32, 18, 8, 40, 32, 14, 30))],
        filename=_filename("xlsx"),
    )
