"""The fair, nomination, ceremony and organiser every awards test starts from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from awards.models import Ceremony
from tests.factories.projects import FairFactory, NominationFactory


@pytest.fixture
def fair():
    """Voting closed a day ago; the ceremony is tomorrow."""
    return FairFactory(slug="fair-2026", opens=timezone.now() - timedelta(days=61))


@pytest.fixture
def nomination(fair):
    return NominationFactory(fair=fair, title_en="Disability", title_kk="Мүгедектік", title_ru="Инвалидность")


@pytest.fixture
def ceremony(fair):
    return Ceremony.objects.create(
        fair=fair,
        held_at=fair.ceremony_at,
        venue_kk="Республика сарайы",
        venue_ru="Дворец Республики",
        venue_en="Palace of the Republic",
        city_kk="Алматы",
        city_ru="Алматы",
        city_en="Almaty",
        is_published=True,
    )
