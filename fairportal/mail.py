"""E-mails rendered from templates, each in its recipient's language, sent by a task.

`queue_to_users` / `queue_to_addresses` record one `OutgoingMail` per recipient inside the
caller's transaction and enqueue its task once that transaction commits: a rolled-back action
mails nothing, and no request ever waits for a mail server. The task
(`fairportal.tasks.send_outgoing_mail`) renders the message in the recipient's language, sends
it, records "sent", or retries with a growing delay and finally records "failed".

The context is stored with the row, so it holds references, never secrets: a model instance
is kept as (model, pk) and fetched again by the task; a link token is a `Derived` value, made
by the task from its object at sending time, so no token rests in the database or the queue.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

LINE_BREAKS = re.compile(r"[ \t\r\n\f\v]+")


def render_mail(template_prefix: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body from ``<prefix>_subject.txt`` and ``<prefix>_body.txt``.

    Rendered inside the recipient's language, so ``{% url %}`` in the templates gives
    links under that language's prefix; ``site_url`` makes them absolute.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_body.txt", context)
    # A subject must be one line whatever a translation does; the no-break spaces of grouped
    # numbers (1 234) and amounts (5 000 тенге) stay, as in the body.
    return LINE_BREAKS.sub(" ", subject), body


def send_to_addresses(*, template_prefix: str, context: dict, recipients: Iterable[tuple[str, str]]) -> int:
    """Send one message per (address, language) pair over a single connection, right now.

    For tasks only (voting codes, which keep their own record and erase the address after
    sending): code running in a request queues its mail with `queue_to_addresses` instead.
    """
    messages = []
    for address, language in recipients:
        subject, body = render_mail(template_prefix, context, language or settings.LANGUAGE_CODE)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class Derived:
    """A context value the task computes at sending time: ``import_string(maker)(of)``.

    For link tokens: the row and the task queue hold the object's reference, never the token.
    """

    maker: str
    of: models.Model


@dataclass(frozen=True)
class Attachment:
    """A file the task makes at sending time, inside the recipient's language:
    ``import_string(maker)(of)`` returns ``(filename, content, mimetype)``.

    Like `Derived`, the row holds the recipe, so the file says what is true when it is sent
    (a calendar entry for a slot moved meanwhile carries the new time) and nothing large or
    private rests in the database.
    """

    maker: str
    of: models.Model


def _allowed_maker(maker: str) -> str:
    # A queued row names functions the task imports and calls (derived values, attachments):
    # only those the settings list may run, whatever else a row might say.
    if maker not in settings.MAIL_MAKERS:
        raise ValueError(f"{maker!r} is not an allowed mail maker (settings.MAIL_MAKERS)")
    return maker


def make_attachments(stored: list) -> list[tuple[str, bytes | str, str]]:
    """The files of a row's `attachments`, made now (call it inside the recipient's language)."""
    return [import_string(_allowed_maker(item["maker"]))(restore_context(item["of"])) for item in stored]


def queue_to_addresses(
    *,
    template_prefix: str,
    context: dict,
    recipients: Iterable[tuple[str, str]],
    attachments: Iterable[Attachment] = (),
) -> list:
    """Record one queued message per (address, language) and send each by a task after commit.

    Call it inside the action's transaction: the rows are part of it, and the tasks are only
    enqueued once it has committed.
    """
    from fairportal.models import OutgoingMail

    stored = serialise_context(context)
    files = [{"maker": _allowed_maker(item.maker), "of": serialise_context(item.of)} for item in attachments]
    rows = OutgoingMail.objects.bulk_create(
        OutgoingMail(
            template=template_prefix,
            recipient=address,
            language=language or settings.LANGUAGE_CODE,
            context=stored,
            attachments=files,
        )
        for address, language in recipients
        if address
    )
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return rows


def queue_to_users(
    *, template_prefix: str, context: dict, users: Iterable, attachments: Iterable[Attachment] = ()
) -> list:
    """`queue_to_addresses` for accounts, each in the user's own language; inactive ones get none."""
    return queue_to_addresses(
        template_prefix=template_prefix,
        context=context,
        recipients=[(user.email, user.language) for user in users if user.is_active],
        attachments=attachments,
    )


def _enqueue(ids: list[int]) -> None:
    from fairportal.tasks import send_outgoing_mail

    for mail_id in ids:
        send_outgoing_mail.enqueue(mail_id)


# ---------------------------------------------------------------- stored context

_MODEL, _DERIVED, _DATETIME = "__model__", "__derived__", "__datetime__"


def serialise_context(value):
    """JSON for the row: models become references, `Derived` values stay recipes."""
    if isinstance(value, Derived):
        return {_DERIVED: _allowed_maker(value.maker), "of": serialise_context(value.of)}
    if isinstance(value, models.Model):
        return {_MODEL: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, datetime.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): serialise_context(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [serialise_context(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    # Fail where the mail is queued, not later in the worker.
    raise TypeError(
        f"A mail context cannot store {type(value).__name__}; pass a model, a plain value or Derived"
    )


class ContextGone(LookupError):
    """An object the message is about was deleted before it could be sent."""


def restore_context(value):
    """The inverse of `serialise_context`, fetching objects and making derived values now."""
    if isinstance(value, dict):
        if _MODEL in value:
            model = apps.get_model(value[_MODEL])
            instance = model._default_manager.filter(pk=value["pk"]).first()
            if instance is None:
                raise ContextGone(f"{value[_MODEL]} {value['pk']} no longer exists")
            return instance
        if _DERIVED in value:
            return import_string(_allowed_maker(value[_DERIVED]))(restore_context(value["of"]))
        if _DATETIME in value:
            return parse_datetime(value[_DATETIME])
        return {key: restore_context(item) for key, item in value.items()}
    if isinstance(value, list):
        return [restore_context(item) for item in value]
    return value
