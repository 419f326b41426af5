"""Mails that tell people what happened: NGO owners when a member joins, organisers the day's
new submissions (once a day), and the fair's publishing in the audit trail.

Before: an owner learnt of a new member only by looking, organisers had to check the admin
for new submissions, and publishing a fair was recorded as any other rule change.
"""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from fairportal.models import AuditEvent, OutgoingMail
from projects import services
from projects.models import Membership, OrganiserDigest, ProjectState
from tests.factories.accounts import UserFactory, make_organiser
from tests.factories.projects import FairFactory, MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- a member joins


def test_the_owners_are_told_when_a_member_joins(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Қамқор")
    MembershipFactory(organisation=organisation, user=UserFactory(email="owner@ngo.kz", language="ru"))
    MembershipFactory(
        organisation=organisation, user=UserFactory(email="member@ngo.kz"), role=Membership.Role.MEMBER
    )
    invitation = services.invitation_create(
        organisation=organisation,
        email="new@ngo.kz",
        invited_by=organisation.members.get(email="owner@ngo.kz"),
    )
    mail.outbox.clear()
    newcomer = UserFactory(email="new@ngo.kz", full_name="Дана Ахметова")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(invitation=invitation, user=newcomer)

    (message,) = mail.outbox  # the owner only: not the other member, not the newcomer
    assert message.to == ["owner@ngo.kz"]
    assert message.subject == "В организацию «Қамқор» вступил новый участник"
    assert "Дана Ахметова (new@ngo.kz)" in message.body
    with translation.override("ru"):
        assert reverse("projects:organisation_detail", args=[organisation.pk]) in message.body


# ---------------------------------------------------------------- the organisers' digest


@pytest.fixture
def submissions():
    fair = FairFactory(title_kk="Алматы жәрмеңкесі", title_ru="Алматинская ярмарка", title_en="Almaty fair")
    now = timezone.now()
    recent = [
        ProjectFactory(
            fair=fair, state=ProjectState.SUBMITTED, submitted_at=now - timedelta(hours=h), title=t
        )
        for h, t in ((2, "Таза ауа"), (5, "Инклюзивная мастерская"))
    ]
    ProjectFactory(
        fair=fair, state=ProjectState.SUBMITTED, submitted_at=now - timedelta(days=3), title="Old one"
    )
    ProjectFactory(fair=fair, title="A draft")
    return fair, recent


def test_the_digest_lists_new_submissions_in_each_organisers_language(
    submissions, django_capture_on_commit_callbacks
):
    _fair, recent = submissions
    make_organiser("kk@fair.kz", language="kk")
    make_organiser("ru@fair.kz", language="ru")
    make_organiser("quiet@fair.kz", wants_organiser_mail=False)
    make_organiser("gone@fair.kz", is_active=False)
    UserFactory(email="ngo@ngo.kz")  # not an organiser

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_organiser_digest", stdout=io.StringIO())

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["kk@fair.kz", "ru@fair.kz"]
    ru = by_address["ru@fair.kz"]
    assert ": 2 новые заявки" in ru.subject
    assert "Алматинская ярмарка: 2" in ru.body
    assert "Таза ауа" in ru.body
    assert "Инклюзивная мастерская" in ru.body
    assert "Old one" not in ru.body
    assert "A draft" not in ru.body
    assert f"/admin/projects/project/{recent[0].pk}/change/" in ru.body
    kk = by_address["kk@fair.kz"]
    assert "2 жаңа өтінім" in kk.subject
    assert "Алматы жәрмеңкесі: 2" in kk.body


def test_a_second_run_the_same_day_sends_nothing(submissions, django_capture_on_commit_callbacks):
    make_organiser("kk@fair.kz")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.organiser_digest_send() == 1
        assert services.organiser_digest_send() == 0

    assert len(mail.outbox) == 1
    assert OrganiserDigest.objects.get().submissions == 2


def test_the_next_days_digest_starts_where_the_last_one_ended(submissions):
    fair, _recent = submissions
    make_organiser("kk@fair.kz")
    services.organiser_digest_send()
    tomorrow = timezone.now() + timedelta(days=1)
    ProjectFactory(
        fair=fair, state=ProjectState.SUBMITTED, submitted_at=tomorrow - timedelta(hours=1), title="Жаңа"
    )

    assert services.organiser_digest_send(now=tomorrow) == 1

    latest = OutgoingMail.objects.filter(template="projects/email/organiser_digest").order_by("-pk").first()
    assert latest.context["total"] == 1  # the day before's two are not sent again


def test_a_quiet_day_mails_nobody_but_counts_as_sent(django_capture_on_commit_callbacks):
    make_organiser("kk@fair.kz")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.organiser_digest_send() == 0

    assert mail.outbox == []
    assert OrganiserDigest.objects.get().submissions == 0


# ---------------------------------------------------------------- publishing


def test_publishing_and_unpublishing_a_fair_are_recorded_as_such():
    fair = FairFactory(is_published=False, opens=timezone.now() + timedelta(days=5))
    admin = UserFactory(is_staff=True, is_superuser=True)

    services.fair_update(fair=fair, changes={"is_published": True}, actor=admin)
    services.fair_update(fair=fair, changes={"is_published": False}, actor=admin)

    published, unpublished = AuditEvent.objects.filter(
        action__in=["fair.published", "fair.unpublished"]
    ).order_by("pk")
    assert (published.action, published.actor, published.fair_id) == ("fair.published", admin, fair.pk)
    assert published.details["changes"] == {"is_published": [False, True]}
    assert unpublished.action == "fair.unpublished"


def test_a_submission_stamped_just_before_a_digest_is_in_the_next_one(submissions):
    """Its transaction may commit after the digest read the table: it must not fall between two."""
    fair, _recent = submissions
    make_organiser("kk@fair.kz")
    now = timezone.now()
    ProjectFactory(
        fair=fair, state=ProjectState.SUBMITTED, submitted_at=now - timedelta(seconds=1), title="Late"
    )

    services.organiser_digest_send(now=now)
    services.organiser_digest_send(now=now + timedelta(days=1))

    first, second = OutgoingMail.objects.filter(template="projects/email/organiser_digest").order_by("pk")
    assert first.context["total"] == 2  # the two of the fixture, not the late one yet
    assert second.context["total"] == 1  # the late one, once
