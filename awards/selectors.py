from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from awards.models import VERIFICATION_ALPHABET, Award, AwardKind, Ceremony, RevokedCertificate
from fairportal.i18n_fields import LANGUAGE_CODES
from projects.models import Fair, Organisation, Project, ProjectImage, public_project_condition

# How a fair's winners page orders the kinds within a nomination.
KIND_ORDER = [
    AwardKind.JURY_PRIZE,
    AwardKind.GRANT,
    AwardKind.PEOPLES_CHOICE,
    AwardKind.SPECIAL_MENTION,
    AwardKind.PARTICIPANT,
]


def public_awards() -> QuerySet[Award]:
    """Published ceremonies' awards of projects the public may see (a later decision can hide one)."""
    return (
        Award.objects.public()
        # The project's own public condition as a join, not `project__in=<every public project>`.
        .filter(public_project_condition("project__"), project__fair__is_published=True)
        .select_related("ceremony__fair", "nomination", "project__organisation")
    )


def published_ceremony(fair: Fair) -> Ceremony | None:
    return Ceremony.objects.filter(fair=fair, is_published=True).prefetch_related("photos").first()


def winners(fair: Fair) -> list[dict]:
    """The fair's public awards as [{nomination, kinds: [{kind, label, awards}]}]; fair-wide ones first.

    Participant awards are counted, not listed one by one: every finalist has one.
    """
    awards = (
        public_awards()
        .filter(ceremony__fair=fair)
        .exclude(kind=AwardKind.PARTICIPANT)
        .prefetch_related(
            Prefetch(
                "project__images",
                queryset=ProjectImage.objects.order_by("position", "id"),
                to_attr="ordered_images",
            )
        )
        .order_by("nomination__position", "nomination_id", "place", "id")
    )
    groups: dict = {}
    for award in awards:
        groups.setdefault(award.nomination, {}).setdefault(award.kind, []).append(award)
    result = []
    for nomination in sorted(groups, key=lambda n: (n is not None, n.position if n else 0, n.pk if n else 0)):
        kinds = groups[nomination]
        result.append(
            {
                "nomination": nomination,
                "kinds": [
                    {"kind": kind, "label": AwardKind(kind).label, "awards": kinds[kind]}
                    for kind in KIND_ORDER
                    if kind in kinds
                ],
            }
        )
    return result


def participant_count(fair: Fair) -> int:
    return public_awards().filter(ceremony__fair=fair, kind=AwardKind.PARTICIPANT).count()


def awards_of_project(project: Project) -> QuerySet[Award]:
    """All of them, participant awards included: each NGO can reach its own certificates."""
    return public_awards().filter(project=project)


def awards_of_organisation(organisation: Organisation) -> QuerySet[Award]:
    return public_awards().filter(project__organisation=organisation)


def public_award(pk: int) -> Award | None:
    return public_awards().filter(pk=pk).first()


# ---------------------------------------------------------------- certificate verification


def normalise_verification_code(typed: str) -> str:
    """What someone typed from the paper, as stored: upper case, without spaces or dashes."""
    return "".join(typed.split()).replace("-", "").upper()


def is_well_formed_verification_code(code: str) -> bool:
    return 4 <= len(code) <= 16 and all(char in VERIFICATION_ALPHABET for char in code)


@dataclass
class CertificateCheck:
    """What a verification page shows: the award, or the trace of a revoked one."""

    award: Award | None = None
    revoked: RevokedCertificate | None = None
    # For a revoked certificate: whether its project's page can still be linked.
    project_is_public: bool = False


def certificate_check(code: str) -> CertificateCheck | None:
    """The public award with this code, else its revocation record; None when neither exists.

    A code of an award that is not public (unpublished ceremony, hidden project) finds nothing,
    exactly as its certificate PDF does. At most three queries, whatever the code.
    """
    award = public_awards().filter(verification_code=code).first()
    if award is not None:
        return CertificateCheck(award=award, project_is_public=True)
    revoked = RevokedCertificate.objects.select_related("fair").filter(verification_code=code).first()
    if revoked is None:
        return None
    public = bool(revoked.project_id) and (
        Project.objects.public().filter(pk=revoked.project_id, fair__is_published=True).exists()
    )
    return CertificateCheck(revoked=revoked, project_is_public=public)


def text_language(instance, base: str, language: str) -> str:
    """The language of the text `instance.<base>` shows in `language` (it falls back when missing),
    so a page can mark a fallback with its own `lang`."""
    for code in [language] + [code for code in LANGUAGE_CODES if code != language]:
        if getattr(instance, f"{base}_{code}", ""):
            return code
    return language
