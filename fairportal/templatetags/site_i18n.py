"""The page's three language versions, and the language of the parts in another one."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, get_language_info

from fairportal.i18n_fields import language_of_text, text_in_language

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


def _foreign(code) -> str:
    """The code if text in that language sits on a page in another one, else "" (WCAG 3.1.2)."""
    code = str(code or "").split("-")[0]
    if code not in {known for known, _name in settings.LANGUAGES}:
        # Only our own language codes: anything else would be a wrong lang, or markup.
        return ""
    return code if code != (get_language() or settings.LANGUAGE_CODE).split("-")[0] else ""


@register.filter
def shown_language(instance, base: str) -> str:
    """The language an organiser's text (`fair|shown_language:"title"`) is shown in on this page:
    the page's, or the one that stands in when its translation is missing. Chain `|lang_attr`."""
    if instance is None or instance == "":
        return ""
    return language_of_text(instance, base)


@register.filter
def translated_text(instance, base: str) -> str:
    """An organiser's text in the page's language, or in a `<span lang>` when another language
    stands in for a missing translation: `nomination|translated_text:"title"` inside a line."""
    if instance is None or instance == "":
        return ""
    return in_language(text_in_language(instance, base, get_language()), language_of_text(instance, base))


@register.filter
def foreign_language(code) -> str:
    """The code when it is not the page's language, else "": for a data attribute a script reads."""
    return _foreign(code)


@register.filter
def lang_attr(code) -> str:
    """` lang="ru"` for an element holding text in `code` when the page is in another language;
    nothing when they match, so the page's own labels inherit the page's language.

    Put it on the element that holds only the user's text (a heading, a paragraph, an img whose
    alt the NGO wrote), never on a wrapper that also holds the page's labels."""
    foreign = _foreign(code)
    return format_html(' lang="{}"', foreign) if foreign else ""


@register.filter
def in_language(text, code) -> str:
    """The text, escaped, in a `<span lang>` when it is in another language than the page: for a
    title quoted inside a translated sentence ("Vote for “…”")."""
    foreign = _foreign(code)
    if not foreign:
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', foreign, text)
