from decimal import Decimal

import pytest

from projects.models import ProjectState
from tests.factories.jury import CriterionFactory, JurorFactory, ReviewFactory
from tests.factories.projects import NominationFactory, ProjectFactory


@pytest.fixture
def review():
    return ReviewFactory(fair__slug="astana-2026")


@pytest.fixture
def criteria(review):
    """Significance counts double; openness is scored 1–5 and must always be scored."""
    return [
        CriterionFactory(review=review, title_en="Significance", weight=Decimal("2")),
        CriterionFactory(review=review, title_en="Innovation", weight=Decimal("1")),
        CriterionFactory(review=review, title_en="Openness", scale_max=5, allow_cannot_assess=False),
    ]


@pytest.fixture
def nominations(review):
    return [
        NominationFactory(fair=review.fair, title_en="Disability", position=1),
        NominationFactory(fair=review.fair, title_en="Health", position=2),
    ]


def submitted(review, nomination, title: str, **kwargs):
    return ProjectFactory(
        fair=review.fair, nomination=nomination, state=ProjectState.SUBMITTED, title=title, **kwargs
    )


@pytest.fixture
def projects(review, nominations):
    disability, health = nominations
    return [
        submitted(review, disability, "Inclusive workshop"),
        submitted(review, disability, "Sign language club"),
        submitted(review, health, "Clean air"),
    ]


@pytest.fixture
def juror(review):
    return JurorFactory(review=review, user__full_name="Айжан Серікқызы")
