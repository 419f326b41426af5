from django import forms
from django.utils.translation import gettext_lazy as _

from fairportal.forms import MultilineTextField
from jury.models import Criterion, Evaluation

CANNOT_ASSESS = "cannot_assess"


class ScoringForm(forms.Form):
    """One radio group per criterion (1…highest, plus "cannot assess" where allowed) and a comment.

    Radios rather than a number box: one tap on a phone, no typing errors, and screen
    readers announce the group's legend and each choice.
    """

    comment = MultilineTextField(
        label=_("Comment for the organisers"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. The NGO and other jurors do not see it."),
    )
    comment_for_ngo = MultilineTextField(
        label=_("Comment for the NGO"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. After the shortlist the NGO reads it with its scores, anonymously: without your "
            "name, mixed with the other jurors' comments. Advice the NGO can act on helps most."
        ),
    )

    def __init__(self, *args, criteria: list[Criterion], evaluation: Evaluation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        given = {score.criterion_id: score.value for score in evaluation.scores.all()} if evaluation else {}
        for criterion in criteria:
            choices = [(str(value), str(value)) for value in range(1, criterion.scale_max + 1)]
            if criterion.allow_cannot_assess:
                choices.append((CANNOT_ASSESS, _("Cannot assess")))
            name = self.field_name(criterion)
            self.fields[name] = forms.ChoiceField(
                label=criterion.title,
                choices=choices,
                widget=forms.RadioSelect,
                help_text=criterion.guidance,
                error_messages={"required": _("Choose a score, or “cannot assess”.")},
            )
            if criterion.pk in given:
                value = given[criterion.pk]
                self.initial[name] = CANNOT_ASSESS if value is None else str(value)
        if evaluation is not None:
            self.initial["comment"] = evaluation.comment
            self.initial["comment_for_ngo"] = evaluation.comment_for_ngo
        # The comments come last, after the criteria.
        self.order_fields(
            [self.field_name(criterion) for criterion in criteria] + ["comment", "comment_for_ngo"]
        )

    @staticmethod
    def field_name(criterion: Criterion) -> str:
        return f"criterion_{criterion.pk}"

    def answers(self) -> dict[int, int | None]:
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data[self.field_name(criterion)]
            result[criterion.pk] = None if value == CANNOT_ASSESS else int(value)
        return result

    def criterion_fields(self):
        return [(criterion, self[self.field_name(criterion)]) for criterion in self.criteria]


class RecusalForm(forms.Form):
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
        label=_("I understand that I cannot take this back, and that my scores for this project are removed"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class FinaliseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("My scores are final: I understand that I can no longer change them"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
