from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal.fields import ChoiceArrayField
from fairportal.i18n_fields import TranslatedText
from projects.media import validate_video_url
from projects.validators import validate_bin, validate_kz_phone

MAX_IMAGES_PER_PROJECT = 6


class Phase(models.TextChoices):
    DRAFT = "draft", _("Not open yet")
    SUBMISSION = "submission", _("Submission of projects")
    REVIEW = "review", _("Expert review")
    VOTING = "voting", _("Public voting")
    RESULTS = "results", _("Results")
    CEREMONY = "ceremony", _("Award ceremony")
    ARCHIVED = "archived", _("Archive")


class IdentityChannel(models.TextChoices):
    """How a voter proves who they are; `voting.channels` implements each one."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    CARD = "card", _("Voting cards handed out at the fair")


def default_voting_channels() -> list[str]:
    return [IdentityChannel.EMAIL]


class Fair(models.Model):
    """One edition of the fair. Its phase follows from the schedule and the clock."""

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in addresses, e.g. almaty-2026."))
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    organiser_kk = models.CharField(_("organiser (Kazakh)"), max_length=200)
    organiser_ru = models.CharField(_("organiser (Russian)"), max_length=200)
    organiser_en = models.CharField(_("organiser (English)"), max_length=200, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished fairs are invisible to NGOs and visitors.")
    )

    class VotePolicy(models.TextChoices):
        PER_FAIR = "fair", _("One vote per person in the whole fair")
        PER_NOMINATION = "nomination", _("One vote per person in each nomination")

    vote_policy = models.CharField(
        _("voting rule"), max_length=12, choices=VotePolicy.choices, default=VotePolicy.PER_FAIR
    )
    voting_channels = ChoiceArrayField(
        models.CharField(max_length=8, choices=IdentityChannel.choices),
        verbose_name=_("how voters prove who they are"),
        default=default_voting_channels,
        help_text=_(
            "Each person votes once per identity: an e-mail address is cheap to obtain, a mobile "
            "number needs a real SIM card, a voting card is handed out at the fair (one vote per "
            "card; create and print them under Public voting). Choose SMS only for fairs with a large "
            "prize (needs an SMS gateway). Fixed once voting opens."
        ),
    )
    live_results = models.BooleanField(
        _("show results during voting"),
        default=False,
        help_text=_("Off: vote counts stay hidden everywhere until voting closes."),
    )
    submission_opens_at = models.DateTimeField(_("submission opens"))
    submission_closes_at = models.DateTimeField(_("submission closes"))
    voting_opens_at = models.DateTimeField(_("public voting opens"))
    voting_closes_at = models.DateTimeField(_("public voting closes"))
    ceremony_at = models.DateTimeField(_("award ceremony"))
    archived_at = models.DateTimeField(_("moves to the archive"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    title = TranslatedText("title")
    organiser = TranslatedText("organiser")
    description = TranslatedText("description")

    class Meta:
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        ordering = ["-submission_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_opens_at__lt=F("submission_closes_at"))
                & Q(submission_closes_at__lte=F("voting_opens_at"))
                & Q(voting_opens_at__lt=F("voting_closes_at"))
                & Q(voting_closes_at__lte=F("ceremony_at"))
                & Q(ceremony_at__lt=F("archived_at")),
                name="projects_fair_schedule_in_order",
                violation_error_message=_(
                    "The dates must follow each other: submission opens, submission closes, "
                    "voting opens, voting closes, ceremony, archive."
                ),
            ),
            models.CheckConstraint(
                condition=Q(voting_channels__len__gte=1)
                & Q(voting_channels__contained_by=IdentityChannel.values),
                name="projects_fair_voting_channels_known",
                violation_error_message=_("Choose at least one way for voters to prove who they are."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if IdentityChannel.SMS in (self.voting_channels or []) and not settings.SMS_BACKEND:
            raise ValidationError(
                {
                    "voting_channels": _(
                        "No SMS gateway is configured (SMS_BACKEND), so SMS codes cannot be sent."
                    )
                }
            )

    def phase_at(self, now: datetime) -> Phase:
        """The one place that turns the schedule into a phase; callers pass the clock."""
        if now < self.submission_opens_at:
            return Phase.DRAFT
        if now < self.submission_closes_at:
            return Phase.SUBMISSION
        if now < self.voting_opens_at:
            return Phase.REVIEW
        if now < self.voting_closes_at:
            return Phase.VOTING
        if now < self.ceremony_at:
            return Phase.RESULTS
        if now < self.archived_at:
            return Phase.CEREMONY
        return Phase.ARCHIVED

    @property
    def voting_channel_labels(self) -> list[str]:
        """How this fair's voters prove who they are, in the page's language (its voting rules)."""
        labels = dict(IdentityChannel.choices)
        return [str(labels[channel]) for channel in self.voting_channels or [] if channel in labels]

    def voting_open_at(self, now: datetime) -> bool:
        return self.is_published and self.voting_opens_at <= now < self.voting_closes_at

    def results_visible_at(self, now: datetime) -> bool:
        """Counts are secret until voting closes, unless the organisers chose live results."""
        return now >= self.voting_closes_at or (self.live_results and now >= self.voting_opens_at)


class Nomination(models.Model):
    fair = models.ForeignKey(
        Fair, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("fair")
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = TranslatedText("title")
    description = TranslatedText("description")

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["fair", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Sphere(models.Model):
    """A field of work (education, ecology, …) used to filter projects."""

    slug = models.SlugField(_("slug"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = TranslatedText("name")

    class Meta:
        verbose_name = _("sphere")
        verbose_name_plural = _("spheres")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """One of the 17 regions or the cities of republican significance."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    code = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = TranslatedText("name")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class LegalForm(models.TextChoices):
    PUBLIC_FUND = "public_fund", _("Public fund")
    PUBLIC_ASSOCIATION = "public_association", _("Public association")
    ASSOCIATION_OF_LEGAL_ENTITIES = "association", _("Association of legal entities")
    CHARITABLE_FOUNDATION = "charitable_foundation", _("Charitable foundation")
    SOCIAL_ENTERPRISE = "social_enterprise", _("LLP / social enterprise")
    INITIATIVE_GROUP = "initiative_group", _("Initiative group (not registered)")


class Organisation(models.Model):
    """An NGO. Only its members see its private pages or change its data."""

    name = models.CharField(_("name"), max_length=300)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    bin = models.CharField(
        _("BIN"),
        max_length=12,
        blank=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits. Initiative groups leave it empty."),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    city = models.CharField(_("city or settlement"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=12,
        validators=[validate_kz_phone],
        help_text=_("For example +7 701 123 45 67."),
    )
    email = models.EmailField(_("e-mail"))
    logo = models.ImageField(_("logo"), upload_to="organisations/logos/", blank=True)
    description = models.TextField(_("about the organisation"), max_length=3000, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"],
                condition=~Q(bin=""),
                name="projects_organisation_bin_unique",
                violation_error_message=_("An organisation with this BIN is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(legal_form=LegalForm.INITIATIVE_GROUP) | ~Q(bin=""),
                name="projects_organisation_bin_required",
                violation_error_message=_("Registered organisations must give their BIN."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="projects_membership_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


INVITATION_VALIDITY = timedelta(days=14)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        """Not accepted and not expired: the ones a link can still be used for."""
        return self.filter(accepted_at__isnull=True, created_at__gt=timezone.now() - INVITATION_VALIDITY)

    def expired(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, created_at__lte=timezone.now() - INVITATION_VALIDITY)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation; the link is signed, not stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=Q(accepted_at__isnull=True),
                name="projects_invitation_one_open_per_email",
                violation_error_message=_("This address has already been invited."),
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    FINALIST = "finalist", _("Finalist")
    NOT_SELECTED = "not_selected", _("Not selected")
    AWARDED = "awarded", _("Winner")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Which projects anyone may see (besides the fair being published). Also the condition of the
# catalogue's index, so PostgreSQL reads a page of cards straight from it.
def public_project_condition(prefix: str = "") -> Q:
    """The condition on a project's own columns, also through a relation (`prefix="project__"`)."""
    return Q(**{f"{prefix}state__in": [ProjectState.FINALIST, ProjectState.AWARDED]}) | Q(
        **{
            f"{prefix}is_public": True,
            f"{prefix}state__in": [ProjectState.SUBMITTED, ProjectState.NOT_SELECTED],
        }
    )


PUBLIC_PROJECT = public_project_condition()


class ProjectQuerySet(models.QuerySet):
    def public(self) -> "ProjectQuerySet":
        """What anyone may see: finalists and winners, plus what an organiser chose to show.

        Drafts, returned and withdrawn projects never appear, whatever `is_public` says.
        """
        return self.filter(fair__is_published=True).filter(PUBLIC_PROJECT)


class Project(models.Model):
    """A social project an NGO submits to one fair, in one nomination.

    Most fields may be empty while it is a draft; `services.project_missing_fields`
    says what a submission needs.
    """

    class ContentLanguage(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("organisation")
    )
    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="projects", verbose_name=_("fair"))
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("nomination"),
    )
    spheres = models.ManyToManyField(Sphere, blank=True, related_name="projects", verbose_name=_("spheres"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("region where the project works"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT, db_index=True
    )
    is_public = models.BooleanField(
        _("shown on the public site"),
        default=False,
        help_text=_(
            "Submitted projects stay private until an organiser shows them; finalists and winners are always public."
        ),
    )

    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        max_length=600,
        blank=True,
        help_text=_("What the project does, in two or three sentences."),
    )
    problem = models.TextField(
        _("problem"),
        max_length=3000,
        blank=True,
        help_text=_("Which social problem does it address, and where?"),
    )
    target_group = models.TextField(
        _("target group"), max_length=1500, blank=True, help_text=_("Who benefits: age, situation, needs.")
    )
    beneficiaries = models.PositiveIntegerField(_("number of beneficiaries"), null=True, blank=True)
    goals_and_activities = models.TextField(_("goals and activities"), max_length=5000, blank=True)
    results_achieved = models.TextField(
        _("results achieved"),
        max_length=3000,
        blank=True,
        help_text=_("What has changed so far, with numbers."),
    )
    sustainability_plan = models.TextField(
        _("sustainability plan"),
        max_length=3000,
        blank=True,
        help_text=_("How the project will continue after the grant."),
    )
    budget_requested = models.PositiveBigIntegerField(
        _("budget requested (KZT)"), null=True, blank=True, validators=[MaxValueValidator(10_000_000_000)]
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    content_language = models.CharField(
        _("language of the application"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.KAZAKH,
    )
    video_url = models.URLField(
        _("video link"),
        blank=True,
        validators=[validate_video_url],
        help_text=_("A YouTube or Vimeo link. Other sites are not accepted."),
    )
    pdf = models.FileField(
        _("presentation (PDF)"),
        upload_to="projects/pdf/%Y/",
        blank=True,
        help_text=_("Optional, up to 10 MB."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    # Kept up to date by PostgreSQL itself. The Russian configuration stems ("проекты" finds
    # "проект"); PostgreSQL has no Kazakh stemmer, so the same words also go in unstemmed
    # ("simple"), which the catalogue matches by prefix ("қамқ" finds "Қамқор").
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="russian")
        + SearchVector("summary", weight="B", config="russian")
        + SearchVector("target_group", "goals_and_activities", weight="C", config="russian")
        + SearchVector("title", weight="A", config="simple")
        + SearchVector("summary", weight="B", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-updated_at"]
        permissions = [("change_project_state", _("Can return, shortlist or turn down projects"))]
        indexes = [
            models.Index(fields=["fair", "state"], name="projects_project_fair_state"),
            GinIndex(fields=["search_vector"], name="projects_project_search"),
            # The catalogue's default order (newest submission first) over public projects: a
            # page of 24 cards and the count come from this index instead of every row's texts.
            models.Index(
                F("fair"),
                F("submitted_at").desc(nulls_last=True),
                F("id").desc(),
                name="projects_project_public_newest",
                condition=PUBLIC_PROJECT,
            ),
            # Public projects per nomination (home and fair pages) as an index-only count.
            models.Index(
                fields=["fair", "nomination"], name="projects_project_public_by_nom", condition=PUBLIC_PROJECT
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:project_detail", args=[self.pk])


class ProjectImage(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="images", verbose_name=_("project")
    )
    image = models.ImageField(
        _("image"), upload_to="projects/images/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="projects/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(
        _("image description"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("project image")
        verbose_name_plural = _("project images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class ProjectStateChange(models.Model):
    """Who moved a project from one state to another, when and why. Never edited."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="state_changes", verbose_name=_("project")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ProjectState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ProjectState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_from_state_display()} → {self.get_to_state_display()}"


class FairScheduleChange(models.Model):
    """A date of the fair that organisers moved after voting opened: shown on the fair's page.

    Written only by `services.fair_update`, which requires the reason; PostgreSQL keeps the
    table append-only (migration 0009), and a fair with such a change cannot be deleted.
    """

    class Field(models.TextChoices):
        VOTING_CLOSES_AT = "voting_closes_at", _("close of voting")

    fair = models.ForeignKey(
        Fair, on_delete=models.PROTECT, related_name="schedule_changes", verbose_name=_("fair")
    )
    field = models.CharField(_("date"), max_length=30, choices=Field.choices)
    old_value = models.DateTimeField(_("from"))
    new_value = models.DateTimeField(_("to"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="projects_fairschedulechange_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.fair}: {self.get_field_display()} {self.old_value:%Y-%m-%d %H:%M} → {self.new_value:%Y-%m-%d %H:%M}"


class OrganiserDigest(models.Model):
    """One day's digest of new submissions to the organisers (`services.organiser_digest_send`).

    The unique day makes the command idempotent: a second run the same day, or two at once,
    finds the row and sends nothing. The next digest starts where this one's `until` ended.
    """

    day = models.DateField(_("day"), unique=True)
    since = models.DateTimeField(_("submissions since"))
    until = models.DateTimeField(_("submissions until"))
    submissions = models.PositiveIntegerField(_("submissions"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("organisers' digest")
        verbose_name_plural = _("organisers' digests")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.submissions}"
