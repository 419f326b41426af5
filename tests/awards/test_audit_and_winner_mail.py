"""Awards in the audit trail, and the winners' e-mail that says what they won.

Before: giving and revoking awards and publishing the ceremony left no audit event, and the
winner's e-mail said only "Was: finalist. Now: winner." — no prize, grant, ceremony or certificate.
"""

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from awards import services
from awards.models import Award, AwardKind
from fairportal.models import AuditEvent
from projects.models import ProjectState
from tests.awards.test_awards import finalist, give
from tests.factories.accounts import UserFactory
from tests.factories.awards import CeremonyFactory
from tests.factories.projects import MembershipFactory

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def winner_with_member(ceremony, nomination, language: str):
    project = finalist(ceremony.fair, nomination, "Инклюзивная мастерская")
    MembershipFactory(
        organisation=project.organisation, user=UserFactory(email="ngo@ngo.kz", language=language)
    )
    return project


@pytest.mark.parametrize(
    ("language", "grant", "place", "kind_word", "nomination_word", "ceremony_words"),
    [
        (
            "ru",
            "Грант: 3 000 000 тенге",
            "1-е место",
            "Приз жюри",
            "Номинация: Инвалидность",
            "Дворец Республики, Алматы",
        ),
        (
            "kk",
            "Грант: 3 000 000 теңге",
            "1-орын",
            "Қазылар",
            "Номинация: Мүгедектік",
            "Республика сарайы, Алматы",
        ),
    ],
)
def test_the_winners_mail_names_the_award_grant_ceremony_and_certificate(
    ceremony,
    nomination,
    organiser,
    django_capture_on_commit_callbacks,
    language,
    grant,
    place,
    kind_word,
    nomination_word,
    ceremony_words,
):
    project = winner_with_member(ceremony, nomination, language)

    with django_capture_on_commit_callbacks(execute=True):
        award = give(ceremony, project, organiser, nomination=nomination, place=1, grant_amount=3_000_000)

    (message,) = mail.outbox
    assert message.to == ["ngo@ngo.kz"]
    body = message.body.replace("\xa0", " ")  # digits are grouped with no-break spaces
    assert project.title in message.subject
    assert getattr(award, f"title_{language}") in body
    assert kind_word in body
    assert place in body
    assert nomination_word in body
    assert grant in body
    assert ceremony_words in body
    with translation.override(language):
        held = date_format(timezone.localtime(ceremony.held_at), "DATETIME_FORMAT")
    assert held.replace("\xa0", " ") in body
    assert f"/{language}/awards/{award.pk}/certificate.pdf" in body
    assert f"/{language}/c/{award.verification_code}/" in body
    assert "Was:" not in body
    assert "Было:" not in body


def test_publishing_the_ceremony_mails_each_winner_once_and_is_recorded(
    fair,
    nomination,
    organiser,
    django_capture_on_commit_callbacks,
):
    unpublished = CeremonyFactory(fair=fair)
    project = winner_with_member(unpublished, nomination, "en")
    with django_capture_on_commit_callbacks(execute=True):
        give(unpublished, project, organiser, kind=AwardKind.GRANT, grant_amount=500_000)
        give(unpublished, project, organiser, kind=AwardKind.SPECIAL_MENTION, title_en="Special mention")
    assert mail.outbox == []  # nothing announced before the organisers do

    with django_capture_on_commit_callbacks(execute=True):
        made = services.ceremony_publish(ceremony=unpublished, actor=organiser)

    assert made == 1
    project.refresh_from_db()
    assert project.state == ProjectState.AWARDED
    (message,) = mail.outbox
    assert "Grant: 500,000\xa0KZT" in message.body  # one currency word per language: KZT in English
    assert "Special mention" in message.body
    assert message.body.count("certificate.pdf") == 2
    (event,) = events("ceremony.published")
    assert (event.actor, event.fair_id, event.details) == (organiser, fair.pk, {"winners": 1})
    assert len(events("award.given")) == 2


def test_giving_and_revoking_an_award_are_recorded(ceremony, nomination, organiser):
    project = finalist(ceremony.fair, nomination, "A")
    award = give(ceremony, project, organiser, nomination=nomination, place=2, grant_amount=1_000)

    (given,) = events("award.given")
    assert (given.actor, given.fair_id, given.target_id) == (organiser, ceremony.fair_id, str(award.pk))
    assert given.details == {
        "project": project.pk,
        "kind": "jury",
        "place": 2,
        "nomination": nomination.pk,
        "grant_amount": 1000,
    }

    services.award_revoke(award=Award.objects.get(pk=award.pk), actor=organiser)

    (revoked,) = events("award.revoked")
    assert (revoked.actor, revoked.fair_id, revoked.target_id) == (organiser, ceremony.fair_id, str(award.pk))
    assert revoked.target_label  # the award's name survives its deletion


def test_participant_awards_are_recorded_once(ceremony, nomination, organiser):
    finalist(ceremony.fair, nomination, "A")
    finalist(ceremony.fair, nomination, "B")

    services.award_participants(ceremony=ceremony, actor=organiser)

    (event,) = events("award.participants_given")
    assert (event.actor, event.fair_id, event.details) == (organiser, ceremony.fair_id, {"awards": 2})
