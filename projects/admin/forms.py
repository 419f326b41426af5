"""The forms of the projects' admin: they accept and refuse what the NGOs' forms and the services do."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects import services
from projects.forms import ORGANISATION_PROFILE_FIELDS, PROJECT_CONTENT_FIELDS, portal_formfield
from projects.media import reencode_image, sanitise_pdf
from projects.models import Fair, Membership, Nomination, Organisation, Project, ProjectImage, ProjectState
from projects.validators import normalize_kz_phone


class FairAdminForm(forms.ModelForm):
    """The fair, plus the reason for a change of schedule; refuses what `services.fair_update` would."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_(
            "Required when you move the close of voting after voting has opened: it is shown on the "
            "fair's public page with the old and the new time. Otherwise optional; kept in the audit trail."
        ),
    )

    class Meta:
        model = Fair
        # Whatever the fair has (the admin's fieldsets choose what shows).
        fields = [
            field.name for field in Fair._meta.concrete_fields if field.editable and not field.primary_key
        ]

    checked_at = None

    @property
    def model_fields(self) -> set[str]:
        return {field.name for field in Fair._meta.concrete_fields}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        self.checked_at = timezone.now()
        changes = {
            name: cleaned_data[name]
            for name in self.changed_data
            if name in self.model_fields and name in cleaned_data
        }
        errors = services.fair_check_update(
            fair=self.instance, changes=changes, reason=cleaned_data.get("reason", ""), now=self.checked_at
        )
        for field, field_errors in errors.items():
            self.add_error(field if field in self.fields else None, field_errors)
        return cleaned_data


class OrganisationAdminForm(forms.ModelForm):
    """Accepts BINs and phone numbers the way people type them, as the NGOs' own form does."""

    class Meta:
        model = Organisation
        formfield_callback = portal_formfield
        fields = [*ORGANISATION_PROFILE_FIELDS, "logo"]

    # Wider than what is stored: people type spaces, brackets and dashes, removed below.
    bin = forms.CharField(
        label=capfirst(Organisation._meta.get_field("bin").verbose_name),
        help_text=Organisation._meta.get_field("bin").help_text,
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField", "inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=capfirst(Organisation._meta.get_field("phone").verbose_name),
        help_text=Organisation._meta.get_field("phone").help_text,
        max_length=30,
        widget=forms.TextInput(attrs={"class": "vTextField", "type": "tel"}),
    )

    def clean_bin(self) -> str:
        return "".join(self.cleaned_data["bin"].split())

    def clean_phone(self) -> str:
        return normalize_kz_phone(self.cleaned_data["phone"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload: re-encoded like the NGOs' own
            return reencode_image(logo).image
        return logo


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        formfield_callback = portal_formfield
        # Never "state" or "submitted_at": only the services change those.
        fields = ["organisation", "fair", *PROJECT_CONTENT_FIELDS]
        widgets = {"spheres": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "nomination" in self.fields:
            field = self.fields["nomination"]
            field.queryset = Nomination.objects.select_related("fair")
            field.label_from_instance = lambda nomination: f"{nomination.title} ({nomination.fair.title})"

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and hasattr(pdf, "content_type"):  # a new upload, not the stored file
            # As services do: rewritten (no scripts, attachments, appended data), randomly named.
            return sanitise_pdf(pdf)
        return pdf

    def clean(self):
        cleaned_data = super().clean()
        fair, nomination = cleaned_data.get("fair"), cleaned_data.get("nomination")
        if fair and nomination and nomination.fair_id != fair.pk:
            self.add_error("nomination", _("Choose a nomination of this fair."))
        # As `services.project_correct` will: a submitted project stays complete.
        for error in services.project_correction_errors(project=self.instance, data=cleaned_data):
            self.add_error(None, error)
        return cleaned_data

    def correction(self) -> dict:
        """What `services.project_correct` is given: the changed fields, or all for a new project."""
        names = self.changed_data if self.instance.pk else self.cleaned_data
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class ProjectImageForm(forms.ModelForm):
    """Re-encodes a new upload here, so its errors show on the field; the project admin's
    `save_formset` hands the result to the services (`project_add_image` & co.)."""

    class Meta:
        model = ProjectImage
        fields = ("image", "alt_text", "position")

    processed = None

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            self.processed = reencode_image(image)
            return self.processed.image
        return image


class ProjectImageFormSet(forms.BaseInlineFormSet):
    """Refuses to leave a submitted project without an image, before anything is written."""

    def clean(self):
        super().clean()
        project = self.instance
        if project.pk is None or project.state != ProjectState.SUBMITTED:
            return
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk or (getattr(form, "cleaned_data", None) or {}).get("image"))
        ]
        if not kept:
            raise forms.ValidationError(_("A submitted project needs at least one image."), code="no_image")


class MembershipFormSet(forms.BaseInlineFormSet):
    """Refuses to leave an NGO that has an owner without one, before anything is written
    (`services.membership_save` / `membership_remove` refuse it again under the NGO's lock)."""

    def clean(self):
        super().clean()
        organisation = self.instance
        if organisation.pk is None:
            return
        if not Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER).exists():
            return  # typed in without owners: nothing to keep
        owners = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (getattr(form, "cleaned_data", None) or {}).get(
                "role", form.instance.role if form.instance.pk else ""
            )
            == Membership.Role.OWNER
        ]
        if not owners:
            raise services.last_owner_error()


class ReturnForChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the NGO"),
        help_text=_(
            "What should they change? The message is e-mailed to the NGO's members and kept in the history."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        error_messages={"required": _("Tell the NGO what to change.")},
    )
