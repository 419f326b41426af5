"""The project list's own pages (`fairportal.admin_pages`): its exports, filtered as shown."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from django.urls import reverse

from fairportal.admin_pages import require
from projects import exports


def _export(model_admin, request, fmt: str):
    """Export what the change list shows for this querystring (filters, search, order), every page."""
    require(model_admin.has_view_or_change_permission(request))
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(f"{reverse('admin:projects_project_changelist')}?{ERROR_FLAG}=1")
    return exports.export_projects(
        queryset=changelist.get_queryset(request),
        fmt=fmt,
        actor=request.user,
        details={"filters": request.GET.urlencode()},
    )


def export_csv(model_admin, request):
    return _export(model_admin, request, "csv")


def export_xlsx(model_admin, request):
    return _export(model_admin, request, "xlsx")
