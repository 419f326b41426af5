from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts import permissions, selectors, services

# What a staff member who has given the password but not yet the code may open: the
# second-factor pages themselves, logging out, and what machines fetch. Not /media/: a staff
# session may see drafts' files, which a password alone must not unlock.
PAGES_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_recovery",
        "accounts:two_factor_setup",
        "accounts:logout",
        "admin:logout",
        "healthz",
        "robots_txt",
        "favicon",
        "sitemap_index",
        "django.contrib.sitemaps.views.sitemap",
    }
)
# Fresh recovery codes are shown until their owner says they have kept them.
PAGES_WHILE_RECOVERY_CODES_PENDING = frozenset(
    {"accounts:two_factor_recovery_codes", "accounts:logout", "admin:logout"}
)


def safe_next(request, next_url: str) -> str:
    """`next_url` if it points into this site, else ""."""
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if next_url and allowed else ""


def second_factor_url(request, *, next_url: str = "") -> str:
    """The code page for staff with an authenticator app, the set-up page for the others."""
    has_app = selectors.confirmed_totp_device(request.user) is not None
    url = reverse("accounts:two_factor_verify" if has_app else "accounts:two_factor_setup")
    if next_url := safe_next(request, next_url):
        url += "?" + urlencode({"next": next_url})
    return url


class StaffSecondFactorMiddleware:
    """Staff who have logged in with their password but not yet with their second factor see
    only the second-factor pages (when `STAFF_REQUIRE_2FA` is on).

    After `OTPMiddleware`. The admin checks the same again in `StaffAdminSite.has_permission`;
    this middleware also keeps such a session out of the portal's own pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.STAFF_REQUIRE_2FA:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        # Checked before touching request.user, so machine-read URLs stay free of the session.
        if view_name in PAGES_BEFORE_SECOND_FACTOR or not permissions.needs_second_factor(request.user):
            return None
        if permissions.second_factor_satisfied(request.user):
            if (
                request.session.get(services.RECOVERY_CODES_SESSION_KEY)
                and view_name not in PAGES_WHILE_RECOVERY_CODES_PENDING
            ):
                return redirect("accounts:two_factor_recovery_codes")
            return None
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(second_factor_url(request, next_url=next_url))
