"""The organisers' audit trail: `record()` writes one `AuditEvent` per action.

Services call it inside their own transaction, right after the change they record, so the
event and the change commit or roll back together, and every caller (the admin, a command,
another app) leaves the same trace. It knows nothing of fairs or projects: callers choose the
action code (`"<noun>.<verb>"`, e.g. `"vote.invalidated"`) and register a translated label
for it with `register_actions`, which the audit admin shows.

The request's network (IPv4 /24, IPv6 /64 — never the address) reaches `record()` through
`AuditContextMiddleware`, so services need not take a request.
"""

from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from fairportal.models import AuditEvent
from fairportal.ratelimit import client_ip, network_of

_request_network: ContextVar[str] = ContextVar("fairportal_audit_network", default="")

# action code -> translated label; filled by the apps that record those actions.
ACTION_LABELS: dict[str, Any] = {}

TARGET_LABEL_LENGTH = AuditEvent._meta.get_field("target_label").max_length


# () -> [(fair id, name)] for the audit admin's "fair" filter; set by the app that owns fairs.
_fair_choices = None


def register_fair_choices(choices) -> None:
    global _fair_choices
    _fair_choices = choices


def fair_choices() -> list[tuple[int, str]]:
    return list(_fair_choices()) if _fair_choices else []


def register_actions(labels: dict[str, Any]) -> None:
    """Name the action codes an app records (lazy translations), for the audit admin."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    details: dict | None = None,
    fair_id: int | None = None,
) -> AuditEvent:
    """Write one event. `fair_id` defaults to the target's own `fair_id`, or its pk if it is a fair."""
    if fair_id is None and target is not None:
        fair_id = getattr(target, "fair_id", None)
        if fair_id is None and target._meta.label_lower == "projects.fair":
            fair_id = target.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=str(actor)[:254] if authenticated else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:TARGET_LABEL_LENGTH] if target is not None else "",
        fair_id=fair_id,
        reason=(reason or "").strip(),
        details=details or {},
        ip_network=_request_network.get(),
    )


class AuditContextMiddleware:
    """Remember the client's network for the events this request records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_network.set(network_of(client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _request_network.reset(token)
