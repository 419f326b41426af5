import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.projects import FairFactory, NominationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "title", "phase"),
    [
        ("kk", "Әлеуметтік жобалар жәрмеңкесі 2030", "Жобаларды қабылдау"),
        ("ru", "Ярмарка социальных проектов 2030", "Приём проектов"),
        ("en", "Social Projects Fair 2030", "Submission of projects"),
    ],
)
def test_home_shows_the_current_fair_and_its_phase(client, lang, title, phase, django_assert_max_num_queries):
    fair = FairFactory(
        title_kk="Әлеуметтік жобалар жәрмеңкесі 2030",
        title_ru="Ярмарка социальных проектов 2030",
        title_en="Social Projects Fair 2030",
    )
    NominationFactory(fair=fair)

    with django_assert_max_num_queries(5):  # 4, plus when the cached copy expires
        html = client.get(f"/{lang}/").content.decode()

    assert title in html
    assert phase in html


def test_unpublished_fairs_stay_off_the_home_page_and_archived_ones_are_past(client):
    FairFactory(title_en="Hidden draft fair", is_published=False)
    FairFactory(title_en="Old fair", opens=timezone.now() - timedelta(days=800))

    html = client.get("/en/").content.decode()

    assert "Hidden draft fair" not in html
    assert 'id="fair-title"' not in html  # no current fair
    assert re.search(r'id="past-title".*Old fair', html, re.S)
