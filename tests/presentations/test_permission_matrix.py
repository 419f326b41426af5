"""Organisers' pages of the presentation round for staff with only some of the permissions:
every page and every POST refuses (403) without the right one, and writes nothing (guards)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from awards.models import Award
from presentations.models import PresentationRound, Slot
from tests.factories.accounts import make_organiser
from tests.factories.awards import CeremonyFactory
from tests.factories.presentations import SlotFactory
from tests.presentations.test_final_ranking import closed_fair

pytestmark = pytest.mark.django_db

VIEWER = ["view_ceremony", "view_slot", "view_presentationround"]


def staff_with(*codenames):
    user = make_organiser(f"staff{len(codenames)}-{'-'.join(codenames)[:40]}@fair.kz")
    user.groups.clear()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def pages():
    fair = closed_fair()
    ceremony = CeremonyFactory(fair=fair.fair)
    slot, other = list(Slot.objects.filter(round=fair.round).order_by("pk"))[:2]
    return {
        "final_ranking": reverse("admin:awards_ceremony_final_ranking", args=[ceremony.pk]),
        "final_protocol": reverse("admin:awards_ceremony_final_protocol", args=[ceremony.pk]),
        "jury_prizes": reverse("admin:awards_ceremony_jury_prizes", args=[ceremony.pk]),
        "schedule": reverse("admin:presentations_presentationround_schedule", args=[fair.round.pk]),
        "move": reverse("admin:presentations_slot_move", args=[slot.pk]),
        "swap": reverse("admin:presentations_slot_swap", args=[slot.pk]),
        "open": reverse("admin:presentations_presentationround_open"),
        "_other": other,
        "_slot": slot,
    }


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        ((), set()),
        (tuple(VIEWER), set()),
        ((*VIEWER, "view_final_ranking"), {"final_ranking", "final_protocol"}),
        ((*VIEWER, "add_award", "change_project_state"), set()),
        ((*VIEWER, "change_slot"), {"schedule", "move", "swap"}),
    ],
)
def test_each_page_needs_its_permission(client, pages, codenames, allowed):
    client.force_login(staff_with(*codenames))
    before = list(Slot.objects.order_by("pk").values_list("starts_at", flat=True))

    for name in ("final_ranking", "final_protocol", "jury_prizes", "schedule", "move", "swap", "open"):
        status = client.get(pages[name]).status_code
        assert (status == 200) is (name in allowed), (name, status)
        if name not in allowed:
            assert status == 403, name
    for name, data in (
        ("jury_prizes", {"place": ["1:1:1"]}),
        ("schedule", {"apply": "1", "expected": ""}),
        ("swap", {"other": pages["_other"].pk}),
        ("move", {"starts_at": "2030-01-01T10:00", "room": "X"}),
        ("open", {}),
    ):
        if name not in allowed:
            assert client.post(pages[name], data).status_code == 403, name

    assert list(Slot.objects.order_by("pk").values_list("starts_at", flat=True)) == before
    assert not Award.objects.exists()
    assert PresentationRound.objects.count() == 1


def test_a_slot_of_another_round_cannot_be_swapped_in(client, pages, organiser):
    stranger = SlotFactory()
    client.force_login(organiser)

    response = client.post(pages["swap"], {"other": stranger.pk})

    assert response.status_code == 200  # the form refuses the choice
    stranger.refresh_from_db()
    assert stranger.sequence == 0
