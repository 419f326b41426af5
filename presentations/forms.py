from django import forms
from django.utils.translation import gettext_lazy as _

from presentations.models import SlotAnswer
from presentations.services import NOTE_MAX_LENGTH


class SlotAnswerForm(forms.Form):
    """The NGO's answer: two forms on the page (confirm; ask for another time with a note), one
    form class; the service decides what a valid answer is."""

    answer = forms.ChoiceField(
        choices=[
            (SlotAnswer.CONFIRMED, SlotAnswer.CONFIRMED.label),
            (SlotAnswer.SWAP, SlotAnswer.SWAP.label),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Which days and times would suit you?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisers read this when they rearrange the programme."),
    )
    # The slot's revision the page showed: an answer to a time changed meanwhile is refused.
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
