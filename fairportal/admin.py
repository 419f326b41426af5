"""The audit trail and the outgoing e-mail, read-only for everyone: only the code writes them."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fairportal import audit
from fairportal.audit_exports import AuditExportMixin
from fairportal.models import AuditEvent, OutgoingMail


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(code, audit.action_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class FairFilter(admin.SimpleListFilter):
    title = _("fair")
    parameter_name = "fair_id"

    def lookups(self, request, model_admin):
        recorded = set(AuditEvent.objects.exclude(fair_id=None).values_list("fair_id", flat=True).distinct())
        return [(str(pk), name) for pk, name in audit.fair_choices() if pk in recorded]

    def queryset(self, request, queryset):
        value = self.value() or ""
        return queryset.filter(fair_id=int(value)) if value.isdigit() and value.isascii() else queryset


class ActorFilter(admin.SimpleListFilter):
    title = _("by")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        rows = (
            AuditEvent.objects.exclude(actor=None)
            .order_by("actor_label")
            .values_list("actor_id", "actor_label")
            .distinct()
        )
        return [(str(pk), label) for pk, label in rows]

    def queryset(self, request, queryset):
        value = self.value() or ""
        return queryset.filter(actor_id=int(value)) if value.isdigit() and value.isascii() else queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody edits from the admin (the trail, the mail log): list and look only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEvent)
class AuditEventAdmin(AuditExportMixin, ReadOnlyAdmin):
    """Nobody adds, changes or deletes events here, superusers included."""

    list_display = ("at", "actor_shown", "action_shown", "target_label", "reason", "ip_network")
    list_filter = (ActionFilter, FairFilter, ActorFilter, "at")
    search_fields = ("target_label", "reason", "actor_label", "action")
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_shown",
        "action_shown",
        "target_type",
        "target_id",
        "target_label",
        "fair_shown",
        "reason",
        "details_shown",
        "ip_network",
    )
    readonly_fields = fields
    list_per_page = 100

    @admin.display(description=_("by"), ordering="actor_label")
    def actor_shown(self, obj: AuditEvent) -> str:
        return obj.actor_label or self.get_empty_value_display()

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, obj: AuditEvent) -> str:
        return audit.action_label(obj.action)

    @admin.display(description=_("fair"))
    def fair_shown(self, obj: AuditEvent) -> str:
        if obj.fair_id is None:
            return self.get_empty_value_display()
        return dict(audit.fair_choices()).get(obj.fair_id, str(obj.fair_id))

    @admin.display(description=_("details"))
    def details_shown(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.details, ensure_ascii=False, indent=2))


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """What the site mailed, and what failed after every retry: to read, never to edit."""

    list_display = (
        "created_at",
        "template",
        "recipient",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "template", "language", "created_at")
    search_fields = ("recipient", "subject")
    date_hierarchy = "created_at"
    # The stored context holds only references (never tokens), but it says nothing to a reader.
    fields = (
        "created_at",
        "template",
        "recipient",
        "language",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    list_per_page = 100
