from django.conf import settings
from django.http import HttpRequest


def site_urls(request: HttpRequest) -> dict:
    """Absolute addresses for canonical links and share previews, always on the public domain."""
    return {"site_origin": settings.SITE_URL, "canonical_url": settings.SITE_URL + request.path}
