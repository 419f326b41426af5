"""The juror's presentation pages on a 390 px phone: nothing scrolls sideways, targets are big
enough to tap, axe-core finds nothing, and a presentation is scored with taps alone.

Runs with the other browser tests, in their own pytest session (see the Makefile's `test`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from presentations.models import PresentationScore
from projects.models import ProjectState
from tests.browser.conftest import assert_no_axe_violations, log_in, url
from tests.factories.jury import JurorFactory
from tests.factories.presentations_scoring import (
    PresentationCriterionFactory,
    PresentationRoundFactory,
    SlotFactory,
)
from tests.factories.projects import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_juror_scores_a_presentation_on_a_phone(phone):
    round_ = PresentationRoundFactory(video_link="https://meet.example.kz/fair-presentations")
    criteria = [
        PresentationCriterionFactory(round=round_, title_en="Clarity", position=1),
        PresentationCriterionFactory(round=round_, title_en="Answers to the jury", scale_max=5, position=2),
    ]
    fair = round_.review.fair
    slot = SlotFactory(
        round=round_,
        project=ProjectFactory(
            fair=fair,
            state=ProjectState.FINALIST,
            title="Ауылдағы балаларға арналған инклюзивті робототехника үйірмесі",
        ),
        starts_at=timezone.now() - timedelta(minutes=10),
    )
    juror = JurorFactory(review=round_.review)
    log_in(phone, juror.user, "kk")

    phone.goto(url("presentations:jury_programme", "kk", fair.slug))
    assert no_sideways_scroll(phone)
    assert_no_axe_violations(phone, "programme")
    link = phone.get_by_role("link", name=slot.project.title)
    assert link.bounding_box()["height"] >= 24

    link.click()
    phone.wait_for_load_state()
    assert no_sideways_scroll(phone)
    assert_no_axe_violations(phone, "scoring")
    choice = phone.locator(f"label[for=id_criterion_{criteria[0].pk}_6]")  # radios count from 0: "7"
    box = choice.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= 44
    choice.click()
    phone.locator(f"label[for=id_criterion_{criteria[1].pk}_2]").click()
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()

    assert sorted(PresentationScore.objects.values_list("value", flat=True)) == [3, 7]
    assert "/jury/presentations/" in phone.url
    assert no_sideways_scroll(phone)
