"""Voting rules freeze when voting opens; moving the close of voting is public and needs a reason.

The attacks these reproduce were possible through the Fair admin: an organiser ticked "live
results" during voting and the running tally was public at once, and the voting dates moved
silently.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fairportal.models import AuditEvent
from projects import services
from projects.models import Fair, FairScheduleChange
from tests.factories.accounts import UserFactory, make_superuser
from tests.factories.projects import FairFactory
from tests.race import held, started, until_someone_waits_for_a_lock

pytestmark = pytest.mark.django_db

SCHEDULE = (
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "ceremony_at",
    "archived_at",
)


def whole_seconds_now():
    return timezone.now().replace(microsecond=0)


def fair_in_voting(**kwargs) -> Fair:
    """Voting opened five days ago and closes in five days."""
    return FairFactory(opens=whole_seconds_now() - timedelta(days=55), **kwargs)


def fair_in_review(**kwargs) -> Fair:
    """Submission closed ten days ago; voting opens in ten days."""
    return FairFactory(opens=whole_seconds_now() - timedelta(days=40), **kwargs)


def change_form(fair: Fair, **overrides) -> dict:
    """The fair's change form as the admin shows it, with `overrides` typed in."""
    data = {
        "slug": fair.slug,
        "title_kk": fair.title_kk,
        "title_ru": fair.title_ru,
        "title_en": fair.title_en,
        "organiser_kk": fair.organiser_kk,
        "organiser_ru": fair.organiser_ru,
        "organiser_en": fair.organiser_en,
        "description_kk": fair.description_kk,
        "description_ru": fair.description_ru,
        "description_en": fair.description_en,
        "vote_policy": fair.vote_policy,
        "nominations-TOTAL_FORMS": 0,
        "nominations-INITIAL_FORMS": 0,
    }
    for flag in ("is_published", "live_results"):
        if getattr(fair, flag):
            data[flag] = "on"
    data["voting_channels"] = list(overrides.pop("voting_channels", fair.voting_channels))
    for name in SCHEDULE:
        value = timezone.localtime(overrides.pop(name, getattr(fair, name)))
        data[f"{name}_0"] = value.strftime("%Y-%m-%d")
        data[f"{name}_1"] = value.strftime("%H:%M:%S")
    for flag in ("is_published", "live_results"):
        if overrides.pop(flag, None) is not None:
            data[flag] = "on"
    data.update(overrides)
    return data


def change_url(fair: Fair, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("admin:projects_fair_change", args=[fair.pk])


# ---------------------------------------------------------------- the attacks, through the admin


def test_live_results_cannot_be_switched_on_once_voting_has_opened(client, superuser):
    fair = fair_in_voting(title_en="Fair 2026")
    client.force_login(superuser)

    response = client.post(change_url(fair), change_form(fair, live_results=True, title_en="Renamed fair"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This cannot change once voting has opened" in html
    assert 'value="Renamed fair"' in html  # nothing else typed is lost
    fair.refresh_from_db()
    assert fair.live_results is False
    assert fair.title_en == "Fair 2026"
    assert not fair.results_visible_at(timezone.now())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vote_policy", Fair.VotePolicy.PER_NOMINATION),
        ("voting_channels", ["sms"]),
        ("live_results", True),
        ("voting_opens_at", "later"),
    ],
)
def test_no_frozen_rule_changes_during_voting(client, superuser, field, value):
    fair = fair_in_voting()
    if value == "later":
        value = fair.voting_opens_at + timedelta(days=1)
    before = {name: getattr(fair, name) for name in services.RULES_FROZEN_WHEN_VOTING_OPENS}
    client.force_login(superuser)

    response = client.post(change_url(fair), change_form(fair, **{field: value}))

    assert response.status_code == 200
    assert "This cannot change once voting has opened" in response.content.decode()
    fair.refresh_from_db()
    assert {name: getattr(fair, name) for name in services.RULES_FROZEN_WHEN_VOTING_OPENS} == before


def test_the_refusal_is_translated(client, superuser):
    fair = fair_in_voting()
    client.force_login(superuser)

    response = client.post(change_url(fair, "ru"), change_form(fair, live_results=True))

    assert "Это нельзя изменить после начала голосования" in response.content.decode()


def test_the_rules_may_change_before_voting_opens(client, superuser):
    fair = fair_in_review()
    client.force_login(superuser)

    response = client.post(
        change_url(fair),
        change_form(fair, live_results=True, vote_policy="nomination", reason="Per nomination this year"),
    )

    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.live_results is True
    assert fair.vote_policy == Fair.VotePolicy.PER_NOMINATION
    assert not FairScheduleChange.objects.exists()


def test_the_service_refuses_a_frozen_change_whoever_calls_it(superuser):
    fair = fair_in_voting()

    with pytest.raises(ValidationError) as refused:
        services.fair_update(fair=fair, changes={"live_results": True}, actor=superuser, reason="why not")

    assert "live_results" in refused.value.message_dict
    fair.refresh_from_db()
    assert fair.live_results is False
    assert not AuditEvent.objects.filter(target_type__model="fair").exists()


def test_only_organisers_who_may_change_fairs_update_them():
    fair = fair_in_review()
    with pytest.raises(PermissionDenied):
        services.fair_update(fair=fair, changes={"title_en": "X"}, actor=UserFactory(), reason="")


def test_other_fields_still_change_during_voting(client, superuser):
    fair = fair_in_voting()
    client.force_login(superuser)

    response = client.post(change_url(fair), change_form(fair, description_en="Come and vote!"))

    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.description_en == "Come and vote!"


# ---------------------------------------------------------------- moving the close of voting


def test_moving_the_close_during_voting_needs_a_reason(client, superuser):
    fair = fair_in_voting()
    closes = fair.voting_closes_at
    client.force_login(superuser)

    response = client.post(
        change_url(fair), change_form(fair, voting_closes_at=closes + timedelta(days=2), title_en="Kept")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why the close of voting moves" in html
    assert 'value="Kept"' in html
    fair.refresh_from_db()
    assert fair.voting_closes_at == closes
    assert not FairScheduleChange.objects.exists()


def test_moving_the_close_with_a_reason_is_recorded_and_shown_on_the_fair_page(client, superuser):
    fair = fair_in_voting()
    old = fair.voting_closes_at
    new = old + timedelta(days=2)
    client.force_login(superuser)

    response = client.post(
        change_url(fair),
        change_form(fair, voting_closes_at=new, reason="The SMS gateway was down for a day."),
    )

    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.voting_closes_at == new
    change = FairScheduleChange.objects.get()
    assert (change.fair, change.field, change.old_value, change.new_value) == (
        fair,
        "voting_closes_at",
        old,
        new,
    )
    assert change.reason == "The SMS gateway was down for a day."
    assert change.actor == superuser

    client.logout()
    with translation.override("en"):
        page = client.get(reverse("catalogue:fair_detail", args=[fair.slug])).content.decode()
    assert "the organisers moved the close of voting from" in page
    assert "The SMS gateway was down for a day." in page
    local_new = timezone.localtime(new)
    assert f"{local_new:%H:%M}" in page


def test_the_close_may_be_brought_forward_to_a_later_moment_only(client, superuser):
    fair = fair_in_voting()
    closes = fair.voting_closes_at
    client.force_login(superuser)

    past = client.post(
        change_url(fair),
        change_form(fair, voting_closes_at=whole_seconds_now() - timedelta(hours=1), reason="Stop now"),
    )
    assert past.status_code == 200
    assert "The new close of voting must be in the future" in past.content.decode()
    fair.refresh_from_db()
    assert fair.voting_closes_at == closes

    sooner = client.post(
        change_url(fair),
        change_form(fair, voting_closes_at=closes - timedelta(days=2), reason="Ceremony moved up"),
    )
    assert sooner.status_code == 302
    fair.refresh_from_db()
    assert fair.voting_closes_at == closes - timedelta(days=2)


def test_the_close_is_frozen_once_voting_has_closed(client, superuser):
    fair = FairFactory(opens=whole_seconds_now() - timedelta(days=61))  # closed a day ago
    client.force_login(superuser)

    response = client.post(
        change_url(fair),
        change_form(fair, voting_closes_at=fair.voting_closes_at + timedelta(days=3), reason="More votes"),
    )

    assert response.status_code == 200
    assert "Voting has closed" in response.content.decode()
    assert not FairScheduleChange.objects.exists()


def test_before_voting_opens_the_close_moves_freely_and_privately(superuser):
    fair = fair_in_review()

    services.fair_update(
        fair=fair, changes={"voting_closes_at": fair.voting_closes_at + timedelta(days=1)}, actor=superuser
    )

    assert not FairScheduleChange.objects.exists()


def test_schedule_changes_are_never_deleted(superuser):
    fair = fair_in_voting()
    services.fair_update(
        fair=fair,
        changes={"voting_closes_at": fair.voting_closes_at + timedelta(days=1)},
        actor=superuser,
        reason="Gateway outage",
    )
    change = FairScheduleChange.objects.get()

    with pytest.raises(Exception, match="append-only"):
        FairScheduleChange.objects.filter(pk=change.pk).delete()


# ---------------------------------------------------------------- two organisers at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_organisers_moving_the_close_at_once_are_serialised_by_the_fair_row_lock():
    """The second waits for the first and records the first's new time as its "from".

    Without the lock both would read the original close, and the public page would show two
    moves from the same time, hiding the first.
    """
    first_actor = make_superuser("a@fair.kz")
    second_actor = make_superuser("b@fair.kz")
    fair = fair_in_voting()
    original = fair.voting_closes_at
    first_close, second_close = original + timedelta(days=1), original + timedelta(days=2)

    def move(close, actor, reason):
        return services.fair_update(
            fair=fair, changes={"voting_closes_at": close}, actor=actor, reason=reason
        )

    with held(lambda: move(first_close, first_actor, "One")):
        second = started(lambda: move(second_close, second_actor, "Two"))
        # Let the first commit only once the second is waiting for the fair row.
        until_someone_waits_for_a_lock()
    second.result(timeout=30)

    changes = list(FairScheduleChange.objects.order_by("at", "id").values_list("old_value", "new_value"))
    assert changes == [(original, first_close), (first_close, second_close)]
    fair.refresh_from_db()
    assert fair.voting_closes_at == second_close
