"""E-mails rendered from templates, each in its recipient's language."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation


def render_mail(template_prefix: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body from ``<prefix>_subject.txt`` and ``<prefix>_body.txt``.

    Rendered inside the recipient's language, so ``{% url %}`` in the templates gives
    links under that language's prefix; ``site_url`` makes them absolute.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_body.txt", context)
    # A subject must be one line whatever a translation does.
    return " ".join(subject.split()), body


def send_to_addresses(*, template_prefix: str, context: dict, recipients: Iterable[tuple[str, str]]) -> int:
    """Send one message per (address, language) pair over a single connection."""
    messages = []
    for address, language in recipients:
        subject, body = render_mail(template_prefix, context, language or settings.LANGUAGE_CODE)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def send_to_users(*, template_prefix: str, context: dict, users: Iterable) -> int:
    return send_to_addresses(
        template_prefix=template_prefix,
        context=context,
        recipients=[(user.email, user.language) for user in users if user.is_active],
    )
