"""The presentation round's public-facing forms: the juror's scores with a comment and a conflict of
interest; the NGO's answer to its slot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fairportal.forms import MultilineTextField
from presentations.models import PresentationCriterion, PresentationEvaluation, SlotAnswer
from presentations.services import NOTE_MAX_LENGTH


class PresentationScoringForm(forms.Form):
    """One radio group per criterion (1…highest) and a comment, as on the reading round's page:
    one tap on a phone, no typing errors, and each group announced with its criterion.

    No "cannot assess": the juror heard the presentation, every criterion can be judged.
    """

    comment = MultilineTextField(
        label=_("Comment for the organisers"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The NGO and other jurors do not see it."),
    )

    def __init__(
        self,
        *args,
        criteria: list[PresentationCriterion],
        evaluation: PresentationEvaluation | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        given = {score.criterion_id: score.value for score in evaluation.scores.all()} if evaluation else {}
        for criterion in criteria:
            name = self.field_name(criterion)
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.title,
                choices=[(str(value), str(value)) for value in range(1, criterion.scale_max + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.guidance,
                error_messages={"required": _("Choose a score.")},
            )
            if criterion.pk in given:
                self.initial[name] = str(given[criterion.pk])
        if evaluation is not None:
            self.initial["comment"] = evaluation.comment
        self.order_fields([self.field_name(criterion) for criterion in criteria] + ["comment"])

    @staticmethod
    def field_name(criterion: PresentationCriterion) -> str:
        return f"criterion_{criterion.pk}"

    def answers(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[self.field_name(criterion)] for criterion in self.criteria}

    def criterion_fields(self):
        return [(criterion, self[self.field_name(criterion)]) for criterion in self.criteria]


class PresentationRecusalForm(forms.Form):
    reason = MultilineTextField(
        label=_("What is the conflict of interest?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: “I advise this NGO”, or “a relative works there”. Only the organisers see it."
        ),
        error_messages={"required": _("Say briefly what the conflict of interest is.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that I cannot take this back, that my scores of this presentation are removed "
            "and that my reading-round scores of this project no longer count"
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )


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
    # Line breaks count once, as the textarea's maxlength counts them (the browser sends CR LF).
    note = MultilineTextField(
        label=_("Which days and times would suit you?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisers read this when they rearrange the programme."),
    )
    # The slot's revision the page showed: an answer to a time changed meanwhile is refused.
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
