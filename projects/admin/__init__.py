"""The organisers' admin: fairs, reference lists, NGOs and their projects.

A project's state never changes through its form: the actions call the same
services as the rest of the site (`services.project_*`), which check the
`projects.change_project_state` permission, lock the row, record the history and
e-mail the NGO. Each selected project is changed in its own transaction, so one
refusal does not undo the others.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fairportal import admin_pages, audit
from fairportal.admin_inlines import ServiceInline, save_inline
from fairportal.admin_pages import OrganiserPages
from fairportal.admin_uploads import ChosenFilesNotice
from fairportal.locks import Busy
from fairportal.text import quoted
from projects import exports, services
from projects.admin import pages
from projects.admin.forms import (
    FairAdminForm,
    MembershipFormSet,
    OrganisationAdminForm,
    ProjectAdminForm,
    ProjectImageForm,
    ProjectImageFormSet,
    ReturnForChangesForm,
)
from projects.forms import MultilineTextField
from projects.models import (
    MAX_IMAGES_PER_PROJECT,
    Fair,
    FairScheduleChange,
    Invitation,
    Membership,
    Nomination,
    Organisation,
    Project,
    ProjectImage,
    ProjectStateChange,
    Region,
    Sphere,
)
from projects.selectors import SCHEDULE_FIELDS


class HttpsByDefault:
    """Links and long texts behave as on the NGOs' forms (see `projects.forms.portal_formfield`)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        if isinstance(db_field, models.TextField):
            kwargs.setdefault("form_class", MultilineTextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    """Records shown for reference: nobody adds, edits or deletes them here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# ---------------------------------------------------------------- fairs


class NominationInline(ServiceInline, admin.StackedInline):
    """Written by `services.nomination_save` / `nomination_delete` (`FairAdmin.save_formset`)."""

    model = Nomination
    fields = ("title_kk", "title_ru", "title_en", "position")
    extra = 0

    def delete_error(self, instance):
        return services.nomination_delete_error(nomination=instance)


class FairScheduleChangeInline(ReadOnlyInline):
    """Dates moved after voting opened, as the public page shows them."""

    model = FairScheduleChange
    fields = ("at", "field", "old_value", "new_value", "reason", "actor")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "slug",
        "current_phase",
        "is_published",
        "submission_opens_at",
        "submission_closes_at",
        "voting_opens_at",
        "voting_closes_at",
    )
    list_filter = ("is_published",)
    search_fields = ("title_kk", "title_ru", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    form = FairAdminForm
    readonly_fields = ("created_at",)
    # Every date is in the form, so the model's schedule constraint is validated by the
    # form and its message shown next to the fields instead of an IntegrityError.
    fieldsets = (
        (None, {"fields": ("slug", "is_published", "created_at")}),
        (_("Kazakh"), {"fields": ("title_kk", "organiser_kk", "description_kk")}),
        (_("Russian"), {"fields": ("title_ru", "organiser_ru", "description_ru")}),
        (_("English"), {"fields": ("title_en", "organiser_en", "description_en")}),
        (_("Public voting"), {"fields": ("vote_policy", "voting_channels", "live_results")}),
        (
            _("Schedule"),
            {
                "fields": SCHEDULE_FIELDS,
                "description": _("Each date must come after the one before it."),
            },
        ),
    )
    inlines = [NominationInline]

    def get_inlines(self, request, obj):
        # Only where there is something to show: the form then needs no data for it.
        if obj is not None and obj.schedule_changes.exists():
            return [NominationInline, FairScheduleChangeInline]
        return [NominationInline]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        # The reason goes with the schedule it explains; a new fair has nothing to explain.
        return tuple(
            (
                name,
                {**options, "fields": (*options["fields"], "reason")} if name == _("Schedule") else options,
            )
            for name, options in self.fieldsets
        )

    def save_model(self, request, obj, form, change):
        """Through the services, which lock the fair, re-check its rules and record the change.

        The form has already asked `services.fair_check_update` under the same lock (the change
        view is one transaction) and at the same moment, so this cannot refuse what it accepted.
        """
        if not change:
            services.fair_create(fair=obj, actor=request.user)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.model_fields}
        services.fair_update(
            fair=obj,
            changes=changes,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            now=form.checked_at,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Nomination:
            return super().save_formset(request, form, formset, change)
        save_inline(
            self,
            request,
            formset,
            save=lambda nomination: services.nomination_save(nomination=nomination, actor=request.user),
            delete=lambda nomination: services.nomination_delete(nomination=nomination, actor=request.user),
        )
        return None

    @admin.display(description=_("current phase"))
    def current_phase(self, obj: Fair) -> str:
        return obj.phase_at(timezone.now()).label


audit.register_fair_choices(
    lambda: [(fair.pk, str(fair)) for fair in Fair.objects.order_by("-voting_opens_at")]
)


# ---------------------------------------------------------------- reference lists


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name_kk", "name_ru", "name_en", "code", "kind", "position")
    list_filter = ("kind",)
    search_fields = ("name_kk", "name_ru", "name_en", "code")
    ordering = ("position", "id")


@admin.register(Sphere)
class SphereAdmin(admin.ModelAdmin):
    list_display = ("name_kk", "name_ru", "name_en", "slug", "position")
    search_fields = ("name_kk", "name_ru", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("position", "id")


# ---------------------------------------------------------------- organisations


class MembershipInline(admin.TabularInline):
    """Written by `services.membership_save` / `membership_remove` (`OrganisationAdmin.save_formset`)."""

    model = Membership
    formset = MembershipFormSet
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


class InvitationInline(ReadOnlyInline):
    """Open and used invitations, for reference: NGO owners send them from the site."""

    model = Invitation
    fields = ("email", "invited_by", "created_at", "accepted_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invited_by")


@admin.register(Organisation)
class OrganisationAdmin(ChosenFilesNotice, HttpsByDefault, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "legal_form", "bin", "region", "project_count")
    list_select_related = ("region",)
    list_filter = ("legal_form", "region")
    search_fields = ("name", "bin", "email")
    readonly_fields = ("created_at", "updated_at")
    inlines = [MembershipInline, InvitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    def save_model(self, request, obj, form, change):
        services.organisation_correct(organisation=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        save_inline(
            self,
            request,
            formset,
            save=lambda membership: services.membership_save(membership=membership, actor=request.user),
            delete=lambda membership: services.membership_remove(membership=membership, actor=request.user),
        )
        return None

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj: Organisation) -> int:
        return obj.project_count


# ---------------------------------------------------------------- projects


class NominationFilter(admin.RelatedFieldListFilter):
    """Nominations with their fair (titles repeat from year to year), or the chosen fair's only."""

    def field_choices(self, field, request, model_admin):
        nominations = Nomination.objects.select_related("fair")
        fair_id = request.GET.get("fair__id__exact", "")
        if fair_id.isdigit():
            return [(nomination.pk, nomination.title) for nomination in nominations.filter(fair_id=fair_id)]
        return [
            (nomination.pk, f"{nomination.title} ({nomination.fair.title})") for nomination in nominations
        ]


class ProjectImageInline(admin.TabularInline):
    model = ProjectImage
    form = ProjectImageForm
    formset = ProjectImageFormSet
    fields = ("preview", "image", "alt_text", "position")
    readonly_fields = ("preview",)
    extra = 0
    max_num = MAX_IMAGES_PER_PROJECT

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["validate_max"] = True
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("preview"))
    def preview(self, obj: ProjectImage) -> str:
        if not obj.thumbnail:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" class="fp-preview"></a>',
            obj.image.url,
            obj.thumbnail.url,
            obj.alt_text,
        )


class ProjectStateChangeInline(ReadOnlyInline):
    """The history, as the services recorded it. Nobody adds, edits or deletes it here."""

    model = ProjectStateChange
    fields = ("created_at", "from_state", "to_state", "actor", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Project)
class ProjectAdmin(ChosenFilesNotice, OrganiserPages, HttpsByDefault, admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = (
        "title",
        "organisation",
        "fair",
        "nomination",
        "state",
        "is_public",
        "region",
        "submitted_at",
    )
    list_select_related = ("organisation", "fair", "nomination", "region")
    list_filter = ("fair", "state", "is_public", ("nomination", NominationFilter), "region", "spheres")
    search_fields = ("title", "organisation__name", "organisation__bin")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("state", "is_public", "submitted_at", "created_by", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "organisation",
                    "fair",
                    "nomination",
                    "state",
                    "is_public",
                    "submitted_at",
                    "spheres",
                    "region",
                    "content_language",
                )
            },
        ),
        (
            _("Application"),
            {
                "fields": (
                    "summary",
                    "problem",
                    "target_group",
                    "beneficiaries",
                    "goals_and_activities",
                    "results_achieved",
                    "sustainability_plan",
                    "budget_requested",
                    "duration_months",
                    "video_url",
                    "pdf",
                )
            },
        ),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    inlines = [ProjectImageInline, ProjectStateChangeInline]
    organiser_pages = (
        ("export/csv/", pages.export_csv, "export_csv"),
        ("export/xlsx/", pages.export_xlsx, "export_xlsx"),
    )
    actions = [
        "mark_finalist",
        "mark_not_selected",
        "return_for_changes",
        "show_publicly",
        "hide_publicly",
        exports.export_selected_csv,
        exports.export_selected_xlsx,
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Another app's autocomplete of a project may narrow it (awards: the ceremony's finalists).
        return admin_pages.restricted_autocomplete(request, queryset), may_have_duplicates

    def get_actions(self, request):
        # Projects are records of a public competition: they are withdrawn, never bulk-deleted.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        """Through `services.project_correct`, which the form asked already (completeness)."""
        project = services.project_correct(project=obj, actor=request.user, data=form.correction())
        obj.pk, obj.created_by_id = project.pk, project.created_by_id
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): the service set the spheres with the rest of the project.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProjectImage:
            return super().save_formset(request, form, formset, change)
        # Adds first, removals last: replacing the only image of a submitted project works.
        project, user = form.instance, request.user
        deleted = [image_form for image_form in formset.deleted_forms if image_form.instance.pk]
        # What formset.save() would have noted, for the admin's history ("Added image …").
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            for image_form in formset.forms:
                if image_form in formset.deleted_forms or not image_form.has_changed():
                    continue
                data = image_form.cleaned_data
                if image_form.instance.pk is None:
                    image = services.project_add_image(
                        project=project,
                        user=user,
                        processed=image_form.processed,
                        alt_text=data["alt_text"],
                        position=data.get("position"),
                    )
                    formset.new_objects.append(image)
                else:
                    services.project_update_image(
                        image=image_form.instance,
                        user=user,
                        alt_text=data["alt_text"],
                        position=data.get("position"),
                        processed=image_form.processed,
                    )
                    formset.changed_objects.append((image_form.instance, image_form.changed_data))
            for image_form in deleted:
                services.project_remove_image(image=image_form.instance, user=user)
                formset.deleted_objects.append(image_form.instance)
        except ValidationError as error:
            # Only when someone else changed the project meanwhile: the form's checks passed.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return None

    def has_change_state_permission(self, request) -> bool:
        return request.user.has_perm("projects.change_project_state")

    # -------------------------------------------------------------- state actions

    def _change_states(
        self, request, queryset, change: Callable[[Project], object], success: Callable[[int], str]
    ) -> None:
        """Call `change` for each project, each in its own transaction; report every outcome."""
        changed = 0
        for project in queryset:
            try:
                change(project)
            except services.TransitionNotAllowed as exc:
                # Its message already names the project, its state and the target.
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            except ValidationError as exc:
                self.message_user(
                    request,
                    gettext("%(project)s was not changed: %(reason)s")
                    % {"project": quoted(project.title), "reason": " ".join(exc.messages)},
                    messages.ERROR,
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("%(project)s was not changed: you may not change the state of projects.")
                    % {"project": quoted(project.title)},
                    messages.ERROR,
                )
            except Busy as exc:
                # Only this project's transaction gave up waiting; the others go ahead.
                self.message_user(
                    request,
                    gettext("%(project)s was not changed: %(reason)s")
                    % {"project": quoted(project.title), "reason": exc.message},
                    messages.ERROR,
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, success(changed), messages.SUCCESS)

    @admin.action(description=_("Mark as finalist"), permissions=["change_state"])
    def mark_finalist(self, request, queryset) -> None:
        self._change_states(
            request,
            queryset,
            lambda project: services.project_mark_finalist(project=project, actor=request.user),
            lambda count: (
                ngettext(
                    "%(count)d project was marked as a finalist.",
                    "%(count)d projects were marked as finalists.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Mark as not selected"), permissions=["change_state"])
    def mark_not_selected(self, request, queryset) -> None:
        self._change_states(
            request,
            queryset,
            lambda project: services.project_mark_not_selected(project=project, actor=request.user),
            lambda count: (
                ngettext(
                    "%(count)d project was marked as not selected.",
                    "%(count)d projects were marked as not selected.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Show on the public site"), permissions=["change_state"])
    def show_publicly(self, request, queryset) -> None:
        self._change_states(
            request,
            queryset,
            lambda project: services.project_set_public(project=project, actor=request.user, public=True),
            lambda count: (
                ngettext(
                    "%(count)d project is now shown on the public site.",
                    "%(count)d projects are now shown on the public site.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Hide from the public site"), permissions=["change_state"])
    def hide_publicly(self, request, queryset) -> None:
        for project in queryset:
            services.project_set_public(project=project, actor=request.user, public=False)
        self.message_user(
            request, _("Hidden from the public site. Finalists and winners remain public."), messages.SUCCESS
        )

    @admin.action(description=_("Return for changes"), permissions=["change_state"])
    def return_for_changes(self, request, queryset):
        """Ask for the message to the NGO on a page of its own, then return the projects.

        Projects that cannot be returned now are named before the message is asked for, and
        left out: nobody writes a message that a refusal then throws away."""
        now = timezone.now()
        projects = list(queryset.select_related("fair", "organisation"))
        checked = [(project, services.return_refusal(project=project, now=now)) for project in projects]
        refused = [refusal for _project, refusal in checked if refusal]
        returnable = [project for project, refusal in checked if not refusal]
        queryset = queryset.filter(pk__in=[project.pk for project in returnable])
        form = ReturnForChangesForm(request.POST if "apply" in request.POST else None)
        if not returnable or form.is_valid():
            for refusal in refused:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        if not returnable:
            return None
        if form.is_valid():
            message = form.cleaned_data["message"]
            self._change_states(
                request,
                queryset,
                lambda project: services.project_return_for_changes(
                    project=project, actor=request.user, message=message
                ),
                lambda count: (
                    ngettext(
                        "%(count)d project was returned to its NGO for changes.",
                        "%(count)d projects were returned to their NGOs for changes.",
                        count,
                    )
                    % {"count": count}
                ),
            )
            return None  # back to the change list, with its filters
        return self.render_action_page(
            request,
            "admin/projects/project/return_for_changes.html",
            title=_("Return projects for changes"),
            form=form,
            action_name="return_for_changes",
            projects=returnable,
            refused=[" ".join(refusal.messages) for refusal in refused],
        )
