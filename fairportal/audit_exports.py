"""The audit trail as CSV: what the admin's change list shows for its filters, every page.

Kept out of `fairportal/admin.py` (which only mixes `AuditExportMixin` in): the export is
itself an organiser's act, so it is recorded, and the file holds the events up to that one.
"""

import json

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, spreadsheets
from fairportal.models import AuditEvent

audit.register_actions({"export.audit": _("Audit trail exported")})


def header() -> list[str]:
    return [
        gettext("When"),
        gettext("By"),
        gettext("Action"),
        gettext("Action code"),
        gettext("Kind of target"),
        gettext("Target id"),
        gettext("Target"),
        gettext("Fair id"),
        gettext("Reason"),
        gettext("Details"),
        gettext("Network"),
    ]


def event_rows(queryset: QuerySet[AuditEvent]):
    yield header()
    for event in queryset.select_related("target_type").iterator(chunk_size=spreadsheets.CSV_ROWS_PER_CHUNK):
        yield [
            timezone.localtime(event.at),
            event.actor_label,
            audit.action_label(event.action),
            event.action,
            event.target_type.model if event.target_type else "",
            event.target_id,
            event.target_label,
            event.fair_id if event.fair_id is not None else "",
            event.reason,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str)
            if event.details
            else "",
            event.ip_network,
        ]


def export_audit_csv(*, queryset: QuerySet[AuditEvent], actor, filters: str, fair_id: int | None):
    """Record the export, then stream the filtered events recorded before it."""
    exported = audit.record(
        actor=actor,
        action="export.audit",
        details={"format": "csv", "filters": filters, "events": queryset.count()},
        fair_id=fair_id,
    )
    filename = f"audit-{timezone.localtime(exported.at):%Y%m%d-%H%M}.csv"
    return spreadsheets.csv_response(event_rows(queryset.filter(pk__lt=exported.pk)), filename=filename)


class AuditExportMixin:
    """Adds "Export list as CSV" to the audit admin, for the change list's current filters."""

    change_list_template = "admin/fairportal/auditevent/change_list.html"

    def get_urls(self):
        return [
            path(
                "export/csv/",
                self.admin_site.admin_view(self.export_csv_view),
                name="fairportal_auditevent_export_csv",
            ),
            *super().get_urls(),
        ]

    def export_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{reverse('admin:fairportal_auditevent_changelist')}?{ERROR_FLAG}=1")
        fair = request.GET.get("fair_id", "")
        return export_audit_csv(
            queryset=changelist.get_queryset(request),
            actor=request.user,
            filters=request.GET.urlencode(),
            fair_id=int(fair) if fair.isdigit() and fair.isascii() else None,
        )
