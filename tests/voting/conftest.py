import re

import pytest
from django.core import mail

from projects.models import ProjectState
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory


@pytest.fixture
def voting_fair():
    """A published fair whose public voting is open now."""
    return FairFactory(slug="vote-2026", in_voting=True)


@pytest.fixture
def finalist(voting_fair):
    return ProjectFactory(
        fair=voting_fair,
        nomination=NominationFactory(fair=voting_fair),
        state=ProjectState.FINALIST,
        title="Мейірім үйі",
    )


def last_code(address: str) -> str:
    """The code from the newest voting e-mail to `address`, as the visitor reads it."""
    message = [m for m in mail.outbox if m.to[0].lower() == address.lower()][-1]
    return re.search(r"^(\d{6})$", message.body, re.M).group(1)
