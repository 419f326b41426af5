"""The finalists' presentation round of a fair, after the jury's shortlist.

The reading round (`jury`) ranks every submission and shortlists the finalists; at the fair
itself the finalists present their projects to the same commission, online or on stage, over
the fair's days. This app holds that second round: when and where each finalist presents
(`Slot`), what the NGO answered, the jurors' scores of each presentation, and the weights that
combine both rounds into the final ranking (`presentations.selectors.final_ranking`).

It sits above `jury` (it reads the review, its jurors and their recusals) and below `awards`
(which proposes winners from the final ranking); `jury` knows nothing of it.
"""

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal.i18n_fields import TranslatedText
from jury.models import Juror, Review
from projects.models import Project, ProjectState

# Who presents: the shortlist's finalists, and those among them already awarded.
PRESENTING_STATES = (ProjectState.FINALIST, ProjectState.AWARDED)


class PresentationRound(models.Model):
    """One fair's presentation round; opened by organisers once the shortlist is applied."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="presentation_round", verbose_name=_("jury review")
    )
    # The defaults the schedule is proposed from (`services.schedule_propose`); each slot keeps
    # its own times and place once made, so a change here never moves a confirmed slot.
    first_day = models.DateField(_("first day of presentations"))
    days = models.PositiveSmallIntegerField(
        _("number of days"), default=2, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    day_starts_at = models.TimeField(_("presentations start at"), default=time(10, 0))
    day_ends_at = models.TimeField(_("presentations end by"), default=time(18, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per presentation"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(180)],
        help_text=_("Including the jury's questions."),
    )
    gap_minutes = models.PositiveSmallIntegerField(
        _("minutes between presentations"), default=5, validators=[MaxValueValidator(120)]
    )
    room = models.CharField(
        _("room or stage"), max_length=200, blank=True, help_text=_("Where finalists present in person.")
    )
    video_link = models.URLField(
        _("video-call link"), blank=True, help_text=_("For finalists who present online.")
    )
    # The round's weights in the final ranking, in percent; they add up to 100 (constraint).
    reading_weight = models.PositiveSmallIntegerField(
        _("weight of the reading round (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    presentation_weight = models.PositiveSmallIntegerField(
        _("weight of the presentation round (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    scoring_closes_at = models.DateTimeField(
        _("presentation scoring closes"),
        help_text=_("Jurors can change their scores of presentations until this moment."),
    )
    programme_public = models.BooleanField(
        _("programme is public"),
        default=False,
        help_text=_("Show the presentation programme on the fair's public page."),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        verbose_name = _("presentation round")
        verbose_name_plural = _("presentation rounds")
        ordering = ["-first_day"]
        permissions = [("view_final_ranking", _("Can see the final ranking that combines both rounds"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(reading_weight__gte=0)
                & Q(presentation_weight__gte=0)
                & Q(reading_weight__lte=100)
                & Q(presentation_weight__lte=100)
                & Q(presentation_weight=100 - F("reading_weight")),
                name="presentations_round_weights_add_up",
                violation_error_message=_("The two rounds' weights must add up to 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(day_starts_at__lt=F("day_ends_at")),
                name="presentations_round_day_in_order",
                violation_error_message=_("Presentations must start before they end."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.review.fair)

    def scoring_open_at(self, now: datetime) -> bool:
        """Jurors may still score (and recuse from) presentations: the one place that says so."""
        return now < self.scoring_closes_at


class PresentationCriterion(models.Model):
    """What jurors score a presentation on. Opening the round copies the reading round's
    criteria here unless the organisers set their own: the scores then never depend on the
    first round's criteria being edited later."""

    round = models.ForeignKey(
        PresentationRound, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round")
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    guidance_kk = models.TextField(_("what the scores mean (Kazakh)"), blank=True)
    guidance_ru = models.TextField(_("what the scores mean (Russian)"), blank=True)
    guidance_en = models.TextField(_("what the scores mean (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = TranslatedText("title")
    guidance = TranslatedText("guidance")

    class Meta:
        verbose_name = _("presentation criterion")
        verbose_name_plural = _("presentation criteria")
        ordering = ["round", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="presentations_criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=100),
                name="presentations_criterion_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # A score above the scale would count as more than 100 in the final ranking.
        if self.pk is None:
            return
        highest = self.scores.aggregate(highest=models.Max("value"))["highest"]
        if highest is not None and self.scale_max < highest:
            raise ValidationError(
                {
                    "scale_max": _(
                        "Jurors have already given scores up to %(highest)s on this criterion: "
                        "its highest score cannot be lower."
                    )
                    % {"highest": highest}
                }
            )


class SlotAnswer(models.TextChoices):
    """What the finalist NGO said about its slot."""

    NONE = "none", _("no answer yet")
    CONFIRMED = "confirmed", _("confirmed")
    SWAP = "swap", _("asked for another time")


class SlotOutcome(models.TextChoices):
    """What happened at the slot, set by organisers on the day."""

    SCHEDULED = "scheduled", _("scheduled")
    PRESENTED = "presented", _("presented")
    ABSENT = "absent", _("did not present")


class Slot(models.Model):
    """When and where one finalist presents."""

    round = models.ForeignKey(
        PresentationRound, on_delete=models.CASCADE, related_name="slots", verbose_name=_("round")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="presentation_slots", verbose_name=_("project")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room or stage"), max_length=200, blank=True)
    video_link = models.URLField(_("video-call link"), blank=True)
    answer = models.CharField(
        _("NGO's answer"), max_length=10, choices=SlotAnswer.choices, default=SlotAnswer.NONE
    )
    answer_note = models.TextField(_("NGO's note"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=SlotOutcome.choices, default=SlotOutcome.SCHEDULED
    )
    # Bumped by every move or swap: the .ics SEQUENCE, so calendars replace the event they hold
    # (RFC 5545 §3.8.7.4), and the NGO's answer form carries it, so an answer given to the old
    # time never confirms the new one.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Set when the NGO was told of the slot (and of every later change) and reminded the day
    # before; the reminder command sends each slot's reminder once.
    notified_at = models.DateTimeField(_("NGO told"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("NGO reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("presentation slot")
        verbose_name_plural = _("presentation slots")
        ordering = ["round", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="presentations_slot_once_per_project"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="presentations_slot_in_order",
                violation_error_message=_("A slot must start before it ends."),
            ),
        ]

    def __str__(self) -> str:
        # In the site's time zone: the admin's row labels and history read it aloud beside local times.
        return f"{self.project} — {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PresentationEvaluation(models.Model):
    """One juror's scores for one presentation, with a comment for the organisers."""

    juror = models.ForeignKey(
        Juror, on_delete=models.CASCADE, related_name="presentation_evaluations", verbose_name=_("juror")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("slot")
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("presentation evaluation")
        verbose_name_plural = _("presentation evaluations")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "slot"], name="presentations_evaluation_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.slot.project}"


class PresentationScore(models.Model):
    evaluation = models.ForeignKey(
        PresentationEvaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    criterion = models.ForeignKey(
        PresentationCriterion, on_delete=models.RESTRICT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("presentation score")
        verbose_name_plural = _("presentation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="presentations_score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=100), name="presentations_score_value_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
