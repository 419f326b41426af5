from django.db.models import Prefetch, QuerySet

from awards.models import Award, AwardKind, Ceremony
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
