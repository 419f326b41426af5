"""Log-ins and staff permission changes in the audit trail, and the trail's CSV export.

Before: who logged in to the admin, who failed, who made whom staff and which permissions a
group gained left no record; the trail could be read but not taken away for an inquiry.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation

from fairportal import audit
from fairportal.models import AuditEvent
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def events(action: str, about=None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action=action).order_by("pk")
    return list(found.filter(target_id=str(about.pk)) if about is not None else found)


# ---------------------------------------------------------------- log-ins


def test_a_staff_log_in_is_recorded(client, organiser):
    response = client.post(en("accounts:login"), {"username": "organiser@fair.kz", "password": PASSWORD})

    assert response.status_code == 302
    (event,) = events("login.succeeded")
    assert (event.actor, event.target_id) == (organiser, str(organiser.pk))
    assert event.ip_network == "127.0.0.0/24"


def test_a_failed_staff_log_in_is_recorded_without_the_password(client, organiser):
    client.post("/en/admin/login/", {"username": "Organiser@Fair.kz", "password": "Wrong-Secret-42"})

    (event,) = events("login.failed")
    assert event.actor is None
    assert (event.target_id, event.target_label) == (str(organiser.pk), "organiser@fair.kz")
    stored = " ".join(str(value) for value in AuditEvent.objects.values_list())
    assert "Wrong-Secret-42" not in stored
    assert "127.0.0.1" not in stored  # the network only


def test_log_ins_of_ngo_members_and_unknown_addresses_are_not_recorded(client):
    member = UserFactory(email="fund@ngo.kz")
    member.set_password(PASSWORD)
    member.save()

    client.post(en("accounts:login"), {"username": "fund@ngo.kz", "password": PASSWORD})
    client.post(en("accounts:login"), {"username": "my-password-typed-here", "password": "x"})

    assert not AuditEvent.objects.filter(action__startswith="login.").exists()


# ---------------------------------------------------------------- permissions


def user_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "wants_organiser_mail": "on",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_making_someone_staff_and_an_organiser_is_recorded_with_who_did_it(client, superuser):
    person = UserFactory(email="new@fair.kz")
    organisers = Group.objects.get(name="Organisers")
    client.force_login(superuser)

    response = client.post(
        en("admin:accounts_user_change", person.pk), user_form(person, is_staff="on", groups=[organisers.pk])
    )

    assert response.status_code == 302
    (flags,) = events("user.flags_changed", about=person)
    assert (flags.actor, flags.target_id) == (superuser, str(person.pk))
    assert flags.details == {"changes": {"is_staff": [False, True]}}
    (groups,) = events("user.groups_changed", about=person)
    assert (groups.actor, groups.target_id, groups.details) == (
        superuser,
        str(person.pk),
        {"added": ["Organisers"]},
    )


def test_removing_a_group_and_granting_a_permission_are_recorded(client, superuser, organiser):
    permission = Permission.objects.get(codename="view_auditevent")
    client.force_login(superuser)

    client.post(
        en("admin:accounts_user_change", organiser.pk),
        user_form(organiser, is_staff="on", groups=[], user_permissions=[permission.pk]),
    )

    (groups,) = events("user.groups_changed", about=organiser)[1:]  # [0]: the fixture's own
    assert (groups.actor, groups.details) == (superuser, {"removed": ["Organisers"]})
    (granted,) = events("user.permissions_changed")
    assert (granted.actor, granted.details) == (superuser, {"added": ["fairportal.view_auditevent"]})


def test_a_groups_permissions_changed_in_the_admin_are_recorded(client, superuser):
    group = Group.objects.create(name="Observers")
    permission = Permission.objects.get(codename="view_auditevent")
    client.force_login(superuser)

    response = client.post(
        en("admin:auth_group_change", group.pk), {"name": "Observers", "permissions": [permission.pk]}
    )

    assert response.status_code == 302
    (event,) = events("group.permissions_changed")
    assert (event.actor, event.target_label, event.details) == (
        superuser,
        "Observers",
        {"added": ["fairportal.view_auditevent"]},
    )


def test_a_change_from_a_shell_is_recorded_without_an_actor():
    person = UserFactory(email="shell@fair.kz")

    person.is_superuser = True
    person.save()

    (event,) = events("user.flags_changed")
    assert event.actor is None
    assert event.details == {"changes": {"is_superuser": [False, True]}}


# ---------------------------------------------------------------- the export


def exported(response) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )


def test_the_csv_export_holds_the_filtered_events_and_is_recorded(client, superuser, organiser):
    fair, other = FairFactory(), FairFactory()
    audit.record(actor=organiser, action="export.projects", fair_id=fair.pk, reason="for the jury")
    audit.record(actor=organiser, action="vote.invalidated", fair_id=fair.pk, reason="bots")
    audit.record(actor=superuser, action="export.projects", fair_id=other.pk, reason="elsewhere")
    client.force_login(superuser)

    response = client.get(
        en("admin:fairportal_auditevent_export_csv") + f"?fair_id={fair.pk}&action=export.projects"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = exported(response)
    assert rows[0][:3] == ["When", "By", "Action"]
    assert [(row[1], row[2], row[8]) for row in rows[1:]] == [
        ("organiser@fair.kz", "Projects exported", "for the jury")
    ]
    (event,) = events("export.audit")
    assert (event.actor, event.fair_id) == (superuser, fair.pk)
    assert event.details == {
        "format": "csv",
        "filters": f"fair_id={fair.pk}&action=export.projects",
        "events": 1,
    }


def test_the_changelist_offers_the_export_with_its_filters(client, superuser):
    client.force_login(superuser)

    html = client.get(
        en("admin:fairportal_auditevent_changelist") + "?action=login.succeeded"
    ).content.decode()

    assert en("admin:fairportal_auditevent_export_csv") + "?action=login.succeeded" in html


def test_the_export_is_for_those_who_may_read_the_trail(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(en("admin:fairportal_auditevent_export_csv")).status_code == 403
    assert not events("export.audit")


def test_nobody_may_delete_events_from_the_admin(client, superuser):
    event = audit.record(actor=superuser, action="export.projects")
    client.force_login(superuser)

    assert client.post(en("admin:fairportal_auditevent_delete", event.pk), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_granting_many_permissions_costs_the_same_queries_as_granting_few(django_assert_max_num_queries):
    few, many = Group.objects.create(name="Few"), Group.objects.create(name="Many")
    permissions = list(Permission.objects.order_by("pk")[:60])
    with django_assert_max_num_queries(12) as counted:
        few.permissions.add(*permissions[:2])
    with django_assert_max_num_queries(len(counted.captured_queries)):
        many.permissions.add(*permissions)
    (event,) = events("group.permissions_changed", about=many)
    assert len(event.details["added"]) == 60


def test_a_log_in_of_a_staff_member_costs_no_flag_lookup_and_records_no_flag_change(
    django_assert_num_queries,
):
    person = UserFactory(email="staff@fair.kz", is_staff=True)  # recorded once, as created
    person.last_login = timezone.now()

    with django_assert_num_queries(1):  # the UPDATE alone
        person.save(update_fields=["last_login"])

    assert len(events("user.flags_changed", about=person)) == 1
