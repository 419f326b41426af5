from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        from projects import selectors

        now = timezone.now()
        fairs = selectors.home_fairs(now=now)
        fair = fairs[0][0] if fairs else None
        return super().get_context_data(
            # Every fair a visitor can act on, a fair in voting first; the first one leads with
            # its timeline and nominations, the others with their phase and call to action.
            fairs=fairs,
            fair=fair,
            phase=fairs[0][1] if fairs else None,
            nominations=selectors.nominations_with_public_counts(fair) if fair else [],
            past_fairs=selectors.public_fairs().filter(archived_at__lte=now)[:6],
            **kwargs,
        )


class AboutView(TemplateView):
    template_name = "pages/about.html"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> object:
    """A translated page in the site's design instead of Django's technical 403."""
    return render(request, "403_csrf.html", status=403)


@cache_control(max_age=86400, public=True)
@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Browsers ask for /favicon.ico by habit; the file itself has a hashed static name.
    return HttpResponseRedirect(static("img/favicon.ico"))
