"""Log-in hooks (count wrong passwords, shorten staff sessions, audit staff and jurors' log-ins)
and the audit trail of staff permissions.

Connected in `AccountsConfig.ready`. Both the portal's and the admin's log-in pages send these
signals (through `authenticate()` and `login()`), so one place serves both. Permission changes
are recorded from the model signals, so the admin's user and group forms, `createsuperuser`-like
commands and a shell all leave the same trace; the actor is the request's user when there is one.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import normalize_login_email
from fairportal import audit, ratelimit
from fairportal.ratelimit import client_ip

# Groups whose members' log-ins are audited, with staff and superusers.
AUDITED_GROUPS = ("Organisers", "Jury")
# Failed log-ins recorded per audited account and hour, from all networks together. The log-in
# limits count per network, so many networks may go on failing; the trail is append-only, so
# each of those failures would be a row nobody may ever delete. The counter still counts them.
AUDITED_LOGIN_FAILURES_PER_ACCOUNT = (20, 60 * 60)
# Flags whose flip changes what an account may do in the admin.
PERMISSION_FLAGS = ("is_staff", "is_superuser", "is_active")

audit.register_actions(
    {
        "login.succeeded": _("Logged in"),
        "login.failed": _("Failed log-in"),
        "user.flags_changed": _("Staff status changed"),
        "user.groups_changed": _("Group membership changed"),
        "user.permissions_changed": _("User permissions changed"),
        "group.permissions_changed": _("Group permissions changed"),
    }
)


def login_identity_from(username: str) -> str:
    """The account a log-in attempt is for, normalised as the form does (NFKC, lower case),
    so look-alike spellings of one address share one counter."""
    return normalize_login_email(unicodedata.normalize("NFKC", username or ""))


def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    # authenticate() without a request (a shell, a test client's login()) comes from no network.
    if request is None:
        return
    services.login_failure_record(
        identity=login_identity_from(credentials.get("username", "")), ip=client_ip(request)
    )


def limit_staff_session(sender, request, user, **kwargs) -> None:
    """Staff sessions end a fixed number of hours after log-in (others keep SESSION_COOKIE_AGE);
    a password log-in also opens the short window in which a second factor may be set up."""
    session = getattr(request, "session", None)
    if session is None or not (user.is_staff or user.is_superuser):
        return
    now = timezone.now()
    session.set_expiry(now + timedelta(hours=settings.STAFF_SESSION_HOURS))
    session[services.ENROL_UNTIL_SESSION_KEY] = (now + services.ENROLMENT_WINDOW).timestamp()


def _is_audited(user) -> bool:
    return user.is_staff or user.is_superuser or user.groups.filter(name__in=AUDITED_GROUPS).exists()


def audit_login(sender, request, user, **kwargs) -> None:
    if _is_audited(user):
        audit.record(actor=user, action="login.succeeded", target=user)


def audit_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password for a staff or juror account: the account, never what was typed.

    Addresses of no such account are not recorded: what someone types there may be a password.
    """
    identity = login_identity_from(credentials.get("username", ""))
    user = get_user_model().objects.filter(email=identity).first() if identity else None
    if user is None or not _is_audited(user):
        return
    limit, period = AUDITED_LOGIN_FAILURES_PER_ACCOUNT
    count = ratelimit.hit(f"audit.login_failed:user:{user.pk}", limit=limit, period=period).count
    if count <= limit:  # 0 with the limits turned off: every failure is recorded
        # The last one recorded this hour says so, so nobody reads the silence after it as calm.
        details = {"later_failures_not_recorded": True} if count == limit else None
        audit.record(actor=None, action="login.failed", target=user, details=details)


def _flags_may_change(update_fields) -> bool:
    # A save naming its fields (a log-in's `last_login`) without a flag cannot flip one: no
    # query, no event.
    return update_fields is None or bool(set(update_fields) & set(PERMISSION_FLAGS))


def remember_flags(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._audit_flags = None
    if not raw and instance.pk is not None and _flags_may_change(update_fields):
        instance._audit_flags = (
            sender._default_manager.filter(pk=instance.pk).values(*PERMISSION_FLAGS).first()
        )


def audit_flags(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not _flags_may_change(update_fields):
        return
    before = getattr(instance, "_audit_flags", None)
    if created or before is None:
        before = {"is_staff": False, "is_superuser": False, "is_active": True}
    changes = {
        name: [before[name], getattr(instance, name)]
        for name in PERMISSION_FLAGS
        if before[name] != getattr(instance, name)
    }
    if changes:
        audit.record(
            actor=audit.current_actor(),
            action="user.flags_changed",
            target=instance,
            details={"changes": changes},
        )


def _m2m_audit(recorded_action: str, forward_model, related_model, field: str):
    """A recorder for one many-to-many (user ↔ groups, user ↔ permissions, group ↔ permissions),
    whichever side it was changed from: one event per changed owner, naming what was added or removed."""

    def label(obj) -> str:
        if isinstance(obj, Permission):
            return f"{obj.content_type.app_label}.{obj.codename}"
        return str(obj)

    def loaded(queryset):
        # A permission is named by its content type: one join, not one query per permission.
        return queryset.select_related("content_type") if queryset.model is Permission else queryset

    def pairs_for(instance, reverse: bool, objects) -> list:
        return [(obj, instance) for obj in objects] if reverse else [(instance, obj) for obj in objects]

    def changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs):
        if action == "pre_clear":
            # Which ones are about to go: after the clear there is nothing left to name.
            if reverse:
                instance._audit_cleared = list(
                    loaded(forward_model._default_manager.filter(**{field: instance}))
                )
            else:
                instance._audit_cleared = list(loaded(getattr(instance, field).all()))
            return
        if action == "post_clear":
            pairs = pairs_for(instance, reverse, getattr(instance, "_audit_cleared", []))
        elif action in ("post_add", "post_remove") and pk_set:
            pairs = pairs_for(instance, reverse, loaded(model._default_manager.filter(pk__in=pk_set)))
        else:
            return
        verb = "added" if action == "post_add" else "removed"
        by_owner: dict = {}
        for owner, obj in pairs:
            by_owner.setdefault(owner, []).append(label(obj))
        for owner, labels in by_owner.items():
            audit.record(
                actor=audit.current_actor(),
                action=recorded_action,
                target=owner,
                details={verb: sorted(labels)},
            )

    return changed


def connect() -> None:
    user_login_failed.connect(count_login_failure, dispatch_uid="accounts.count_login_failure")
    user_logged_in.connect(limit_staff_session, dispatch_uid="accounts.limit_staff_session")
    user_logged_in.connect(audit_login, dispatch_uid="accounts.audit_login")
    user_login_failed.connect(audit_login_failure, dispatch_uid="accounts.audit_login_failure")
    User = get_user_model()
    pre_save.connect(remember_flags, sender=User, dispatch_uid="accounts.remember_flags")
    post_save.connect(audit_flags, sender=User, dispatch_uid="accounts.audit_flags")
    for action, forward, related, field, through in (
        ("user.groups_changed", User, Group, "groups", User.groups.through),
        ("user.permissions_changed", User, Permission, "user_permissions", User.user_permissions.through),
        ("group.permissions_changed", Group, Permission, "permissions", Group.permissions.through),
    ):
        m2m_changed.connect(
            _m2m_audit(action, forward, related, field),
            sender=through,
            weak=False,
            dispatch_uid=f"accounts.audit.{action}",
        )
