"""Presentation rounds, criteria and slots made directly (the organisers' services live on
another branch), and a juror's scores of a presentation saved as the scoring page saves them."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from jury.models import Normalisation
from presentations import scoring
from presentations.models import PresentationCriterion, PresentationRound, Slot
from projects.models import ProjectState
from tests.factories.jury import ReviewFactory
from tests.factories.projects import ProjectFactory


class PresentationRoundFactory(factory.django.DjangoModelFactory):
    """A round on the fair's review whose presentations began yesterday; scoring closes in a week."""

    class Meta:
        model = PresentationRound

    review = factory.SubFactory(ReviewFactory, shortlist_basis=Normalisation.NONE)
    first_day = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    days = 2
    reading_weight = 40
    presentation_weight = 60
    scoring_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    room = "Зал 1"


class PresentationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresentationCriterion

    round = factory.SubFactory(PresentationRoundFactory)
    title_kk = factory.Sequence(lambda n: f"Таныстыру өлшемі {n}")
    title_ru = factory.Sequence(lambda n: f"Критерий выступления {n}")
    title_en = factory.Sequence(lambda n: f"Presentation criterion {n}")
    weight = Decimal("1")
    scale_max = 10
    position = factory.Sequence(lambda n: n)


class SlotFactory(factory.django.DjangoModelFactory):
    """A finalist's slot of 15 minutes that began an hour ago."""

    class Meta:
        model = Slot

    round = factory.SubFactory(PresentationRoundFactory)
    project = factory.LazyAttribute(
        lambda o: ProjectFactory(fair=o.round.review.fair, state=ProjectState.FINALIST)
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=15))


def score_presentation(juror, slot, *values, comment: str = "", now=None):
    """The juror saves one value per criterion of the round, in position order."""
    criteria = list(slot.round.criteria.order_by("position", "id"))
    return scoring.presentation_evaluation_save(
        juror=juror,
        slot=slot,
        answers={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
        comment=comment,
        now=now,
    )
