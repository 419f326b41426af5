"""The forms of the votes' admin: the cluster search, invalidation, card batches."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.models import Fair
from voting import cards
from voting.models import CardBatch

CLUSTER_WINDOWS = (5, 10, 60)  # minutes


class ClusterForm(forms.Form):
    fair = forms.TypedChoiceField(label=_("Fair"), coerce=int)
    minutes = forms.TypedChoiceField(label=_("Window"), coerce=int)
    min_votes = forms.IntegerField(label=_("At least this many votes"), min_value=2, max_value=10_000)

    def __init__(self, data, *, fairs: list[Fair]):
        super().__init__(data)
        self.fields["fair"].choices = [(fair.pk, fair.title) for fair in fairs]
        # Labels built per request, in the user's language.
        self.fields["minutes"].choices = [
            (minutes, ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
            for minutes in CLUSTER_WINDOWS
        ]


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Why these votes should not count, e.g. “18 votes from one network within 4 minutes”. "
            "The reason is kept with each vote."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        # The same words as `services.vote_invalidate` uses for the same refusal.
        error_messages={"required": _("Give a reason for invalidating votes.")},
    )
    votes = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_votes(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["votes"].split(",") if pk.strip().isdigit()]


class CardBatchForm(forms.ModelForm):
    class Meta:
        model = CardBatch
        fields = ["fair", "label", "size"]

    def clean(self):
        data = super().clean()
        if data.get("fair"):
            try:
                data["label"] = cards.check_batch(
                    fair=data["fair"], label=data.get("label", ""), size=data.get("size")
                )
            except ValidationError as error:
                field = {"size": "size", "label": "label"}.get(error.code, "fair")
                self.add_error(field, error)
        return data


class CardBatchInvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Why the votes cast with these cards should not count, e.g. “the stack of stand 4 was "
            "stolen”. The reason is kept with the batch and each vote."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={"required": _("Give a reason for invalidating votes.")},
    )
