"""A juror whose save meets a row held elsewhere gets the form back with every score entered.

Real concurrent connections: a thread holds the juror's row lock (as a finalisation or a
recusal in progress would) while the juror's POST tries to save.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from jury.models import Evaluation
from tests.jury.test_pages import scoring_data
from tests.race import row_held

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("short_lock_timeout"),
]


def test_a_busy_save_keeps_the_scores_and_says_try_again(client, settings, review, projects, criteria, juror):
    juror.user.language = "ru"
    juror.user.save()
    client.force_login(juror.user)
    with translation.override("ru"):
        url = reverse("jury:project", args=[review.fair.slug, projects[0].pk])

    with row_held(juror):
        response = client.post(url, scoring_data(criteria, 8, 6, 4, comment="Сильная команда"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Это сейчас меняет кто-то другой." in html
    assert "Сильная команда" in html  # what the juror typed is still there
    for criterion, value in zip(criteria, (8, 6, 4), strict=True):
        assert re.search(rf'name="criterion_{criterion.pk}"[^>]*value="{value}" checked', html)
    assert not Evaluation.objects.exists()

    saved = client.post(url, scoring_data(criteria, 8, 6, 4, comment="Сильная команда"))
    assert saved.status_code == 302
    assert Evaluation.objects.get().comment == "Сильная команда"
