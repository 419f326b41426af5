"""Who may do what in the jury, as predicates taking the clock where time matters.

Views ask them to decide what to show; `jury.services` asks them again before writing.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef

from jury.models import REVIEWED_STATES, ExportJob, Juror, ProtocolPublic, ReadingAssignment, Recusal, Review
from projects.models import Membership, Organisation, Project


def can_act_as_juror(user) -> bool:
    """Holding a seat is not enough: the Jury group's permission can be taken away."""
    return user.is_authenticated and user.is_active and user.has_perm("jury.act_as_juror")


def seat_covers(juror: Juror, project: Project) -> bool:
    """The project is under review in the juror's fair and, if they have some, nominations,
    and is neither one of their own organisations' nor of an NGO they declared a conflict with;
    with assigned reading (`Review.reading`), it is also one of theirs to read (or one they
    recused from, so they still see their declaration).

    Uses `juror.nominations.all()`, so prefetch it when asking for many projects.
    """
    if project.fair_id != juror.review.fair_id or project.state not in REVIEWED_STATES:
        return False
    nomination_ids = {nomination.pk for nomination in juror.nominations.all()}
    if nomination_ids and project.nomination_id not in nomination_ids:
        return False
    # Nobody judges their own NGO's project, nor one of an NGO they declared a conflict with:
    # they never see it as jurors. One query for both.
    if (
        Organisation.objects.filter(pk=project.organisation_id)
        .filter(
            Exists(Membership.objects.filter(organisation_id=OuterRef("pk"), user_id=juror.user_id))
            | Exists(
                Juror.conflict_organisations.through.objects.filter(
                    organisation_id=OuterRef("pk"), juror_id=juror.pk
                )
            )
        )
        .exists()
    ):
        return False
    if not juror.review.assigned_reading:
        return True
    return (
        Project.objects.filter(pk=project.pk)
        .filter(
            Exists(ReadingAssignment.objects.filter(project_id=OuterRef("pk"), juror_id=juror.pk))
            | Exists(Recusal.objects.filter(project_id=OuterRef("pk"), juror_id=juror.pk))
        )
        .exists()
    )


def can_review(user, project: Project) -> bool:
    """The user holds a seat in a published fair that covers the project: they may read its
    submission, uploads included (the same rule as the juror's project page)."""
    if not can_act_as_juror(user):
        return False
    seats = Juror.objects.filter(
        user=user, review__fair_id=project.fair_id, review__fair__is_published=True
    ).prefetch_related("nominations")
    return any(seat_covers(juror, project) for juror in seats)


def can_change_scores(juror: Juror, now: datetime) -> bool:
    return juror.finalised_at is None and juror.review.is_open_at(now)


def can_view_ranking(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("jury.view_ranking")


def can_see_export(user, job: ExportJob) -> bool:
    """A ranking export, its progress and its file are for the person who asked alone, while
    they may still see the ranking: the file holds every juror's scores and comments."""
    return can_view_ranking(user) and job.requested_by_id == user.pk


def can_see_commission_protocol(user, review: Review, now: datetime) -> bool:
    """Organisers who see the ranking always may; everyone else once a shortlist was applied in
    a published fair and the organisers' choice (`Review.protocol_public`) makes it public."""
    if can_view_ranking(user):
        return True
    if not review.fair.is_published or review.shortlist_applied_at is None:
        return False
    if review.protocol_public == ProtocolPublic.NOW:
        return True
    if review.protocol_public == ProtocolPublic.AFTER_VOTING_OPENS:
        return now >= review.fair.voting_opens_at
    return False


def can_see_ngo_feedback(user, project: Project, review: Review | None) -> bool:
    """The jury's feedback on a project: its NGO's members and the organisers who see the
    ranking, and only once a shortlist was applied (before it, scores may still change)."""
    if review is None or review.shortlist_applied_at is None or not user.is_authenticated:
        return False
    if can_view_ranking(user):
        return True
    return Membership.objects.filter(user_id=user.pk, organisation_id=project.organisation_id).exists()
