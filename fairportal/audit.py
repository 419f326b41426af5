"""The organisers' audit trail: `record()` writes one `AuditEvent` per action.

Services call it inside their own transaction, right after the change they record, so the
event and the change commit or roll back together, and every caller (the admin, a command,
another app) leaves the same trace. It knows nothing of fairs or projects: callers choose the
action code (`"<noun>.<verb>"`, e.g. `"vote.invalidated"`) and register a translated label
for it with `register_actions`, which the audit admin shows.

The request's network (IPv4 /24, IPv6 /64 — never the address) and its user reach `record()`
and the signal handlers through `AuditContextMiddleware`, so services need not take a request.
Admin writes whose service does not record them itself (a review's window) are recorded by
`track_changes`, from the model's signals, with that user as the actor; services that do
(nominations, criteria, memberships) use `record_change`, in the same shape.
"""

from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from fairportal.models import AuditEvent
from fairportal.ratelimit import client_ip, network_of

_request_network: ContextVar[str] = ContextVar("fairportal_audit_network", default="")
# The request (not its user): AuthenticationMiddleware's user is lazy, and a log-in changes it.
_request: ContextVar = ContextVar("fairportal_audit_request", default=None)

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


def stored_values(instance: models.Model, fields: tuple[str, ...]) -> dict | None:
    """What the database holds for `fields` of `instance` before a service changes it (None if new)."""
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()


def record_change(
    *,
    actor,
    action: str,
    instance: models.Model,
    fields: tuple[str, ...],
    before: dict | None,
    deleted: bool = False,
    fair_id: int | None = None,
) -> AuditEvent | None:
    """One "created", "changed" (old → new of the `fields` that changed) or "deleted" event, as
    `track_changes` records them; nothing when nothing in `fields` changed."""
    if deleted:
        details: dict = {"change": "deleted"}
    elif before is None:
        details = {"change": "created", "changes": {name: [None, getattr(instance, name)] for name in fields}}
    else:
        changes = {
            name: [before[name], getattr(instance, name)]
            for name in fields
            if before[name] != getattr(instance, name)
        }
        if not changes:
            return None
        details = {"change": "changed", "changes": changes}
    return record(actor=actor, action=action, target=instance, details=details, fair_id=fair_id)


def current_actor():
    """The signed-in user of the request being served, or None (a command, a task, a log-in page)."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def track_changes(model, *, action: str, fields: tuple[str, ...], fair_of=None) -> None:
    """Record every create, change (of `fields`: old → new) and delete of `model` as `action`.

    For rules whose service does not record them (a review's window and protocol setting);
    only within a signed-in user's request.
    `fair_of(instance)` gives the fair's id.
    """
    from django.db.models.signals import post_delete, post_save, pre_save

    uid = f"fairportal.audit.{model._meta.label_lower}"

    def remember(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None or current_actor() is None:
            instance._audit_before = None
            return
        instance._audit_before = model._default_manager.filter(pk=instance.pk).values(*fields).first()

    def saved(sender, instance, created, raw=False, **kwargs):
        # People's edits only: seeding and data commands would bury them under their own rows.
        if raw or current_actor() is None:
            return
        before = getattr(instance, "_audit_before", None)
        after = {name: getattr(instance, name) for name in fields}
        if created or before is None:
            changes = {name: [None, value] for name, value in after.items()}
            verb = "created"
        else:
            changes = {name: [before[name], after[name]] for name in fields if before[name] != after[name]}
            verb = "changed"
            if not changes:
                return
        record(
            actor=current_actor(),
            action=action,
            target=instance,
            details={"change": verb, "changes": changes},
            fair_id=fair_of(instance) if fair_of else None,
        )

    def deleted(sender, instance, **kwargs):
        if current_actor() is None:
            return
        record(
            actor=current_actor(),
            action=action,
            target=instance,
            details={"change": "deleted"},
            fair_id=fair_of(instance) if fair_of else None,
        )

    pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}.post_delete")


class AuditContextMiddleware:
    """Remember the client's network and the request (for its user) for the events it records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_network.set(network_of(client_ip(request)))
        request_token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(request_token)
            _request_network.reset(token)
