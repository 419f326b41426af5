from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fairportal.forms import MultilineTextField
from projects.media import parse_video_url, validate_pdf
from projects.models import Fair, LegalForm, Nomination, Organisation, Project, Region, Sphere
from projects.validators import normalize_kz_phone


def portal_formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        # A link typed without a scheme ("ngo.kz") is taken as https://, as browsers do now.
        kwargs["assume_scheme"] = "https"
    if isinstance(db_field, models.TextField):
        kwargs.setdefault("form_class", MultilineTextField)
    return db_field.formfield(**kwargs)


# An NGO's profile as its members and the organisers edit it (the logo is uploaded separately).
ORGANISATION_PROFILE_FIELDS = [
    "name",
    "legal_form",
    "bin",
    "region",
    "city",
    "address",
    "website",
    "phone",
    "email",
    "description",
]


class OrganisationForm(forms.ModelForm):
    """Validates an organisation's profile; `services.organisation_*` saves it."""

    class Meta:
        model = Organisation
        formfield_callback = portal_formfield
        fields = ORGANISATION_PROFILE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    # Both wider than what is stored: people type spaces, brackets and dashes.
    bin = forms.CharField(
        label=capfirst(Organisation._meta.get_field("bin").verbose_name),
        max_length=20,
        required=False,
        help_text=Organisation._meta.get_field("bin").help_text,
    )
    phone = forms.CharField(
        label=capfirst(Organisation._meta.get_field("phone").verbose_name),
        max_length=30,
        help_text=Organisation._meta.get_field("phone").help_text,
    )
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["bin"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["phone"].widget.input_type = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs["placeholder"] = "https://"

    def clean_bin(self) -> str:
        bin_ = "".join(self.cleaned_data["bin"].split())
        others = (
            Organisation.objects.exclude(pk=self.instance.pk) if self.instance.pk else Organisation.objects
        )
        if bin_ and others.filter(bin=bin_).exists():
            raise forms.ValidationError(
                _(
                    "An organisation with this BIN is already registered. Ask its owner to invite you by e-mail."
                ),
                code="bin_taken",
            )
        return bin_

    def clean(self):
        cleaned_data = super().clean()
        registered = cleaned_data.get("legal_form") not in (None, LegalForm.INITIATIVE_GROUP)
        if registered and not cleaned_data.get("bin") and "bin" not in self.errors:
            self.add_error("bin", _("Registered organisations must give their BIN."))
        return cleaned_data

    def clean_phone(self) -> str:
        return normalize_kz_phone(self.cleaned_data["phone"])

    def domain_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# Everything an NGO writes about its project; never the state or dates, which only services set.
PROJECT_CONTENT_FIELDS = [
    "title",
    "nomination",
    "spheres",
    "region",
    "content_language",
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
]


class ProjectForm(forms.ModelForm):
    """All text fields of a project. Empty fields are fine for a draft."""

    sections = [
        (_("About the project"), ["title", "nomination", "spheres", "region", "content_language", "summary"]),
        (_("Problem and people"), ["problem", "target_group", "beneficiaries"]),
        (
            _("What you do and have achieved"),
            ["goals_and_activities", "results_achieved", "sustainability_plan"],
        ),
        (_("Budget and time"), ["budget_requested", "duration_months"]),
        (_("Video and documents"), ["video_url", "pdf"]),
    ]

    class Meta:
        model = Project
        formfield_callback = portal_formfield
        fields = PROJECT_CONTENT_FIELDS
        widgets = {
            "spheres": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 6}),
            "target_group": forms.Textarea(attrs={"rows": 4}),
            "goals_and_activities": forms.Textarea(attrs={"rows": 8}),
            "results_achieved": forms.Textarea(attrs={"rows": 6}),
            "sustainability_plan": forms.Textarea(attrs={"rows": 5}),
            "pdf": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }

    def __init__(self, *args, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fair = fair
        self.fields["nomination"].queryset = Nomination.objects.filter(fair=fair)
        self.fields["spheres"].queryset = Sphere.objects.all()
        self.fields["region"].queryset = Region.objects.all()
        for name in ("beneficiaries", "budget_requested", "duration_months"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and field.max_length:
                # Read by static/js/character-counter.js; the limit is enforced server-side.
                field.widget.attrs["data-counter"] = field.max_length

    def clean_video_url(self) -> str:
        url = self.cleaned_data["video_url"].strip()
        if not url:
            return ""
        return parse_video_url(url).canonical_url

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and hasattr(pdf, "content_type"):  # a new upload, not the stored file
            validate_pdf(pdf)
        return pdf

    def domain_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "pdf"}
        pdf = self.cleaned_data.get("pdf")
        if pdf is False or (pdf and hasattr(pdf, "content_type")):
            data["pdf"] = pdf
        return data


class ProjectImageForm(forms.Form):
    # A FileField, not ImageField: services.project_add_image verifies and re-encodes
    # with one set of clear messages (format, size, bombs) instead of Django's generic one.
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Large photos are scaled down."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("Image description"),
        max_length=250,
        help_text=_(
            "What the image shows, for people who cannot see it. For example: “Volunteers teach a class”."
        ),
    )


class ImageDescriptionForm(forms.Form):
    alt_text = forms.CharField(label=_("Image description"), max_length=250)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the new member"))


class NewProjectForm(forms.Form):
    """Which fair a new project is for (only fairs open for submission are offered)."""

    fair = forms.ModelChoiceField(label=_("Fair"), queryset=Fair.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Project title"), max_length=200)

    def __init__(self, *args, fairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fair"].queryset = fairs
