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
    shown = language_of_text(instance, base, language or settings.LANGUAGE_CODE)
    return getattr(instance, f"{base}_{shown}", "") or ""


def language_of_text(instance, base: str, language: str | None = None) -> str:
    """The language of the text `text_in_language` shows: `language` unless that translation is
    missing and another one stands in (its part of the page then needs its own `lang`)."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [language] + [code for code in LANGUAGE_CODES if code != language]
    for code in order:
        if getattr(instance, f"{base}_{code}", ""):
            return code
    return language
