"""The demo's presentations step: the archived demo fair's programme, with answers and outcomes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from demo.fairs import FAIRS
from presentations.models import PresentationRound, SlotAnswer, SlotOutcome
from projects.models import ProjectState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug(settings, tmp_path):
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_the_archived_demo_fair_gets_a_public_programme_of_its_finalists(client):
    demo("seed", "--only", "portal", "--only", "jury", "--only", "presentations")
    output = demo("seed", "--only", "presentations")  # a second run adds nothing

    fair = FAIRS["archived"].get()
    presentation_round = PresentationRound.objects.get(review__fair=fair)
    slots = list(presentation_round.slots.all())
    finalists = fair.projects.filter(state__in=[ProjectState.FINALIST, ProjectState.AWARDED]).count()
    assert len(slots) == finalists == 24
    assert presentation_round.criteria.count() == fair.jury_review.criteria.count() == 5
    assert {slot.answer for slot in slots} == {SlotAnswer.CONFIRMED, SlotAnswer.SWAP, SlotAnswer.NONE}
    assert sum(slot.outcome == SlotOutcome.ABSENT for slot in slots) == 1
    assert "already has a presentation round" in output
    assert all(slot.ends_at < fair.ceremony_at for slot in slots)

    with translation.override("kk"):
        page = client.get(reverse("presentations:programme", args=[fair.slug]))
    assert page.status_code == 200
    assert "Кім таныстырды" in page.content.decode()
