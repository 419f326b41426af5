import pytest

from tests.factories.presentations import open_round
from tests.factories.projects import NominationFactory


@pytest.fixture
def presentation_round(organiser):
    """Two days, 10:00–18:00 Almaty, 15 + 5 minutes, in "Hall A" with a video link, a week ahead."""
    return open_round(actor=organiser, room="Hall A", video_link="https://meet.example.kz/jury")


@pytest.fixture
def nominations(presentation_round):
    fair = presentation_round.review.fair
    return [
        NominationFactory(
            fair=fair, title_en="Health", title_kk="Денсаулық", title_ru="Здоровье", position=2
        ),
        NominationFactory(
            fair=fair, title_en="Disability", title_kk="Мүгедектік", title_ru="Инвалидность", position=1
        ),
    ]
