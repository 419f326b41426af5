"""The forms of the ceremony's admin: photos re-encoded on upload, awards checked as the service would."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from awards import services
from awards.models import Award, CeremonyPhoto
from projects.media import reencode_image


class CeremonyPhotoForm(forms.ModelForm):
    """Re-encodes a new upload here, so its errors show on the field; the ceremony admin's
    `save_formset` hands the result to `services.ceremony_photo_add` / `ceremony_photo_update`."""

    class Meta:
        model = CeremonyPhoto
        fields = ("image", *services.CEREMONY_PHOTO_TEXT_FIELDS)

    processed = None

    def clean_image(self):
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):
            # Decoded and written anew, EXIF gone, with a thumbnail: nothing but pixels is kept.
            self.processed = reencode_image(image)
            return self.processed.image
        return image


class AwardInlineFormSet(forms.BaseInlineFormSet):
    """Catch what the service would refuse while the organiser's input is still on the page:
    a place given twice in one nomination, and awards for projects that are not finalists."""

    def clean(self):
        super().clean()
        taken = (
            {
                (award.nomination_id, award.place): award.pk
                for award in Award.objects.filter(ceremony=self.instance, place__isnull=False)
            }
            if self.instance.pk
            else {}
        )
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            project, place = form.cleaned_data.get("project"), form.cleaned_data.get("place")
            nomination = form.cleaned_data.get("nomination")
            if project and form.instance.pk is None and project.state not in services.AWARDABLE_STATES:
                form.add_error("project", _("Only finalists receive awards."))
            if place:
                key = (nomination.pk if nomination else None, place)
                holder = taken.get(key)
                if holder is not None and holder != form.instance.pk:
                    form.add_error("place", _("This place in this nomination has already been awarded."))
                taken[key] = form.instance.pk or -id(form)


class AwardInlineForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ("project", "kind", *services.AWARD_EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Given is given: to correct the recipient or the kind, remove the award and give it anew.
            for name in ("project", "kind"):
                self.fields[name].disabled = True
