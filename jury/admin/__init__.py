"""The organisers' side of the jury: reviews and criteria, inviting jurors, the ranking,
its exports, and the shortlist. Scores are read here, never edited.

Custom pages hang off the review (`<id>/ranking/`, `<id>/shortlist/`, `<id>/invite/`) and
are linked from its change page; each checks its own permission.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import audit, spreadsheets
from jury import exports, permissions, selectors, services, views
from jury.models import Criterion, Evaluation, ExportJob, Juror, Recusal, Review, Score
from projects.models import Nomination

SORTS = {
    "rank": (lambda row: (row.score is None, -(row.score or 0)), _("score")),
    "jurors": (lambda row: -row.jurors_scored, _("jurors who scored")),
    "spread": (lambda row: (row.spread is None, -(row.spread or 0)), _("spread")),
    "recusals": (lambda row: -row.recusals, _("recusals")),
    "title": (lambda row: row.project.title.casefold(), _("title")),
}

# How often the export's progress page reloads itself while the workbook is written.
EXPORT_REFRESH_SECONDS = 3

audit.register_actions({"export.jury_ranking": _("Jury ranking exported")})


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}
    fields = (
        ("title_kk", "title_ru", "title_en"),
        ("guidance_kk", "guidance_ru", "guidance_en"),
        ("weight", "scale_max", "allow_cannot_assess", "position"),
    )


class ReviewForm(forms.ModelForm):
    with_default_criteria = forms.BooleanField(
        label=_("Start with the five usual criteria"),
        required=False,
        initial=True,
        help_text=_(
            "Significance, social impact, sustainability, innovation and the NGO's openness; edit them after saving."
        ),
    )

    class Meta:
        model = Review
        fields = (
            "fair",
            "opens_at",
            "closes_at",
            "instructions_kk",
            "instructions_ru",
            "instructions_en",
            "protocol_public",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["with_default_criteria"]
        else:
            # Filled from the fair's schedule when left empty.
            for name in ("opens_at", "closes_at"):
                self.fields[name].required = False
                self.fields[name].help_text = _(
                    "Leave empty to use the fair's schedule: from the end of submission to the start of voting."
                )

    def clean(self):
        cleaned = super().clean()
        # On the change page the fair is read-only, so it is not in the form's data.
        fair = cleaned.get("fair") or (self.instance.fair if self.instance.pk else None)
        if fair is not None:
            defaults = services.review_window_defaults(fair)
            for name in ("opens_at", "closes_at"):
                if not cleaned.get(name):
                    cleaned[name] = defaults[name]
                    setattr(self.instance, name, defaults[name])
            closes_at = cleaned.get("closes_at")
            if closes_at and closes_at > fair.voting_opens_at:
                self.add_error(
                    "closes_at",
                    _(
                        "Scoring must close by the time public voting opens (%(when)s): the finalists are needed then."
                    )
                    % {
                        "when": date_format(timezone.localtime(fair.voting_opens_at), "SHORT_DATETIME_FORMAT")
                    },
                )
        return cleaned


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ("__str__", "opens_at", "closes_at", "criteria_count", "jurors_count", "ranking_link")
    search_fields = ("fair__title_kk", "fair__title_ru", "fair__title_en", "fair__slug")
    inlines = [CriterionInline]
    change_form_template = "admin/jury/review/change_form.html"

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
        return ((None, {"fields": ("fair",)}), window, texts, protocol)

    def get_readonly_fields(self, request, obj=None):
        return ("fair", "shortlist_applied_at", "shortlist_rule", "shortlist_scores_sha256") if obj else ()

    @admin.display(description=_("shortlist rule"))
    def shortlist_rule(self, obj):
        if obj.shortlist_applied_at is None:
            return "—"
        return gettext("top %(top_n)s %(scope)s, ties %(ties)s") % {
            "top_n": obj.shortlist_top_n,
            "scope": gettext("in each nomination")
            if obj.shortlist_per_nomination
            else gettext("in the whole fair"),
            "ties": gettext("included") if obj.shortlist_include_ties else gettext("left out"),
        }

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
            super().save_model(request, obj, form, change)
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

    def response_add(self, request, obj, post_url_continue=None):
        # Straight on to the criteria, which the add page does not show.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:pk>/ranking/",
                self.admin_site.admin_view(self.ranking_view),
                name="{}_{}_ranking".format(*info),
            ),
            path(
                "<int:pk>/ranking/export.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "<int:pk>/ranking/exports/<int:job_id>/",
                self.admin_site.admin_view(self.export_progress_view),
                name="{}_{}_export_progress".format(*info),
            ),
            path(
                "<int:pk>/ranking/exports/<int:job_id>/download/",
                self.admin_site.admin_view(self.export_download_view),
                name="{}_{}_export_download".format(*info),
            ),
            path(
                "<int:pk>/shortlist/",
                self.admin_site.admin_view(self.shortlist_view),
                name="{}_{}_shortlist".format(*info),
            ),
            path(
                "<int:pk>/commission-protocol.<str:language>.pdf",
                self.admin_site.admin_view(self.protocol_view),
                name="{}_{}_protocol".format(*info),
            ),
            path(
                "<int:pk>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="{}_{}_invite".format(*info),
            ),
            *super().get_urls(),
        ]

    # -------------------------------------------------------------- custom pages

    def _review(self, request, pk) -> Review:
        if not permissions.can_view_ranking(request.user):
            raise PermissionDenied
        return get_object_or_404(Review.objects.select_related("fair"), pk=pk)

    def _context(self, request, review, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "review": review,
            "title": title,
            "subtitle": str(review.fair),
        }

    def _nomination(self, request, review) -> Nomination | None:
        nomination_id = request.GET.get("nomination", "")
        if not nomination_id.isdecimal() or not nomination_id.isascii():
            return None
        return review.fair.nominations.filter(pk=nomination_id).first()

    def ranking_view(self, request, pk):
        review = self._review(request, pk)
        nomination = self._nomination(request, review)
        criteria = selectors.criteria_of(review)
        rows = selectors.ranking(review, nomination=nomination, criteria=criteria)
        sort = request.GET.get("sort", "rank")
        if sort in SORTS and sort != "rank":
            rows.sort(key=SORTS[sort][0])
        context = {
            **self._context(request, review, gettext("Jury ranking")),
            "rows": rows,
            "criteria": criteria,
            "nominations": list(review.fair.nominations.all()),
            "nomination": nomination,
            "sort": sort,
            "sorts": [(key, label) for key, (_key, label) in SORTS.items()],
            "progress": selectors.progress_by_juror(review),
            "now": timezone.now(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/jury/review/ranking.html", context)

    def export_view(self, request, pk, fmt):
        review = self._review(request, pk)
        nomination = self._nomination(request, review)
        if fmt not in ("csv", "xlsx"):
            raise Http404
        audit.record(
            actor=request.user,
            action="export.jury_ranking",
            target=review,
            details={"format": fmt, "nomination": nomination.pk if nomination else None},
        )
        if fmt == "csv":
            return exports.csv_response(review, nomination)
        # Every score of a national fair takes a workbook longer to write than a request may:
        # a task writes it, and the progress page offers it when ready.
        job = exports.export_job_start(review=review, nomination=nomination, user=request.user)
        return HttpResponseRedirect(reverse("admin:jury_review_export_progress", args=[review.pk, job.pk]))

    def _export_job(self, request, pk, job_id) -> ExportJob:
        """Someone else's export is a 404, as if it did not exist."""
        job = get_object_or_404(
            ExportJob.objects.select_related("review__fair", "nomination"), pk=job_id, review_id=pk
        )
        if not permissions.can_see_export(request.user, job):
            raise Http404
        return job

    def export_progress_view(self, request, pk, job_id):
        job = self._export_job(request, pk, job_id)
        context = {
            **self._context(request, job.review, gettext("Ranking export")),
            "job": job,
            "refresh_seconds": EXPORT_REFRESH_SECONDS,
            "ranking_url": reverse("admin:jury_review_ranking", args=[job.review.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/jury/review/export_progress.html", context)

    def export_download_view(self, request, pk, job_id):
        job = self._export_job(request, pk, job_id)
        if job.state != ExportJob.State.DONE or not job.file:
            raise Http404
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.download_name,
            content_type=spreadsheets.XLSX_CONTENT_TYPE,
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def shortlist_view(self, request, pk):
        review = self._review(request, pk)
        if not request.user.has_perm("projects.change_project_state"):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else (request.GET if "top_n" in request.GET else None)
        form = ShortlistForm(data)
        shortlist = None
        ranking_url = reverse("admin:jury_review_ranking", args=[review.pk])
        if form.is_valid():
            options = {
                "top_n": form.cleaned_data["top_n"],
                "per_nomination": form.cleaned_data["scope"] == "nomination",
                "include_ties": form.cleaned_data["ties"] == "include",
            }
            if request.method == "POST" and "apply" in request.POST:
                try:
                    promoted, turned_down = services.shortlist_apply(
                        review=review,
                        expected_ids=form.cleaned_data["expected"],
                        expected_turned_down=form.cleaned_data["expected_turned_down"],
                        others_not_selected=form.cleaned_data["others_not_selected"],
                        actor=request.user,
                        **options,
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d project is now a finalist.",
                            "%(count)d projects are now finalists.",
                            promoted,
                        )
                        % {"count": promoted}
                        + (
                            " "
                            + ngettext(
                                "%(count)d project marked not selected.",
                                "%(count)d projects marked not selected.",
                                turned_down,
                            )
                            % {"count": turned_down}
                            if turned_down
                            else ""
                        ),
                    )
                    return HttpResponseRedirect(ranking_url)
            shortlist = services.shortlist_preview(review=review, **options)
        progress = selectors.progress_by_juror(review)
        context = {
            **self._context(request, review, gettext("Promote to finalists")),
            "form": form,
            "shortlist": shortlist,
            "expected": ",".join(str(pk) for pk in shortlist.selected_ids) if shortlist else "",
            "expected_turned_down": ",".join(str(pk) for pk in shortlist.turned_down_ids)
            if shortlist
            else "",
            "window_open": review.is_open_at(timezone.now()),
            "unfinished": [item for item in progress if not item.juror.finalised_at],
            "ranking_url": ranking_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/jury/review/shortlist.html", context)

    def protocol_view(self, request, pk, language):
        """The commission's protocol, whether or not it is public yet."""
        review = self._review(request, pk)
        if language not in dict(settings.LANGUAGES):
            raise Http404
        with translation.override(language):
            return views.commission_protocol_response(review)

    def invite_view(self, request, pk):
        review = get_object_or_404(Review.objects.select_related("fair"), pk=pk)
        if not request.user.has_perm("jury.add_juror"):
            raise PermissionDenied
        form = InviteForm(request.POST or None, review=review)
        if request.method == "POST" and form.is_valid():
            try:
                juror = services.juror_invite(
                    review=review,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    language=form.cleaned_data["language"],
                    nominations=form.cleaned_data["nominations"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Invitation sent: %(email)s is now a juror of %(fair)s.")
                    % {"email": juror.user.email, "fair": review.fair},
                )
                if "_addanother" in request.POST:
                    return HttpResponseRedirect(request.path)
                return HttpResponseRedirect(reverse("admin:jury_review_change", args=[review.pk]))
        context = {**self._context(request, review, gettext("Invite a juror")), "form": form}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/jury/review/invite.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        review = self.get_object(request, object_id)
        if review is not None:
            extra_context["jurors"] = selectors.progress_by_juror(review)
            extra_context["can_view_ranking"] = permissions.can_view_ranking(request.user)
            extra_context["can_invite"] = request.user.has_perm("jury.add_juror")
            extra_context["protocol_languages"] = settings.LANGUAGES
        return super().change_view(request, object_id, form_url, extra_context)


class CommaSeparatedIds(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value) or ""
        try:
            return [int(part) for part in value.split(",") if part.strip()]
        except ValueError as error:
            raise ValidationError(_("Reload the preview and try again."), code="invalid") from error


class ShortlistForm(forms.Form):
    top_n = forms.IntegerField(label=_("How many finalists"), min_value=1, max_value=1000, initial=10)
    scope = forms.ChoiceField(
        label=_("Count the top N"),
        choices=[("nomination", _("in each nomination")), ("fair", _("in the whole fair"))],
        initial="nomination",
        widget=forms.RadioSelect,
    )
    ties = forms.ChoiceField(
        label=_("Projects tied with the last place"),
        choices=[
            ("include", _("all become finalists (more than N)")),
            ("exclude", _("none of them (fewer than N)")),
        ],
        initial="include",
        widget=forms.RadioSelect,
    )
    others_not_selected = forms.BooleanField(
        label=_("Mark the other scored, submitted projects “not selected”"),
        required=False,
        help_text=_(
            "Their NGOs are told by e-mail. Unscored projects are left as they are. Leave unticked to decide later."
        ),
    )
    expected = CommaSeparatedIds(required=False, widget=forms.HiddenInput)
    expected_turned_down = CommaSeparatedIds(required=False, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, required=False, help_text=_("For a new account.")
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    nominations = forms.ModelMultipleChoiceField(
        label=_("Nominations"),
        queryset=Nomination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for the whole fair."),
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = review.fair.nominations.all()


# ------------------------------------------------------------------ jurors


class JurorForm(forms.ModelForm):
    class Meta:
        model = Juror
        fields = ("nominations",)
        widgets = {"nominations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(fair_id=self.instance.review.fair_id)


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    form = JurorForm
    list_display = ("__str__", "email", "review", "nominations_list", "scored", "recused", "finalised_at")
    list_filter = ("review",)
    search_fields = ("user__email", "user__full_name")
    readonly_fields = ("user", "review", "invited_by", "invited_at", "finalised_at", "reminded_at")
    fields = ("user", "review", "nominations", "invited_by", "invited_at", "finalised_at", "reminded_at")
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

    def save_related(self, request, form, formsets, change):
        services.juror_set_nominations(
            juror=form.instance, nominations=form.cleaned_data["nominations"], actor=request.user
        )

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
    readonly_fields = ("juror", "project", "comment", "created_at", "updated_at")
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
