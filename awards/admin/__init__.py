"""The organisers' side of the ceremony: photos (re-encoded like project images), awards
(given through `awards.services`, so a prize makes the finalist a winner), the people's
choice proposal, participant awards for all finalists, and the winners export."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards import exports, services
from awards.admin import pages
from awards.admin.forms import AwardInlineForm, AwardInlineFormSet, CeremonyPhotoForm
from awards.models import Award, AwardKind, Ceremony, CeremonyPhoto, RevokedCertificate
from fairportal import audit
from fairportal.admin_inlines import save_inline
from fairportal.admin_pages import OrganiserPages, restrict_autocomplete
from fairportal.admin_uploads import ChosenFilesNotice
from projects.models import Nomination, Project


class CeremonyFinalistSelect(AutocompleteSelect):
    """Django's autocomplete, told which ceremony asks (`?ceremony=`): jQuery adds the term and
    the field's names to this URL, and `ceremony_finalists` narrows the search to that fair."""

    ceremony_id: int | None = None

    def get_url(self) -> str:
        url = super().get_url()
        return f"{url}?{urlencode({'ceremony': self.ceremony_id})}" if self.ceremony_id else url


def ceremony_finalists(request, queryset):
    """The projects an award of `?ceremony=` may go to: its fair's finalists and winners."""
    ceremony_id = request.GET.get("ceremony", "")
    if not (ceremony_id.isdecimal() and ceremony_id.isascii()):
        return queryset.none()
    fair_ids = Ceremony.objects.filter(pk=ceremony_id).values("fair_id")
    return queryset.filter(fair_id__in=fair_ids, state__in=services.AWARDABLE_STATES)


restrict_autocomplete("awards", "award", "project", ceremony_finalists)

audit.register_actions(
    {"export.winners": _("Winners exported"), "export.final_protocol": _("Final protocol downloaded")}
)


def _record_winners_export(request, queryset, fmt: str) -> None:
    # The fair, when the selection is one fair's, so the trail's fair filter finds the export.
    fairs = set(queryset.values_list("ceremony__fair_id", flat=True).distinct())
    audit.record(
        actor=request.user,
        action="export.winners",
        fair_id=fairs.pop() if len(fairs) == 1 else None,
        details={"format": fmt, "awards": queryset.count()},
    )


class CeremonyPhotoInline(admin.TabularInline):
    model = CeremonyPhoto
    form = CeremonyPhotoForm
    extra = 1


class AwardInline(admin.StackedInline):
    model = Award
    form = AwardInlineForm
    formset = AwardInlineFormSet
    extra = 0
    fields = (
        ("project", "kind", "place", "nomination"),
        ("title_kk", "title_ru", "title_en"),
        "grant_amount",
        ("prize_kk", "prize_ru", "prize_en"),
        ("citation_kk", "citation_ru", "citation_en"),
    )
    # The ceremony's fair's finalists and winners, by name (`ceremony_finalists`), not raw ids.
    autocomplete_fields = ("project",)
    show_change_link = True
    verbose_name_plural = _("awards (participant awards are listed under Awards)")

    def get_queryset(self, request):
        # Every finalist has a participant award: fifty such forms would bury the prizes.
        return super().get_queryset(request).exclude(kind=AwardKind.PARTICIPANT)

    def has_add_permission(self, request, obj=None) -> bool:
        # Awards come once the ceremony exists: its fair decides the nominations and finalists.
        return obj is not None and super().has_add_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["widget"] = CeremonyFinalistSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            fields = formset.form.base_fields
            fields["nomination"].queryset = Nomination.objects.filter(fair_id=obj.fair_id)
            fields["project"].queryset = Project.objects.filter(fair_id=obj.fair_id)
            fields["project"].error_messages["invalid_choice"] = _(
                "Choose a finalist of this ceremony’s fair."
            )
            # Django's wrapper (the "+" link) holds the autocomplete widget.
            getattr(fields["project"].widget, "widget", fields["project"].widget).ceremony_id = obj.pk
        return formset


@admin.register(Ceremony)
class CeremonyAdmin(ChosenFilesNotice, OrganiserPages, admin.ModelAdmin):
    list_display = ("__str__", "held_at", "city_shown", "is_published", "awards_count", "grants_total")
    # A link typed without a scheme is taken as https://, as browsers do (and Django 6 will).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("is_published",)
    inlines = [CeremonyPhotoInline, AwardInline]
    actions = ["give_participant_awards"]
    change_form_template = "admin/awards/ceremony/change_form.html"
    organiser_pages = (
        ("<int:pk>/peoples-choice/", pages.peoples_choice, "peoples_choice"),
        ("<int:pk>/participants/", pages.participants, "participants"),
        ("<int:pk>/final-ranking/", pages.final_ranking, "final_ranking"),
        ("<int:pk>/final-ranking/protocol.pdf", pages.final_protocol_pdf, "final_protocol"),
        ("<int:pk>/jury-prizes/", pages.jury_prizes, "jury_prizes"),
    )
    fieldsets = (
        (None, {"fields": ("fair", "held_at", "is_published", "video_url")}),
        (_("Kazakh"), {"fields": ("venue_kk", "city_kk", "description_kk")}),
        (_("Russian"), {"fields": ("venue_ru", "city_ru", "description_ru")}),
        (_("English"), {"fields": ("venue_en", "city_en", "description_en")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("fair")
            .annotate(awards_total=Count("awards"), grants_sum=Sum("awards__grant_amount"))
        )

    @admin.display(description=_("awards"), ordering="awards_total")
    def awards_count(self, obj):
        return obj.awards_total

    @admin.display(description=_("city"))
    def city_shown(self, obj):
        # The city in the admin's language (falls back as the public pages do), not always Russian.
        return obj.city

    @admin.display(description=_("grants, KZT"), ordering="grants_sum")
    def grants_total(self, obj):
        # Grouped like the dashboard's sums ("18 000 000"), not a bare 18000000.
        return number_format(obj.grants_sum or 0, force_grouping=True)

    def save_model(self, request, obj, form, change):
        # Noted on the form (this request's), not on the admin, which every request shares.
        form.publish_after_save = obj.is_published and (not change or "is_published" in form.changed_data)
        services.ceremony_save(ceremony=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(form, "publish_after_save", False) and getattr(form, "awards_failed", False):
            # The form's checks passed, but a service refused an award (a rule only it knows, or
            # a concurrent change): publishing now would announce winners without that prize.
            self.message_user(
                request,
                gettext(
                    "The ceremony was not published, because an award was not saved. Correct it and publish again."
                ),
                messages.WARNING,
            )
            return
        if getattr(form, "publish_after_save", False):
            count = services.ceremony_publish(ceremony=form.instance, actor=request.user)
            if count:
                self.message_user(
                    request,
                    ngettext(
                        "Published: %(count)d project is now a winner.",
                        "Published: %(count)d projects are now winners.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )

    def save_formset(self, request, form, formset, change):
        if formset.model is CeremonyPhoto:
            return self._save_photos(request, form, formset)
        if formset.model is not Award:
            return super().save_formset(request, form, formset, change)
        # Through the services: a prize makes the finalist a winner, a revoked one may undo it.
        instances = formset.save(commit=False)
        for award in formset.deleted_objects:
            services.award_revoke(award=award, actor=request.user)
        changed = {id(award): names for award, names in formset.changed_objects}
        for award in instances:
            if award.pk:
                self._update_award(request, form, award, changed.get(id(award), []))
                continue
            fields = {name: getattr(award, name) for name in services.AWARD_TEXT_FIELDS}
            try:
                services.award_give(
                    ceremony=form.instance,
                    project=award.project,
                    kind=award.kind,
                    nomination=award.nomination,
                    place=award.place,
                    actor=request.user,
                    **fields,
                )
            except ValidationError as error:
                form.awards_failed = True
                messages.error(request, f"{award.project}: {' '.join(error.messages)}")
        return None

    def _save_photos(self, request, form, formset) -> None:
        """Through `services.ceremony_photo_*`: the files its forms re-encoded, a removed one deleted."""
        forms_of = {id(photo_form.instance): photo_form for photo_form in formset.forms}

        def save(photo):
            photo_form = forms_of[id(photo)]
            texts = {name: getattr(photo, name) for name in services.CEREMONY_PHOTO_TEXT_FIELDS}
            if photo.pk is None:
                added = services.ceremony_photo_add(
                    ceremony=form.instance, actor=request.user, processed=photo_form.processed, texts=texts
                )
                photo.pk = added.pk  # for the admin's history
            else:
                services.ceremony_photo_update(
                    photo=photo, actor=request.user, texts=texts, processed=photo_form.processed
                )

        save_inline(
            self,
            request,
            formset,
            save=save,
            delete=lambda photo: services.ceremony_photo_remove(photo=photo, actor=request.user),
        )

    def _update_award(self, request, form, award, names) -> None:
        changes = {name: getattr(award, name) for name in names if name in services.AWARD_EDITABLE_FIELDS}
        try:
            services.award_update(award=award, actor=request.user, changes=changes)
        except ValidationError as error:
            form.awards_failed = True
            messages.error(request, f"{award.project}: {' '.join(error.messages)}")

    @admin.action(description=_("Give all finalists a participant award"), permissions=["add_award"])
    def give_participant_awards(self, request, queryset):
        count = sum(
            services.award_participants(ceremony=ceremony, actor=request.user) for ceremony in queryset
        )
        self.message_user(request, pages.participants_given_message(count), messages.SUCCESS)

    def has_add_award_permission(self, request):
        return request.user.has_perm("awards.add_award")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = (
        "title_shown",
        "project",
        "kind",
        "place",
        "nomination",
        "ceremony",
        "grant_amount",
        "verification_code",
    )
    list_filter = ("ceremony__fair", "kind", "nomination")
    search_fields = (
        "title_kk",
        "title_ru",
        "title_en",
        "project__title",
        "project__organisation__name",
        "=verification_code",
    )
    list_select_related = ("project", "nomination", "ceremony__fair")
    actions = ["export_csv", "export_xlsx", "revoke_selected"]
    # Who received what, and at which ceremony, is decided when the award is given; a mistake is
    # removed (revoke) and given again, so the project's state follows.
    readonly_fields = ("ceremony", "project", "kind", "verification_code")

    def has_add_permission(self, request):
        return False  # awards are given on their ceremony's page, through the service

    @admin.display(description=_("title"))
    def title_shown(self, obj: Award) -> str:
        return obj.title

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "nomination" in form.base_fields:
            # Nominations are named alike from year to year: only this ceremony's fair's.
            form.base_fields["nomination"].queryset = Nomination.objects.filter(fair_id=obj.ceremony.fair_id)
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletions go through the service: revoke_selected
        return actions

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.AWARD_EDITABLE_FIELDS
        }
        services.award_update(award=obj, actor=request.user, changes=changes)

    def delete_model(self, request, obj):
        services.award_revoke(award=obj, actor=request.user)

    @admin.action(description=_("Revoke the selected awards"), permissions=["delete"])
    def revoke_selected(self, request, queryset):
        count = 0
        for award in queryset.select_related("project"):
            services.award_revoke(award=award, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d award revoked.", "%(count)d awards revoked.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected winners as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        _record_winners_export(request, queryset, "csv")
        return exports.csv_response(queryset)

    @admin.action(description=_("Export the selected winners as XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        _record_winners_export(request, queryset, "xlsx")
        return exports.xlsx_response(queryset)


@admin.register(RevokedCertificate)
class RevokedCertificateAdmin(admin.ModelAdmin):
    """The traces `award_revoke` leaves: read only, since the verification page reports them."""

    list_display = (
        "verification_code",
        "title_shown",
        "project_title",
        "organisation_name",
        "fair",
        "revoked_at",
    )
    list_filter = ("fair",)
    search_fields = ("=verification_code", "project_title", "organisation_name")
    list_select_related = ("fair",)

    @admin.display(description=_("title"))
    def title_shown(self, obj: RevokedCertificate) -> str:
        return obj.title

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
