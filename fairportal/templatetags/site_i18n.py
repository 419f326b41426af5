"""Links between the three language versions of the page being shown."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


def _path_in_language(path: str, current: str, code: str) -> str:
    if not path.startswith(f"/{current}/"):
        # Not one of our pages (a 404 for "//elsewhere/…", say): never echo it back as a link.
        return f"/{code}/"
    translated = translate_url(path, code)
    if translated == path and code != current:
        # translate_url only knows resolvable paths; a 404 page still deserves a switch.
        translated = f"/{code}/{path[len(current) + 2 :]}"
    return translated


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """One entry per language: code, local name, URL of this page in it, and whether current."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    path = request.get_full_path()
    versions = []
    for code, _name in settings.LANGUAGES:
        translated = _path_in_language(path, current, code)
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "path": translated,
                "url": settings.SITE_URL + translated,
                "is_current": code == current,
            }
        )
    return versions
