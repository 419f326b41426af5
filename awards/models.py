"""What a fair ends with: its ceremony (with photos) and the awards given there.

An award is given at a fair's ceremony to a project (and so its NGO) of that fair. Places
are unique within a nomination of a fair (or within the fair, for awards without one).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal.i18n_fields import TranslatedText
from projects.media import validate_video_url
from projects.models import Fair, Nomination, Project


class Ceremony(models.Model):
    fair = models.OneToOneField(
        Fair, on_delete=models.CASCADE, related_name="ceremony", verbose_name=_("fair")
    )
    held_at = models.DateTimeField(_("date and time"))
    venue_kk = models.CharField(_("venue (Kazakh)"), max_length=200)
    venue_ru = models.CharField(_("venue (Russian)"), max_length=200)
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    city_kk = models.CharField(_("city (Kazakh)"), max_length=100)
    city_ru = models.CharField(_("city (Russian)"), max_length=100)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    description_kk = models.TextField(_("report (Kazakh)"), blank=True)
    description_ru = models.TextField(_("report (Russian)"), blank=True)
    description_en = models.TextField(_("report (English)"), blank=True)
    video_url = models.URLField(
        _("video"), blank=True, help_text=_("A YouTube or Vimeo link to the recording.")
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Unpublished ceremonies and their awards are not shown publicly."),
    )

    venue = TranslatedText("venue")
    city = TranslatedText("city")
    description = TranslatedText("description")

    class Meta:
        verbose_name = _("ceremony")
        verbose_name_plural = _("ceremonies")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return str(self.fair)

    def clean(self) -> None:
        super().clean()
        if self.video_url:
            validate_video_url(self.video_url)


class CeremonyPhoto(models.Model):
    ceremony = models.ForeignKey(
        Ceremony, on_delete=models.CASCADE, related_name="photos", verbose_name=_("ceremony")
    )
    image = models.ImageField(
        _("image"), upload_to="awards/photos/%Y/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="awards/thumbs/%Y/")
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text_kk = models.CharField(_("image description (Kazakh)"), max_length=250)
    alt_text_ru = models.CharField(_("image description (Russian)"), max_length=250)
    alt_text_en = models.CharField(_("image description (English)"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    alt_text = TranslatedText("alt_text")

    class Meta:
        verbose_name = _("ceremony photo")
        verbose_name_plural = _("ceremony photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class AwardKind(models.TextChoices):
    JURY_PRIZE = "jury", _("Jury prize")
    GRANT = "grant", _("Grant")
    PEOPLES_CHOICE = "peoples_choice", _("People's choice")
    SPECIAL_MENTION = "special", _("Special mention")
    PARTICIPANT = "participant", _("Participant")


PLACE_CHOICES = [(1, _("1st place")), (2, _("2nd place")), (3, _("3rd place"))]

# Typed from paper and read aloud: no 0/O, 1/I/L, no lower case. 31 symbols ** 8 ≈ 8.5 * 10**11
# codes, so guessing one (rate-limited) is hopeless and the codes say nothing about order or count.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 8


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


class AwardQuerySet(models.QuerySet):
    def public(self) -> "AwardQuerySet":
        """Awards of published fairs whose ceremony is published."""
        return self.filter(ceremony__is_published=True, ceremony__fair__is_published=True)


class Award(models.Model):
    ceremony = models.ForeignKey(
        Ceremony, on_delete=models.PROTECT, related_name="awards", verbose_name=_("ceremony")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="awards", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AwardKind.choices)
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("nomination"),
        help_text=_("Empty for an award of the whole fair."),
    )
    place = models.PositiveSmallIntegerField(
        _("place"),
        null=True,
        blank=True,
        choices=PLACE_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    grant_amount = models.PositiveBigIntegerField(_("grant, KZT"), null=True, blank=True)
    prize_kk = models.CharField(
        _("prize (Kazakh)"), max_length=300, blank=True, help_text=_("E.g. a statuette.")
    )
    prize_ru = models.CharField(_("prize (Russian)"), max_length=300, blank=True)
    prize_en = models.CharField(_("prize (English)"), max_length=300, blank=True)
    citation_kk = models.TextField(_("citation (Kazakh)"), blank=True)
    citation_ru = models.TextField(_("citation (Russian)"), blank=True)
    citation_en = models.TextField(_("citation (English)"), blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=16,
        unique=True,
        default=new_verification_code,
        editable=False,
        help_text=_("Printed on the certificate with a QR code; anyone can check the certificate with it."),
    )

    title = TranslatedText("title")
    prize = TranslatedText("prize")
    citation = TranslatedText("citation")

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["ceremony", "nomination__position", "place", "kind", "id"]
        constraints = [
            # One 1st (2nd, 3rd) place per nomination of a fair, or per fair for awards without one.
            models.UniqueConstraint(
                fields=["ceremony", "nomination", "place"],
                condition=Q(place__isnull=False),
                nulls_distinct=False,
                name="awards_award_one_place_per_nomination",
                violation_error_message=_("This place in this nomination has already been awarded."),
            ),
            models.UniqueConstraint(
                fields=["ceremony", "project", "kind"],
                condition=Q(kind="participant"),
                name="awards_award_one_participant_award_per_project",
                violation_error_message=_("This project already has a participant award."),
            ),
            # One people's choice per nomination (or per fair): on a tie the organiser picks one.
            models.UniqueConstraint(
                fields=["ceremony", "nomination"],
                condition=Q(kind="peoples_choice"),
                nulls_distinct=False,
                name="awards_award_one_peoples_choice_per_nomination",
                violation_error_message=_(
                    "The people's choice award of this nomination has already been given."
                ),
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__gte=1, place__lte=3),
                name="awards_award_place_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.project}"

    @property
    def fair(self) -> Fair:
        return self.ceremony.fair

    def clean(self) -> None:
        super().clean()
        fair_id = self.ceremony.fair_id if self.ceremony_id else None
        if self.project_id and fair_id and self.project.fair_id != fair_id:
            raise ValidationError({"project": _("Choose a project of this fair.")})
        if self.nomination_id and fair_id and self.nomination.fair_id != fair_id:
            raise ValidationError({"nomination": _("Choose a nomination of this fair.")})
        if self.place and self.kind not in (AwardKind.JURY_PRIZE, AwardKind.GRANT):
            raise ValidationError({"place": _("Only jury prizes and grants have places.")})
        if self.nomination_id and self.project_id and self.project.nomination_id != self.nomination_id:
            raise ValidationError({"project": _("This project is in another nomination.")})


class RevokedCertificate(models.Model):
    """What a revoked award's certificate said, so its verification page can say "revoked".

    `award_revoke` deletes the award (its place may be given again) and writes this record, but
    only for awards whose certificate was public: a certificate nobody could download needs no
    trace. The texts are copies, so the record stays true when the project is edited later.
    """

    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    fair = models.ForeignKey(
        Fair, on_delete=models.CASCADE, related_name="revoked_certificates", verbose_name=_("fair")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revoked_certificates",
        verbose_name=_("project"),
    )
    project_title = models.CharField(_("project title"), max_length=200)
    project_language = models.CharField(_("language of the project"), max_length=2)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AwardKind.choices)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True, choices=PLACE_CHOICES)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    ceremony_held_at = models.DateTimeField(_("ceremony date"))
    given_at = models.DateTimeField(_("given"))
    revoked_at = models.DateTimeField(_("revoked"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    title = TranslatedText("title")

    class Meta:
        verbose_name = _("revoked certificate")
        verbose_name_plural = _("revoked certificates")
        ordering = ["-revoked_at"]

    def __str__(self) -> str:
        return f"{self.verification_code}: {self.title} — {self.project_title}"
