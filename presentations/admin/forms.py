"""The organisers' forms: opening a round, moving and swapping a slot. Plain HTML5 date and
time inputs: they need no admin calendar script and read the same in every language."""

from django.forms import (
    BooleanField,
    CharField,
    DateField,
    DateInput,
    DateTimeField,
    DateTimeInput,
    Form,
    IntegerField,
    ModelChoiceField,
    ModelForm,
    TimeField,
    TimeInput,
    URLField,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jury.models import Review
from presentations.models import PresentationRound, Slot

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def local_datetime_input():
    return DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME)


class RoundOpenForm(Form):
    review = ModelChoiceField(
        label=_("Fair"),
        queryset=Review.objects.none(),
        help_text=_("Fairs whose jury shortlist has been applied and that have no presentation round yet."),
    )
    first_day = DateField(label=_("First day of presentations"), widget=DateInput(attrs={"type": "date"}))
    days = IntegerField(label=_("Number of days"), min_value=1, max_value=14, initial=2)
    day_starts_at = TimeField(
        label=_("Presentations start at (Almaty)"), initial="10:00", widget=TimeInput(attrs={"type": "time"})
    )
    day_ends_at = TimeField(
        label=_("Presentations end by (Almaty)"), initial="18:00", widget=TimeInput(attrs={"type": "time"})
    )
    slot_minutes = IntegerField(
        label=_("Minutes per presentation"),
        min_value=5,
        max_value=180,
        initial=15,
        help_text=_("Including the jury's questions."),
    )
    gap_minutes = IntegerField(
        label=_("Minutes between presentations"), min_value=0, max_value=120, initial=5
    )
    room = CharField(label=_("Room or stage"), max_length=200, required=False)
    video_link = URLField(label=_("Video-call link"), required=False, assume_scheme="https")
    reading_weight = IntegerField(
        label=_("Weight of the reading round (%)"),
        min_value=0,
        max_value=100,
        initial=40,
        help_text=_("The presentation round weighs the rest."),
    )
    scoring_closes_at = DateTimeField(
        label=_("Presentation scoring closes"),
        required=False,
        widget=local_datetime_input(),
        help_text=_("Empty: at midnight after the last day."),
    )
    copy_reading_criteria = BooleanField(
        label=_("Copy the reading round's criteria"),
        required=False,
        initial=True,
        help_text=_("Untick to set the presentation round's own criteria on the round's page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = (
            Review.objects.filter(shortlist_applied_at__isnull=False, presentation_round__isnull=True)
            .select_related("fair")
            .order_by("-shortlist_applied_at")
        )


class RoundForm(ModelForm):
    video_link = URLField(
        label=_("Video-call link"),
        required=False,
        assume_scheme="https",
        help_text=_("For finalists who present online."),
    )
    # Declared here: the admin would make it a split date + time field, which the single
    # datetime-local input below never fills ("Enter a list of values"), so no save worked.
    scoring_closes_at = DateTimeField(
        label=_("Presentation scoring closes"),
        widget=local_datetime_input(),
        help_text=_("Jurors can change their scores of presentations until this moment."),
    )

    class Meta:
        model = PresentationRound
        fields = (
            "first_day",
            "days",
            "day_starts_at",
            "day_ends_at",
            "slot_minutes",
            "gap_minutes",
            "room",
            "video_link",
            "reading_weight",
            "presentation_weight",
            "scoring_closes_at",
            "programme_public",
        )
        widgets = {
            "first_day": DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "day_starts_at": TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_ends_at": TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class SlotMoveForm(Form):
    starts_at = DateTimeField(label=_("New start (Almaty)"), widget=local_datetime_input())
    room = CharField(label=_("Room or stage"), max_length=200, required=False)

    def __init__(self, *args, slot: Slot, **kwargs):
        kwargs.setdefault(
            "initial",
            {"starts_at": timezone.localtime(slot.starts_at).replace(tzinfo=None), "room": slot.room},
        )
        super().__init__(*args, **kwargs)


class SlotChoiceField(ModelChoiceField):
    def label_from_instance(self, slot: Slot) -> str:
        return f"{timezone.localtime(slot.starts_at):%d.%m %H:%M} — {slot.project.title}"


class SlotSwapForm(Form):
    other = SlotChoiceField(label=_("Swap with"), queryset=Slot.objects.none())

    def __init__(self, *args, slot: Slot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = (
            Slot.objects.filter(round_id=slot.round_id)
            .exclude(pk=slot.pk)
            .select_related("project")
            .order_by("starts_at")
        )
