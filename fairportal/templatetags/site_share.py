"""Sharing previews (Open Graph, Twitter cards): one block for every public page that is shared."""

import re

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language

register = template.Library()

# Open Graph names locales language_TERRITORY.
OG_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_US"}
DEFAULT_IMAGE = "img/share.png"  # 1200 × 630, the size previews show best
DEFAULT_IMAGE_SIZE = (1200, 630)
DESCRIPTION_CHARS = 200


def plain(text) -> str:
    """One line of plain text for a preview: no tags, no line breaks, at most 200 characters."""
    return Truncator(re.sub(r"\s+", " ", strip_tags(str(text or ""))).strip()).chars(DESCRIPTION_CHARS)


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_preview(
    context, title, description="", image=None, alt="", kind="website", width=None, height=None
):
    """Open Graph and Twitter tags with absolute addresses on SITE_URL (as the canonical link).

    `image` is an ImageField's file that the caller knows to be public (a public project's image,
    the logo of an NGO with a public page, a published ceremony's photo); without one, the site's
    own image. Never pass anything else: a preview is fetched by strangers' servers.
    """
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if image:
        url = image.url  # its size only when the caller knows it: reading it would open the file
    else:
        url, (width, height) = static(DEFAULT_IMAGE), DEFAULT_IMAGE_SIZE
        alt = ""
    return {
        "title": plain(title),
        "description": plain(description),
        "kind": kind,
        "url": context.get("canonical_url") or settings.SITE_URL + context["request"].path,
        "image": url if url.startswith(("http://", "https://")) else settings.SITE_URL + url,
        "width": width,
        "height": height,
        "alt": plain(alt),
        "locale": OG_LOCALES.get(language, OG_LOCALES["kk"]),
        "alternates": [code for lang, code in OG_LOCALES.items() if lang != language],
    }
