from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.module_loading import import_string

from accounts import permissions


class StaffAdminSite(admin.AdminSite):
    """The admin site: staff need a session verified with their second factor
    (when `STAFF_REQUIRE_2FA` is on)."""

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and permissions.second_factor_satisfied(request.user)

    def login(self, request, extra_context=None):
        # A staff member who has given the password but not the code is sent on to the code,
        # not shown the log-in form again with "not authorised".
        user = request.user
        if request.method == "GET" and not permissions.second_factor_satisfied(user):
            from accounts.middleware import second_factor_url

            return redirect(second_factor_url(request, next_url=request.GET.get("next", "")))
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        # The landing page also shows what `settings.ADMIN_INDEX_CONTEXT` adds (the fair
        # dashboard, reports.dashboard_views): a dotted path, because accounts sits below the
        # apps whose data it reads and may not import them.
        if path := getattr(settings, "ADMIN_INDEX_CONTEXT", ""):
            extra_context = {**import_string(path)(request), **(extra_context or {})}
        return super().index(request, extra_context)
