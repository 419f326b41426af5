from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from jury.models import Criterion, Juror, Review
from tests.accounts.factories import UserFactory
from tests.projects.factories import FairFactory


def review_phase_fair(**kwargs):
    """A published fair whose submission closed 10 days ago and whose voting opens in 10 days."""
    return FairFactory(opens=timezone.now() - timedelta(days=40), **kwargs)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review open now (the fair's review phase), without criteria."""

    class Meta:
        model = Review

    fair = factory.LazyFunction(review_phase_fair)
    opens_at = factory.LazyAttribute(lambda o: o.fair.submission_closes_at)
    closes_at = factory.LazyAttribute(lambda o: o.fair.voting_opens_at)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    review = factory.SubFactory(ReviewFactory)
    title_kk = factory.Sequence(lambda n: f"Өлшем {n}")
    title_ru = factory.Sequence(lambda n: f"Критерий {n}")
    title_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    scale_max = 10
    position = factory.Sequence(lambda n: n)


class JurorFactory(factory.django.DjangoModelFactory):
    """A seat for a person in the Jury group, confirmed and able to log in."""

    class Meta:
        model = Juror
        skip_postgeneration_save = True

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(
        UserFactory,
        email=factory.Sequence(lambda n: f"juror{n}@expert.kz"),
        email_confirmed_at=factory.LazyFunction(timezone.now),
    )

    @factory.post_generation
    def in_jury_group(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.user.groups.add(Group.objects.get(name="Jury"))

    @factory.post_generation
    def nominations(self, create, extracted, **kwargs):
        if create and extracted:
            self.nominations.set(extracted)
