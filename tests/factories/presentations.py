"""Presentation rounds (opened through `round_open` by an organiser), finalists and slots."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from presentations import services
from presentations.models import PresentationRound, Slot
from projects.models import Membership, ProjectState
from tests.factories.accounts import make_organiser
from tests.factories.jury import ReviewFactory
from tests.factories.projects import MembershipFactory, ProjectFactory


def shortlisted_review(**kwargs):
    """A review in its fair's review phase whose shortlist has been applied."""
    return ReviewFactory(shortlist_applied_at=timezone.now() - timedelta(hours=1), **kwargs)


def open_round(review=None, *, actor=None, first_day=None, **options) -> PresentationRound:
    """A round opened by an organiser, by default two days 10:00–18:00 from a week ahead."""
    review = review or shortlisted_review()
    actor = actor or make_organiser(f"opener{review.pk}@fair.kz")
    first_day = first_day or (timezone.localdate() + timedelta(days=7))
    return services.round_open(review=review, actor=actor, first_day=first_day, **options)


def finalist(presentation_round, *, nomination=None, title=None, members=(), **kwargs):
    """A finalist of the round's fair; `members`: (email, language) of its NGO's people."""
    fields = {"fair": presentation_round.review.fair, "state": ProjectState.FINALIST, **kwargs}
    if nomination is not None:
        fields["nomination"] = nomination
    if title is not None:
        fields["title"] = title
    project = ProjectFactory(**fields)
    for email, language in members:
        MembershipFactory(
            organisation=project.organisation,
            role=Membership.Role.MEMBER,
            user__email=email,
            user__language=language,
        )
    return project


class SlotFactory(factory.django.DjangoModelFactory):
    """A slot written directly (no e-mail): tomorrow 10:00–10:15 Almaty by default."""

    class Meta:
        model = Slot

    round = factory.LazyFunction(open_round)
    project = factory.LazyAttribute(lambda o: finalist(o.round))
    starts_at = factory.LazyAttribute(
        lambda o: services.local_moment(timezone.localdate() + timedelta(days=1), time(10, 0))
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=15))
    room = factory.LazyAttribute(lambda o: o.round.room)
    video_link = factory.LazyAttribute(lambda o: o.round.video_link)
