"""The expert review of one fair: its window, criteria, jurors, recusals and scores.

Scores are stored as given (1…scale, or "cannot assess" as NULL); every aggregate is
computed from them by `jury.selectors`, never stored, so a changed score or a recusal can
never leave a stale mean behind.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fairportal.fields import ChoiceArrayField
from fairportal.i18n_fields import TranslatedText
from projects.models import Fair, Nomination, Organisation, Project, ProjectState

SCALE_MIN = 1
# What a juror works on: submitted projects, and the same projects after the shortlist.
# Drafts, returned (being edited by the NGO) and withdrawn projects are not reviewed.
REVIEWED_STATES = (
    ProjectState.SUBMITTED,
    ProjectState.FINALIST,
    ProjectState.NOT_SELECTED,
    ProjectState.AWARDED,
)


class ProtocolPublic(models.TextChoices):
    """When the commission's protocol (`jury.protocol`) is published on the fair's page."""

    AFTER_VOTING_OPENS = "after_voting_opens", _("once public voting opens")
    NOW = "now", _("as soon as the shortlist is applied")
    NEVER = "never", _("never (organisers only)")


class Normalisation(models.TextChoices):
    """How jurors' marks are combined into a project's score (`jury.selectors.normalised_marks`)."""

    NONE = "none", _("none: the plain mean of the jurors' marks")
    ZSCORE = "zscore", _("z-scores per juror, mapped back to the 1–10 scale")


class Reading(models.TextChoices):
    """Who reads which project (`jury.assignment`, `jury.services.reading_assignment_apply`)."""

    EVERYONE = "everyone", _("every juror reads every project of their seat")
    ASSIGNED = "assigned", _("each project is read by N jurors, assigned by the organisers")


class Review(models.Model):
    """A fair's expert review: when jurors may score, and what they are told."""

    fair = models.OneToOneField(
        Fair, on_delete=models.CASCADE, related_name="jury_review", verbose_name=_("fair")
    )
    opens_at = models.DateTimeField(_("scoring opens"))
    closes_at = models.DateTimeField(
        _("scoring closes"), help_text=_("Jurors can change their scores until this moment.")
    )
    instructions_kk = models.TextField(_("instructions for jurors (Kazakh)"), blank=True)
    instructions_ru = models.TextField(_("instructions for jurors (Russian)"), blank=True)
    instructions_en = models.TextField(_("instructions for jurors (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    protocol_public = models.CharField(
        _("commission protocol is public"),
        max_length=20,
        choices=ProtocolPublic.choices,
        default=ProtocolPublic.AFTER_VOTING_OPENS,
        help_text=_(
            "The PDF with the criteria, the jurors' attendance, the finalists' averages and the "
            "cut-off. Organisers can always download it here."
        ),
    )
    normalisation = models.CharField(
        _("normalisation of the jurors' marks"),
        max_length=10,
        choices=Normalisation.choices,
        default=Normalisation.NONE,
        help_text=_(
            "With z-scores, a harsh and a lenient juror weigh the same: each juror's marks are compared "
            "with their own average. The shortlist uses the score chosen here; the ranking shows both."
        ),
    )
    reading = models.CharField(
        _("who reads which project"),
        max_length=10,
        choices=Reading.choices,
        default=Reading.EVERYONE,
        help_text=_(
            "With assigned reading, each juror scores only the projects given to them on the "
            "“Reading assignment” page, and each project is read by the number of jurors below."
        ),
    )
    readers_per_project = models.PositiveSmallIntegerField(
        _("jurors per project"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Used with assigned reading only."),
    )
    # When a proposal was first applied: from then on a recusal, a changed seat or a late
    # project re-balances the readings (`jury.services.reading_rebalance`).
    reading_assigned_at = models.DateTimeField(_("reading assigned"), null=True, blank=True, editable=False)
    # The rule of the last applied shortlist, which the protocol reports (`jury.services.shortlist_apply`).
    shortlist_applied_at = models.DateTimeField(_("shortlist applied"), null=True, blank=True, editable=False)
    shortlist_top_n = models.PositiveSmallIntegerField(
        _("shortlist: finalists per group"), null=True, blank=True, editable=False
    )
    shortlist_per_nomination = models.BooleanField(
        _("shortlist: in each nomination"), default=False, editable=False
    )
    shortlist_include_ties = models.BooleanField(
        _("shortlist: ties at the cut-off included"), default=False, editable=False
    )
    shortlist_scores_sha256 = models.CharField(
        _("shortlist: digest of the scores"), max_length=64, blank=True, editable=False
    )
    shortlist_basis = models.CharField(
        _("shortlist: scores used"), max_length=10, choices=Normalisation.choices, blank=True, editable=False
    )

    instructions = TranslatedText("instructions")

    class Meta:
        verbose_name = _("jury review")
        verbose_name_plural = _("jury reviews")
        ordering = ["-opens_at"]
        permissions = [("view_ranking", _("Can see the jury's ranking and shortlist finalists"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")),
                name="jury_review_window_in_order",
                violation_error_message=_("Scoring must open before it closes."),
            ),
            models.CheckConstraint(
                condition=Q(readers_per_project__gte=1), name="jury_review_readers_per_project_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.fair)

    @property
    def effective_closes_at(self) -> datetime:
        """Scoring stops when public voting opens, even if the fair's dates moved after the
        window was set: finalists must not change under the voters' eyes."""
        return min(self.closes_at, self.fair.voting_opens_at)

    def is_open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.effective_closes_at

    @property
    def assigned_reading(self) -> bool:
        return self.reading == Reading.ASSIGNED


class Criterion(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("review")
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
        help_text=_("How much this criterion counts relative to the others, e.g. 1 or 1.5."),
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("Scores run from 1 to this number."),
    )
    allow_cannot_assess = models.BooleanField(
        _("“cannot assess” allowed"),
        default=True,
        help_text=_(
            "Jurors may say they cannot assess this criterion; such answers are left out of the mean."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = TranslatedText("title")
    guidance = TranslatedText("guidance")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["review", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="jury_criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=100), name="jury_criterion_scale_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if not self.pk:
            return
        stored = Criterion.objects.filter(pk=self.pk).values_list("scale_max", flat=True).first()
        if stored is not None and stored != self.scale_max and Score.objects.filter(criterion=self).exists():
            # A 7 given on 1–10 would silently become a 7 on another scale.
            raise ValidationError(
                {"scale_max": _("Jurors have already scored this criterion; its scale cannot change.")}
            )
        if not self.allow_cannot_assess and Score.objects.filter(criterion=self, value__isnull=True).exists():
            raise ValidationError(
                {
                    "allow_cannot_assess": _(
                        "Some jurors already answered “cannot assess” for this criterion; it must stay allowed."
                    )
                }
            )


class JurorQuerySet(models.QuerySet):
    def active(self) -> "JurorQuerySet":
        return self.filter(user__is_active=True)


class Juror(models.Model):
    """A person's seat in one fair's commission, for the whole fair or some nominations."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="jurors", verbose_name=_("review")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jury_seats",
        verbose_name=_("person"),
    )
    nominations = models.ManyToManyField(
        Nomination,
        blank=True,
        related_name="+",
        verbose_name=_("nominations"),
        help_text=_("Leave empty for the whole fair."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    finalised_at = models.DateTimeField(
        _("scores final since"),
        null=True,
        blank=True,
        help_text=_("Once final, the juror can no longer change scores."),
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    # Used by the reading assignment to prefer readers of a project's language; a juror who
    # reads none of them listed still gets projects (language is a preference, not a rule).
    languages = ChoiceArrayField(
        models.CharField(max_length=2, choices=Project.ContentLanguage.choices),
        verbose_name=_("languages the juror reads"),
        default=list,
        blank=True,
        help_text=_("Projects in these languages are given to this juror first."),
    )
    conflict_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("NGOs the juror must not judge"),
        help_text=_(
            "A declared conflict of interest with a whole NGO: none of its projects is shown to "
            "or assigned to this juror."
        ),
    )

    objects = JurorQuerySet.as_manager()

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["review", "user__full_name", "user__email"]
        permissions = [("act_as_juror", _("Can review and score projects as an assigned juror"))]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="jury_juror_once_per_review"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def languages_display(self) -> str:
        labels = dict(Project.ContentLanguage.choices)
        return ", ".join(str(labels[code]) for code in self.languages or () if code in labels)


class Recusal(models.Model):
    """A declared conflict of interest. The juror cannot take it back; only organisers can."""

    juror = models.ForeignKey(
        Juror, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "project"], name="jury_recusal_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.project}"


class ReadingAssignment(models.Model):
    """One juror is to read and score one project (reviews with assigned reading only).

    Written only by `jury.services` (the proposal, a move, a re-balance), under a lock on the review.
    """

    class How(models.TextChoices):
        PROPOSED = "proposed", _("from the applied proposal")
        MOVED = "moved", _("moved by the organisers")
        REBALANCED = "rebalanced", _("re-balanced after a change")

    juror = models.ForeignKey(
        Juror, on_delete=models.CASCADE, related_name="reading_assignments", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    how = models.CharField(_("how"), max_length=10, choices=How.choices, default=How.PROPOSED)

    class Meta:
        verbose_name = _("reading assignment")
        verbose_name_plural = _("reading assignments")
        ordering = ["juror", "project"]
        default_permissions = ()  # written through the review's page (`jury.change_review`)
        constraints = [
            models.UniqueConstraint(fields=["juror", "project"], name="jury_reading_once_per_project"),
        ]
        indexes = [models.Index(fields=["project"], name="jury_reading_by_project")]

    def __str__(self) -> str:
        return f"{self.juror} — {self.project}"


class Evaluation(models.Model):
    """One juror's scores for one project, with a comment for the organisers and one for the NGO."""

    juror = models.ForeignKey(
        Juror, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    comment = models.TextField(_("comment"), blank=True)
    # Shown to the NGO after the shortlist, without the juror's name (`jury.selectors.ngo_feedback`).
    comment_for_ngo = models.TextField(_("comment for the NGO"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "project"], name="jury_evaluation_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.project}"


class Score(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    # RESTRICT: deleting a scored criterion alone would silently change every mean (refused), but
    # a whole review, fair or juror goes with its scores.
    criterion = models.ForeignKey(
        Criterion, on_delete=models.RESTRICT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, help_text=_("Empty: cannot assess.")
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        # The ranking reads every score of a review by evaluation (`jury.selectors`): with the
        # criterion and the value in the index, PostgreSQL answers from the index alone.
        indexes = [
            models.Index(
                fields=["evaluation"], include=["criterion", "value"], name="jury_score_for_ranking"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="jury_score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=100),
                name="jury_score_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'—' if self.value is None else self.value}"

    @property
    def cannot_assess(self) -> bool:
        return self.value is None


class ExportJob(models.Model):
    """A ranking workbook being built outside the request, and the file once built.

    Every score of a national fair makes a workbook that takes longer to write than a request
    may (see docs/architecture.md); the task records its progress here, and the file waits
    under MEDIA_ROOT, served only to the person who asked (`jury.permissions`), until it expires.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("review")
    )
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nomination"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    projects_done = models.PositiveIntegerField(_("projects written"), default=0)
    projects_total = models.PositiveIntegerField(_("projects in all"), default=0)
    # Not under a prefix `fairportal.protected_media` knows: /media/ answers 404 for it.
    file = models.FileField(_("file"), upload_to="private/jury-exports/", blank=True)
    download_name = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking export")
        verbose_name_plural = _("ranking exports")
        ordering = ["-created_at"]
        default_permissions = ()  # reached through the ranking's permission and the requester only

    def __str__(self) -> str:
        return self.download_name

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
