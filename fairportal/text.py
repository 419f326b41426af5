"""How user texts and amounts are written into sentences, the same way on pages, in e-mails and PDFs.

Knows nothing of fairs or projects: any app may import it (like `fairportal.i18n_fields`).
"""

import re

from django.utils import formats
from django.utils.translation import get_language, gettext

# The quotation marks each language's typography uses around a title.
QUOTES = {"kk": ("«", "»"), "ru": ("«", "»"), "en": ("“", "”")}
# Marks that show a text already carries its own quotes: «Бірге» шеберханасы, Клуб „Мама“.
OWN_QUOTES = "«»“”„"
STRAIGHT_PAIR = re.compile(r'"([^"]+)"')


def _quotes(language: str | None) -> tuple[str, str]:
    return QUOTES.get((language or get_language() or "kk").split("-")[0], QUOTES["kk"])


def quoted(text, language: str | None = None) -> str:
    """A title in the language's quotes, unless it already carries quotes of its own.

    «%(title)s» in a sentence turned the title «Бірге» шеберханасы into ««Бірге» шеберханасы»:
    the sentence now leaves the marks to this helper, which wraps a bare title only. Straight
    quotes typed on a keyboard ("Бірге" шеберханасы) become the language's own («Бірге»).
    """
    text = str(text if text is not None else "").strip()
    if not text:
        return ""
    opening, closing = _quotes(language)
    text = STRAIGHT_PAIR.sub(lambda m: f"{opening}{m.group(1)}{closing}", text)
    if any(mark in text for mark in OWN_QUOTES):
        return text
    return f"{opening}{text}{closing}"


def grouped(value) -> str:
    """5000000 → "5 000 000" (kk, ru: no-break spaces) or "5,000,000" (en).

    Grouping is not turned on site-wide (USE_THOUSAND_SEPARATOR), which would also group the ids
    and numbers that templates put into links, form values, data attributes and exports.
    """
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)


def money(amount) -> str:
    """An amount in tenge, grouped, with the one currency word of the language: "5 000 000 теңге"
    (kk), "5 000 000 тенге" (ru), "5,000,000 KZT" (en). The word never wraps away from its number."""
    if amount is None or amount == "":
        return ""
    return gettext("%(amount)s KZT").replace(" ", "\xa0") % {"amount": grouped(amount)}
