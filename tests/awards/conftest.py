"""The fair, nomination, ceremony and organiser every awards test starts from."""

import pytest

from tests.factories.awards import CeremonyFactory
from tests.factories.projects import FairFactory, NominationFactory


@pytest.fixture
def fair():
    """Voting closed a day ago; the ceremony is tomorrow."""
    return FairFactory(slug="fair-2026", voting_closed=True)


@pytest.fixture
def nomination(fair):
    return NominationFactory(fair=fair, title_en="Disability", title_kk="Мүгедектік", title_ru="Инвалидность")


@pytest.fixture
def ceremony(fair):
    return CeremonyFactory(fair=fair, is_published=True)
