"""The organisers' side of the jury: reviews and criteria, inviting jurors, the ranking,
its exports, and the shortlist. Scores are read here, never edited.

Custom pages hang off the review (`<id>/ranking/`, `<id>/shortlist/`, `<id>/invite/`) and
are linked from its change page; each checks its own permission.

The pages themselves are in `pages.py`, their forms in `forms.py`. (`forms` is this package's
module, hence `django.forms` names imported one by one.)
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms import Textarea
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit
from fairportal.admin_inlines import ServiceInline, save_inline
from fairportal.admin_pages import OrganiserPages
from jury import permissions, selectors, services
from jury.admin import pages
from jury.admin.forms import JurorForm, ReviewForm
from jury.models import Criterion, Evaluation, Juror, Recusal, Review, Score

audit.register_actions({"export.jury_ranking": _("Jury ranking exported")})


class CriterionInline(ServiceInline, admin.StackedInline):
    """Written by `services.criterion_save` / `criterion_delete` (`ReviewAdmin.save_formset`)."""

    model = Criterion
    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 60})}}
    fields = (
        ("title_kk", "title_ru", "title_en"),
        ("guidance_kk", "guidance_ru", "guidance_en"),
        ("weight", "scale_max", "allow_cannot_assess", "position"),
    )

    def delete_error(self, instance):
        return services.criterion_delete_error(criterion=instance)


@admin.register(Review)
class ReviewAdmin(OrganiserPages, admin.ModelAdmin):
    form = ReviewForm
    list_display = ("__str__", "opens_at", "closes_at", "criteria_count", "jurors_count", "ranking_link")
    search_fields = ("fair__title_kk", "fair__title_ru", "fair__title_en", "fair__slug")
    inlines = [CriterionInline]
    change_form_template = "admin/jury/review/change_form.html"
    organiser_pages = (
        ("<int:pk>/ranking/", pages.ranking, "ranking"),
        ("<int:pk>/ranking/export.<str:fmt>", pages.export, "export"),
        ("<int:pk>/ranking/exports/<int:job_id>/", pages.export_progress, "export_progress"),
        ("<int:pk>/ranking/exports/<int:job_id>/download/", pages.export_download, "export_download"),
        ("<int:pk>/shortlist/", pages.shortlist, "shortlist"),
        ("<int:pk>/commission-protocol.<str:language>.pdf", pages.protocol, "protocol"),
        ("<int:pk>/invite/", pages.invite, "invite"),
        ("<int:pk>/reading/", pages.reading, "reading"),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("fair")
            .annotate(
                criteria_total=Count("criteria", distinct=True), jurors_total=Count("jurors", distinct=True)
            )
        )

    def get_fieldsets(self, request, obj=None):
        window = (_("Scoring window"), {"fields": ("opens_at", "closes_at")})
        texts = (
            _("Instructions for jurors"),
            {"fields": ("instructions_kk", "instructions_ru", "instructions_en")},
        )
        scoring = (_("Combining the scores"), {"fields": ("normalisation",)})
        reading = (_("Who reads which project"), {"fields": ("reading", "readers_per_project")})
        protocol = (
            _("Commission protocol"),
            {
                "fields": (
                    "protocol_public",
                    "shortlist_applied_at",
                    "shortlist_rule",
                    "shortlist_scores_sha256",
                )
            },
        )
        if obj is None:
            return ((None, {"fields": ("fair", "with_default_criteria")}), window, texts)
        return ((None, {"fields": ("fair",)}), window, texts, scoring, reading, protocol)

    def get_readonly_fields(self, request, obj=None):
        return ("fair", "shortlist_applied_at", "shortlist_rule", "shortlist_scores_sha256") if obj else ()

    @admin.display(description=_("shortlist rule"))
    def shortlist_rule(self, obj):
        return services.shortlist_rule_text(obj)

    def get_inlines(self, request, obj):
        # Criteria come after the review exists (the usual five are created with it).
        return self.inlines if obj else []

    @admin.display(description=_("criteria"))
    def criteria_count(self, obj):
        return obj.criteria_total

    @admin.display(description=_("jurors"))
    def jurors_count(self, obj):
        return obj.jurors_total

    @admin.display(description=_("ranking"))
    def ranking_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:jury_review_ranking", args=[obj.pk]), gettext("Ranking")
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.review_update(review=obj, actor=request.user)
            return
        review = services.review_create(
            fair=obj.fair,
            opens_at=obj.opens_at,
            closes_at=obj.closes_at,
            with_default_criteria=form.cleaned_data.get("with_default_criteria", False),
            instructions_kk=obj.instructions_kk,
            instructions_ru=obj.instructions_ru,
            instructions_en=obj.instructions_en,
        )
        obj.pk = review.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Criterion:
            return super().save_formset(request, form, formset, change)
        save_inline(
            self,
            request,
            formset,
            save=lambda criterion: services.criterion_save(criterion=criterion, actor=request.user),
            delete=lambda criterion: services.criterion_delete(criterion=criterion, actor=request.user),
        )
        return None

    def response_add(self, request, obj, post_url_continue=None):
        # Straight on to the criteria, which the add page does not show.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        review = self.get_object(request, object_id)
        if review is not None:
            extra_context["jurors"] = selectors.progress_by_juror(review)
            extra_context["can_view_ranking"] = permissions.can_view_ranking(request.user)
            extra_context["can_invite"] = request.user.has_perm("jury.add_juror")
            extra_context["can_assign"] = request.user.has_perm("jury.change_review")
            extra_context["protocol_languages"] = settings.LANGUAGES
        return super().change_view(request, object_id, form_url, extra_context)


# ------------------------------------------------------------------ jurors


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    form = JurorForm
    list_display = ("__str__", "email", "review", "nominations_list", "scored", "recused", "finalised_at")
    list_filter = ("review",)
    search_fields = ("user__email", "user__full_name")
    readonly_fields = ("user", "review", "invited_by", "invited_at", "finalised_at", "reminded_at")
    fields = (
        "user",
        "review",
        "nominations",
        "languages",
        "conflict_organisations",
        "invited_by",
        "invited_at",
        "finalised_at",
        "reminded_at",
    )
    actions = ["reopen", "resend_invitation"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "review__fair")
            .prefetch_related("nominations")
            .annotate(
                evaluations_total=Count("evaluations", distinct=True),
                recusals_total=Count("recusals", distinct=True),
            )
        )

    def has_add_permission(self, request):
        return False  # jurors are invited from their review's page, which sends the e-mail

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("nominations"))
    def nominations_list(self, obj):
        return "; ".join(n.title for n in obj.nominations.all()) or gettext("all")

    @admin.display(description=_("scored"))
    def scored(self, obj):
        return obj.evaluations_total

    @admin.display(description=_("recused"))
    def recused(self, obj):
        return obj.recusals_total

    def save_model(self, request, obj, form, change):
        pass  # `save_related` writes everything through `services.juror_update`

    def save_related(self, request, form, formsets, change):
        result = services.juror_update(
            juror=form.instance,
            nominations=form.cleaned_data["nominations"],
            languages=form.cleaned_data["languages"],
            conflict_organisations=form.cleaned_data["conflict_organisations"],
            actor=request.user,
        )
        pages.report_rebalance(request, result)

    def delete_model(self, request, obj):
        pages.report_rebalance(request, services.juror_remove(juror=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        jurors = list(queryset.select_related("user"))
        pages.report_rebalance(request, services.jurors_remove(jurors=jurors, actor=request.user))

    @admin.action(description=_("Let the selected jurors change their scores again"), permissions=["change"])
    def reopen(self, request, queryset):
        for juror in queryset:
            services.juror_reopen(juror=juror, actor=request.user)
        self.message_user(request, gettext("Scoring reopened for the selected jurors."), messages.SUCCESS)

    @admin.action(description=_("Send the invitation again"), permissions=["invite"])
    def resend_invitation(self, request, queryset):
        try:
            for juror in queryset:
                services.juror_resend_invitation(juror=juror, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, gettext("Invitations sent again."), messages.SUCCESS)

    def has_invite_permission(self, request):
        return request.user.has_perm("jury.add_juror")


@admin.register(Recusal)
class RecusalAdmin(admin.ModelAdmin):
    """Conflicts of interest, as declared. Deleting one lifts it: the juror may then score."""

    list_display = ("juror", "project", "reason", "created_at")
    list_filter = ("juror__review",)
    search_fields = ("juror__user__email", "juror__user__full_name", "project__title")
    list_select_related = ("juror__user", "project")
    readonly_fields = ("juror", "project", "reason", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.recusal_lift(recusal=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for recusal in queryset:
            services.recusal_lift(recusal=recusal, actor=request.user)


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ("criterion", "value")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_ranking(request.user) and super().has_view_permission(request, obj)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only: organisers may audit what a juror gave, never change it."""

    list_display = ("juror", "project", "answered", "updated_at")
    list_filter = ("juror__review",)
    search_fields = ("juror__user__email", "juror__user__full_name", "project__title")
    list_select_related = ("juror__user", "project")
    readonly_fields = ("juror", "project", "comment", "comment_for_ngo", "created_at", "updated_at")
    inlines = [ScoreInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                answered_total=Count("scores"),
                assessed_total=Count("scores", filter=Q(scores__value__isnull=False)),
            )
        )

    @admin.display(description=_("assessed criteria"))
    def answered(self, obj):
        return f"{obj.assessed_total} / {obj.answered_total}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Raw scores are the ranking in pieces: the same permission guards both.
        return permissions.can_view_ranking(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return permissions.can_view_ranking(request.user) and super().has_module_permission(request)
