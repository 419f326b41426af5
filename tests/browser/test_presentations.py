"""The presentation programme and the NGO's slot page in a real browser: axe-core in kk/ru/en,
and nothing wider than a 390 px phone."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from presentations import services
from presentations.models import SlotOutcome
from tests.browser.conftest import LANGUAGES, axe_violations, log_in, url
from tests.factories.presentations import SlotFactory, finalist, open_round
from tests.factories.projects import NominationFactory, make_ngo_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def programme():
    presentation_round = open_round(room="«Достық» залы", video_link="https://meet.example.kz/jury")
    fair = presentation_round.review.fair
    nomination = NominationFactory(fair=fair, title_en="Social adaptation of people with disabilities")
    member = make_ngo_member(email="ngo@ngo.kz", email_confirmed_at=timezone.now())
    day = timezone.localdate() + timedelta(days=2)
    slots = []
    for number in range(4):
        if number == 0:
            project = finalist(
                presentation_round,
                nomination=nomination,
                title="Ерекше балаларға арналған инклюзивті шеберхана",
                organisation=member.memberships.get().organisation,
            )
        else:
            project = finalist(presentation_round, nomination=nomination, title=f"Жоба {number}")
        slots.append(
            SlotFactory(
                round=presentation_round,
                project=project,
                starts_at=services.local_moment(day, time(10, 0)) + timedelta(minutes=20 * number),
            )
        )
    slots[1].outcome = SlotOutcome.PRESENTED
    slots[1].save()
    presentation_round.programme_public = True
    presentation_round.save()
    return {"fair": fair, "member": member, "slot": slots[0]}


def test_the_programme_and_the_slot_page_pass_axe_and_fit_a_phone(phone, programme):
    violations = []
    for lang in LANGUAGES:
        phone.goto(url("presentations:programme", lang, slug=programme["fair"].slug))
        violations += axe_violations(phone, f"programme ({lang})")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, lang
    log_in(phone, programme["member"], "ru")
    for lang in LANGUAGES:
        phone.goto(url("presentations:ngo_slot", lang, programme["slot"].project_id))
        violations += axe_violations(phone, f"slot page ({lang})")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, lang
    # The refused request keeps its error in view and passes too.
    phone.locator("form:has(textarea) button[type=submit]").click()
    phone.wait_for_load_state()
    violations += axe_violations(phone, "slot page with an error")
    assert phone.locator(".invalid-feedback").count() == 1
    assert violations == []
