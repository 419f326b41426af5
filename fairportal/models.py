from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RateLimitCounter(models.Model):
    """How often one key was hit in one fixed window; written only by `fairportal.ratelimit.hit`."""

    # Never a clear e-mail or IP address: ratelimit.py stores digests of user input.
    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            # The target of hit()'s ON CONFLICT: one row per key and window, even under races.
            models.UniqueConstraint(
                fields=["key", "window_start"], name="fairportal_ratelimit_one_counter_per_window"
            ),
        ]
        # purge_rate_limits deletes by window_start.
        indexes = [models.Index(fields=["window_start"], name="fairportal_ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"


class AuditEvent(models.Model):
    """One thing an organiser did: who, when, what to, and why. Written by `fairportal.audit.record`.

    Domain-free on purpose: the target is any model (content type + id, plus its name at the
    time, which survives the target's deletion), the action is a code the caller chooses, and
    `fair_id` is a bare number so this app depends on none of the others. PostgreSQL keeps the
    table append-only (migration 0002): nothing edits or deletes a row, except that deleting a
    user or a content type empties the link to it.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Who it was even after the account is gone.
    actor_label = models.CharField(_("by (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of target"),
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    fair_id = models.PositiveIntegerField(_("fair id"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # The IPv4 /24 or IPv6 /64 of the request, never the address itself.
    ip_network = models.CharField(_("network"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="fairportal_audit_at"),
            models.Index(fields=["action", "-at"], name="fairportal_audit_action"),
            models.Index(fields=["fair_id", "-at"], name="fairportal_audit_fair"),
            models.Index(fields=["target_type", "target_id"], name="fairportal_audit_target"),
        ]

    def __str__(self) -> str:
        # What the audit admin's page heading shows: local time and the action's label.
        from fairportal.audit import action_label  # audit.py imports this module

        return (
            f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {action_label(self.action)}: {self.target_label}"
        )


class OutgoingMail(models.Model):
    """One e-mail the site queued: to whom, what, and what became of it (`fairportal.mail`).

    Voting codes are not recorded here: their row would tie a voter's address to the project
    they chose. `voting.VoteCode` keeps their delivery, and erases the address once sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery status", "queued")
        SENT = "sent", pgettext_lazy("delivery status", "sent")
        FAILED = "failed", pgettext_lazy("delivery status", "failed")

    # The template prefix, e.g. "projects/email/state_changed": says which kind of message.
    template = models.CharField(_("kind"), max_length=100)
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    # References and plain values only (`fairportal.mail.serialise_context`): never a token.
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Files made by the task at sending time, in the recipient's language: [{"maker": dotted
    # path, "of": reference}] (`fairportal.mail.Attachment`), never the file itself.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The exception's class and first line: enough to tell a refused address from a dead server.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="fairportal_mail_status")]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient} ({self.status})"
