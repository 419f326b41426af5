"""The forms of the jury's admin: a review, the shortlist, inviting a juror, a juror's nominations."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jury import services
from jury.models import Juror, Review
from projects.models import Nomination, Organisation


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
            "normalisation",
            "reading",
            "readers_per_project",
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
        if self.instance.pk and (
            error := services.normalisation_change_error(
                applied=self.instance.shortlist_applied_at is not None,
                stored=self.instance.normalisation,
                wanted=cleaned.get("normalisation"),
            )
        ):
            self.add_error("normalisation", error)
        return cleaned


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


class JurorForm(forms.ModelForm):
    class Meta:
        model = Juror
        fields = ("nominations", "languages", "conflict_organisations")
        widgets = {"nominations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(fair_id=self.instance.review.fair_id)
        # Only the NGOs with a project in this fair: the list a conflict could concern.
        self.fields["conflict_organisations"].queryset = (
            Organisation.objects.filter(projects__fair_id=self.instance.review.fair_id)
            .distinct()
            .order_by("name")
        )


class ReadingMoveForm(forms.Form):
    """Give one reading to another juror; the choices are the jurors who may take it."""

    assignment = forms.IntegerField(widget=forms.HiddenInput)
    to_juror = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_juror"].choices = list(choices)
