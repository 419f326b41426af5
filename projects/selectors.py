from datetime import datetime

from django.db.models import Prefetch, QuerySet

from projects.models import Fair, Organisation, Project, ProjectStateChange


def current_fair(now: datetime) -> Fair | None:
    """The published fair the home page is about: the latest one not yet archived."""
    return (
        Fair.objects.filter(is_published=True, archived_at__gt=now)
        .order_by("-submission_opens_at")
        .prefetch_related("nominations")
        .first()
    )


def fairs_open_for_submission(now: datetime) -> QuerySet[Fair]:
    return Fair.objects.filter(is_published=True, submission_opens_at__lte=now, submission_closes_at__gt=now)


def organisations_of(user) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(memberships__user=user)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=Project.objects.select_related("fair", "nomination").order_by("-updated_at"),
            )
        )
    )


def organisation_for_member(user, pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk, memberships__user=user).select_related("region").first()


def project_for_member(user, pk: int) -> Project | None:
    """The project with what its private pages show, if `user` belongs to its NGO."""
    return (
        Project.objects.filter(pk=pk, organisation__memberships__user=user)
        .select_related("fair", "organisation", "nomination", "region")
        .prefetch_related(
            "spheres",
            "images",
            Prefetch("state_changes", queryset=ProjectStateChange.objects.select_related("actor")),
        )
        .first()
    )
