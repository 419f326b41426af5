"""Organiser-managed texts that exist in Kazakh, Russian and English.

A model declares ``title_kk``, ``title_ru``, ``title_en`` as ordinary fields and
``title = TranslatedText("title")``; reading ``obj.title`` gives the active language's
text, falling back to the other languages in the site's order so a page never shows
an empty heading because one translation is missing.
"""

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class TranslatedText:
    """Read-only descriptor choosing ``<base>_<language>`` for the active language."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return text_in_language(instance, self.base, get_language())


def text_in_language(instance, base: str, language: str | None) -> str:
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    order = [language] + [code for code in LANGUAGE_CODES if code != language]
    for code in order:
        value = getattr(instance, f"{base}_{code}", "")
        if value:
            return value
    return ""
