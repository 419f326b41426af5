"""Reviews, criteria, jurors and their evaluations (saved as a juror saves them)."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from jury import services
from jury.models import Criterion, Evaluation, Juror, Review
from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, ProjectFactory


def review_phase_fair(**kwargs):
    """A published fair whose submission closed 10 days ago and whose voting opens in 10 days."""
    return FairFactory(in_review=True, **kwargs)


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


def score(
    juror, project, criteria, *values, comment: str = "", comment_for_ngo: str = "", now=None
) -> Evaluation:
    """The juror saves one value per criterion, in order (None: cannot assess), as on the scoring page."""
    return services.evaluation_save(
        juror=juror,
        project=project,
        answers={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
        comment=comment,
        comment_for_ngo=comment_for_ngo,
        now=now,
    )


class EvaluationFactory(factory.django.DjangoModelFactory):
    """A juror's complete scores for a submitted project, saved through `evaluation_save`.

    Every criterion of the review gets `value` (capped at its scale; one criterion is made when
    the review has none); use `score()` for values criterion by criterion.
    """

    class Meta:
        model = Evaluation

    juror = factory.SubFactory(JurorFactory)
    project = factory.LazyAttribute(
        lambda o: ProjectFactory(fair=o.juror.review.fair, state=ProjectState.SUBMITTED)
    )
    comment = ""

    @classmethod
    def _create(cls, model_class, *, juror, project, comment, value=7, comment_for_ngo=""):
        criteria = list(juror.review.criteria.order_by("position")) or [CriterionFactory(review=juror.review)]
        values = [min(value, criterion.scale_max) for criterion in criteria]
        return score(juror, project, criteria, *values, comment=comment, comment_for_ngo=comment_for_ngo)
