"""The fair's nominations and the NGO's memberships, edited in their admin inlines, go through
`projects.services` (`nomination_save` / `nomination_delete`, `membership_save` /
`membership_remove`): refusals show on the form with everything typed kept."""

import pytest
from django.utils import timezone, translation

from fairportal.models import AuditEvent
from projects import services
from projects.models import Membership, Nomination
from projects.selectors import SCHEDULE_FIELDS
from tests.factories.accounts import UserFactory, make_superuser
from tests.factories.projects import (
    FairFactory,
    MembershipFactory,
    NominationFactory,
    OrganisationFactory,
    ProjectFactory,
)
from tests.projects.test_admin import admin_url, change_form_data
from tests.race import at_once

pytestmark = pytest.mark.django_db


def fair_form_data(client, url) -> dict:
    """The fair's change form as a browser posts it back (its dates split in two inputs)."""
    response = client.get(url)
    data = change_form_data(response)
    fair = response.context["adminform"].form.instance
    for name in SCHEDULE_FIELDS:
        data.pop(name, None)
        local = timezone.localtime(getattr(fair, name))
        data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    return data


def inline_errors(response, prefix: str) -> list[str]:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            formset = inline.formset
            return [
                *formset.non_form_errors(),
                *(e for form in formset.forms for e in form.non_field_errors()),
            ]
    raise AssertionError(prefix)


# ---------------------------------------------------------------- nominations


def test_a_nomination_with_projects_is_not_deleted_and_the_form_says_why(client, superuser):
    fair = FairFactory(title_en="Old title")
    nomination = NominationFactory(fair=fair, title_en="Health")
    ProjectFactory(fair=fair, nomination=nomination)
    client.force_login(superuser)
    url = admin_url("projects_fair_change", fair.pk)
    data = fair_form_data(client, url)
    data.update({"nominations-0-DELETE": "on", "title_en": "New title"})

    response = client.post(url, data)

    assert response.status_code == 200
    (error,) = inline_errors(response, "nominations")
    assert "Health" in error
    assert "1 project" in error
    assert error in response.content.decode()
    assert Nomination.objects.filter(pk=nomination.pk).exists()
    fair.refresh_from_db()
    assert fair.title_en == "Old title"
    assert response.context["adminform"].form["title_en"].value() == "New title"  # kept


def test_the_nomination_error_is_translated(client, superuser):
    fair = FairFactory()
    nomination = NominationFactory(fair=fair)
    ProjectFactory(fair=fair, nomination=nomination)
    client.force_login(superuser)
    url = admin_url("projects_fair_change", fair.pk, lang="ru")
    data = fair_form_data(client, url)
    data["nominations-0-DELETE"] = "on"

    response = client.post(url, data)

    (error,) = inline_errors(response, "nominations")
    assert "project" not in error
    assert "проект" in error


def test_the_service_refuses_to_delete_a_nomination_in_use(superuser):
    nomination = NominationFactory()
    ProjectFactory(fair=nomination.fair, nomination=nomination)

    with pytest.raises(services.ValidationError):
        services.nomination_delete(nomination=nomination, actor=superuser)

    assert Nomination.objects.filter(pk=nomination.pk).exists()


def test_a_nomination_edited_and_deleted_in_the_admin_is_recorded_once_each(client, superuser):
    fair = FairFactory()
    kept = NominationFactory(fair=fair, title_en="Health", position=1)
    gone = NominationFactory(fair=fair, title_en="Unused", position=2)
    client.force_login(superuser)
    url = admin_url("projects_fair_change", fair.pk)
    data = fair_form_data(client, url)
    data.update({"nominations-0-title_en": "Health and sport", "nominations-1-DELETE": "on"})

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(fair.nominations.values_list("title_en", flat=True)) == ["Health and sport"]
    events = AuditEvent.objects.filter(action="nomination.changed").order_by("pk")
    assert [(e.target_id, e.details["change"]) for e in events] == [
        (str(kept.pk), "changed"),
        (str(gone.pk), "deleted"),
    ]
    assert events[0].details["changes"] == {"title_en": ["Health", "Health and sport"]}
    assert {e.fair_id for e in events} == {fair.pk}
    assert {e.actor for e in events} == {superuser}


def test_nominations_need_the_permission(organiser):
    nomination = NominationFactory()
    someone = UserFactory(is_staff=True)
    nomination.title_en = "Changed"

    with pytest.raises(services.PermissionDenied):
        services.nomination_save(nomination=nomination, actor=someone)
    with pytest.raises(services.PermissionDenied):
        services.nomination_delete(nomination=nomination, actor=someone)

    services.nomination_save(nomination=nomination, actor=organiser)
    nomination.refresh_from_db()
    assert nomination.title_en == "Changed"


# ---------------------------------------------------------------- memberships


def membership_change(client, user, organisation, lang="en", **changes):
    client.force_login(user)
    url = admin_url("projects_organisation_change", organisation.pk, lang=lang)
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_the_last_owner_of_an_ngo_cannot_be_removed_in_the_admin(client, superuser):
    organisation = OrganisationFactory(name="Old name")
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)
    MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)

    response = membership_change(
        client, superuser, organisation, **{"memberships-0-DELETE": "on", "name": "New name"}
    )

    assert response.status_code == 200
    (error,) = inline_errors(response, "memberships")
    assert error == "An NGO needs at least one owner: make another member an owner first."
    assert error in response.content.decode()
    assert Membership.objects.filter(pk=owner.pk).exists()
    organisation.refresh_from_db()
    assert organisation.name == "Old name"
    assert response.context["adminform"].form["name"].value() == "New name"


def test_the_last_owner_cannot_be_made_a_member(client, superuser):
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)

    response = membership_change(
        client, superuser, organisation, lang="kk", **{"memberships-0-role": "member"}
    )

    assert response.status_code == 200
    (error,) = inline_errors(response, "memberships")
    assert "owner" not in error  # in Kazakh
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER


def test_ownership_is_handed_over_in_one_save(client, superuser):
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    rows = {m.pk: i for i, m in enumerate(organisation.memberships.order_by("pk"))}

    response = membership_change(
        client,
        superuser,
        organisation,
        **{f"memberships-{rows[member.pk]}-role": "owner", f"memberships-{rows[owner.pk]}-DELETE": "on"},
    )

    assert response.status_code == 302
    assert list(organisation.memberships.values_list("user_id", "role")) == [(member.user_id, "owner")]
    events = AuditEvent.objects.filter(action="membership.changed").order_by("pk")
    assert [e.details["change"] for e in events] == ["changed", "deleted"]


def test_the_service_refuses_to_remove_the_last_owner(superuser):
    owner = MembershipFactory(role=Membership.Role.OWNER)

    with pytest.raises(services.ValidationError):
        services.membership_remove(membership=owner, actor=superuser)

    assert Membership.objects.filter(pk=owner.pk).exists()


def test_memberships_need_the_permission():
    owner = MembershipFactory(role=Membership.Role.OWNER)
    MembershipFactory(organisation=owner.organisation, role=Membership.Role.OWNER)
    someone = UserFactory(is_staff=True)

    with translation.override("en"), pytest.raises(services.PermissionDenied):
        services.membership_remove(membership=owner, actor=someone)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_organisers_removing_an_ngos_two_owners_at_once_leave_one():
    """Each removal alone keeps an owner; together they would not. The NGO's row lock makes the
    second one see the first, so exactly one succeeds."""
    actor = make_superuser("organiser@fair.kz")
    organisation = OrganisationFactory()
    owners = MembershipFactory.create_batch(2, organisation=organisation, role=Membership.Role.OWNER)

    outcomes = at_once(
        lambda membership: services.membership_remove(membership=membership, actor=actor),
        [(owner,) for owner in owners],
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "ValidationError"]
    assert organisation.memberships.filter(role=Membership.Role.OWNER).count() == 1
