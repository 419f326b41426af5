"""The organisers' side of the presentation round: opening a round from a review whose shortlist
is applied, its criteria, the proposed schedule and applying it, the slots with the NGOs'
answers and the outcome on the day, moving and swapping slots.

Every write goes through `presentations.services`; the pages are in `pages.py`, their forms in
`forms.py` (this package's module, hence `django.forms` names imported one by one).
Slots are never added or deleted here: the schedule makes them.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal.admin_inlines import ServiceInline
from fairportal.admin_pages import OrganiserPages
from fairportal.locks import Busy
from presentations import ngo_permissions, services
from presentations.admin import pages
from presentations.admin.forms import RoundForm
from presentations.models import PresentationCriterion, PresentationRound, Slot, SlotOutcome


class PresentationCriterionInline(ServiceInline, admin.StackedInline):
    """Edited in place; a criterion jurors have scored is refused on its row in our words (the
    scores' RESTRICT would otherwise end the page in an error)."""

    model = PresentationCriterion
    extra = 0
    fields = (
        ("title_kk", "title_ru", "title_en"),
        ("guidance_kk", "guidance_ru", "guidance_en"),
        ("weight", "scale_max", "position"),
    )

    def delete_error(self, instance):
        if instance.scores.exists():
            return ValidationError(
                _("Jurors have already scored presentations on this criterion; it cannot be deleted."),
                code="scored",
            )
        return None


@admin.register(PresentationRound)
class PresentationRoundAdmin(OrganiserPages, admin.ModelAdmin):
    form = RoundForm
    list_display = ("__str__", "first_day", "days", "slots_count", "programme_public", "schedule_link")
    list_filter = ("programme_public",)
    search_fields = ("review__fair__title_kk", "review__fair__title_ru", "review__fair__slug")
    inlines = [PresentationCriterionInline]
    readonly_fields = ("fair", "opened_at", "opened_by")
    change_form_template = "admin/presentations/presentationround/change_form.html"
    change_list_template = "admin/presentations/presentationround/change_list.html"
    fieldsets = (
        (None, {"fields": ("fair", "opened_at", "opened_by")}),
        (
            _("Days and times (the defaults of the proposed schedule)"),
            {
                "fields": (
                    "first_day",
                    "days",
                    ("day_starts_at", "day_ends_at"),
                    ("slot_minutes", "gap_minutes"),
                    "room",
                    "video_link",
                )
            },
        ),
        (_("Scoring"), {"fields": (("reading_weight", "presentation_weight"), "scoring_closes_at")}),
        (_("Publication"), {"fields": ("programme_public",)}),
    )
    organiser_pages = (
        ("open/", pages.round_open, "open"),
        ("<int:pk>/schedule/", pages.schedule, "schedule"),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("review__fair").annotate(slots_total=Count("slots"))
        )

    def has_add_permission(self, request):
        # A round is opened from its review ("Open a presentation round"), never typed in.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("fair"))
    def fair(self, obj):
        return obj.review.fair

    @admin.display(description=_("slots"))
    def slots_count(self, obj):
        return obj.slots_total

    @admin.display(description=_("schedule"))
    def schedule_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:presentations_presentationround_schedule", args=[obj.pk]),
            gettext("Schedule"),
        )

    def save_model(self, request, obj, form, change):
        services.round_update(round=obj, actor=request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_open_round": ngo_permissions.can_open_round(request.user),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_manage_slots": ngo_permissions.can_manage_slots(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)


def _set_outcome(outcome: str):
    def action(model_admin, request, queryset):
        done = 0
        for slot in queryset.select_related("project"):
            try:
                services.slot_set_outcome(slot=slot, outcome=outcome, actor=request.user)
            except (ValidationError, Busy) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                model_admin.message_user(request, text, messages.ERROR)
            else:
                done += 1
        if done:
            model_admin.message_user(
                request,
                ngettext("%(count)d slot recorded.", "%(count)d slots recorded.", done) % {"count": done},
                messages.SUCCESS,
            )

    action.__name__ = f"mark_{outcome}"
    return action


class RoundListFilter(admin.RelatedFieldListFilter):
    """Django's filter by round, with each round read together with its fair: a round is named
    by its fair (`PresentationRound.__str__`), which would cost two queries per round."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        rounds = PresentationRound.objects.select_related("review__fair")
        if ordering:  # as Django's own choices: else the model's ordering, newest first
            rounds = rounds.order_by(*ordering)
        return [(presentation_round.pk, str(presentation_round)) for presentation_round in rounds]


class SlotAdmin(OrganiserPages, admin.ModelAdmin):
    list_display = (
        "local_start",
        "project_title",
        "organisation",
        "room",
        "answer",
        "note",
        "outcome",
        "change_links",
    )
    list_display_links = ("local_start",)
    list_filter = ("answer", "outcome", ("round", RoundListFilter))
    search_fields = ("project__title", "project__organisation__name")
    list_select_related = ("project__organisation", "round__review__fair")
    ordering = ("round", "starts_at", "pk")
    actions = [
        admin.action(description=_("Record: presented"), permissions=["change"])(
            _set_outcome(SlotOutcome.PRESENTED)
        ),
        admin.action(description=_("Record: did not present"), permissions=["change"])(
            _set_outcome(SlotOutcome.ABSENT)
        ),
        admin.action(description=_("Record: not yet (undo)"), permissions=["change"])(
            _set_outcome(SlotOutcome.SCHEDULED)
        ),
    ]
    fields = (
        "round",
        "project",
        "starts_at",
        "ends_at",
        "room",
        "video_link",
        "answer",
        "answer_note",
        "answered_at",
        "answered_by",
        "outcome",
        "sequence",
        "notified_at",
        "reminded_at",
    )
    change_form_template = "admin/presentations/slot/change_form.html"
    organiser_pages = (
        ("<int:pk>/move/", pages.slot_move, "move"),
        ("<int:pk>/swap/", pages.slot_swap, "swap"),
    )

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing here is edited in place: times change by "Move"/"Swap", the outcome by the actions.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "can_manage_slots": ngo_permissions.can_manage_slots(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("starts (Almaty)"), ordering="starts_at")
    def local_start(self, obj):
        return f"{timezone.localtime(obj.starts_at):%d.%m.%Y %H:%M}"

    @admin.display(description=_("project"), ordering="project__title")
    def project_title(self, obj):
        return obj.project.title

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.project.organisation.name

    @admin.display(description=_("NGO's note"))
    def note(self, obj):
        return Truncator(obj.answer_note).chars(80)

    @admin.display(description=_("change"))
    def change_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:presentations_slot_move", args=[obj.pk]),
            gettext("Move"),
            reverse("admin:presentations_slot_swap", args=[obj.pk]),
            gettext("Swap"),
        )


admin.site.register(Slot, SlotAdmin)
