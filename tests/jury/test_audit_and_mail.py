"""The jury's acts in the audit trail, and the mails they send: organisers when a juror
finishes, jurors when the organisers move the scoring window.

Before: inviting, recusing, finalising and applying the shortlist left no audit event, a
finished juror told nobody, and a moved window reached the jurors only if they looked.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from fairportal.models import AuditEvent
from jury import services
from tests.factories.jury import score
from tests.jury.test_pages import url

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_inviting_a_juror_is_recorded_once(review, organiser, nominations):
    juror = services.juror_invite(
        review=review,
        email="expert@mail.kz",
        full_name="Бауыржан Оспанов",
        language="ru",
        nominations=[nominations[0]],
        invited_by=organiser,
    )

    (event,) = events("juror.invited")
    assert (event.actor, event.fair_id, event.target_id) == (organiser, review.fair_id, str(juror.pk))
    assert event.details == {"nominations": [nominations[0].pk]}


def test_a_recusal_is_recorded_with_its_reason_by_the_juror(review, projects, criteria, juror):
    services.recusal_declare(juror=juror, project=projects[0], reason="My sister runs this NGO")

    (event,) = events("recusal.declared")
    assert (event.actor, event.fair_id, event.target_id) == (juror.user, review.fair_id, str(projects[0].pk))
    assert event.reason == "My sister runs this NGO"


def test_a_saved_evaluation_is_recorded_without_its_scores(review, projects, criteria, juror):
    score(juror, projects[0], criteria, 8, 6, 5)

    (event,) = events("evaluation.saved")
    assert (event.actor, event.target_id) == (juror.user, str(projects[0].pk))
    assert event.details == {"juror": juror.pk}  # the trail is read by organisers without the ranking


def test_finalising_is_recorded_and_the_organisers_are_told(
    review, projects, criteria, juror, organiser, django_capture_on_commit_callbacks
):
    organiser.language = "ru"
    organiser.save()
    for project in projects:
        score(juror, project, criteria, 8, 6, 5)

    with django_capture_on_commit_callbacks(execute=True):
        services.juror_finalise(juror=juror)

    (event,) = events("juror.finalised")
    assert (event.actor, event.fair_id, event.target_id) == (juror.user, review.fair_id, str(juror.pk))
    (message,) = mail.outbox
    assert message.to == ["organiser@fair.kz"]
    assert "Айжан Серікқызы" in message.subject
    assert review.fair.title_ru in message.subject
    assert "завершил(а) оценку" in message.subject  # in the organiser's language
    assert "оценил(а) все назначенные проекты" in message.body
    assert f"/admin/jury/review/{review.pk}/ranking/" in message.body


def test_an_organiser_who_opted_out_gets_no_notice(
    review, projects, criteria, juror, organiser, django_capture_on_commit_callbacks
):
    organiser.wants_organiser_mail = False
    organiser.save()
    for project in projects:
        score(juror, project, criteria, 8, 6, 5)

    with django_capture_on_commit_callbacks(execute=True):
        services.juror_finalise(juror=juror)

    assert mail.outbox == []


def test_applying_the_shortlist_is_recorded_with_its_rule(review, projects, criteria, juror, organiser):
    score(juror, projects[0], criteria, 9, 9, 5)
    score(juror, projects[1], criteria, 5, 5, 3)
    preview = services.shortlist_preview(review=review, top_n=1, per_nomination=False, include_ties=False)

    services.shortlist_apply(
        review=review,
        top_n=1,
        per_nomination=False,
        include_ties=False,
        expected_ids=preview.selected_ids,
        others_not_selected=False,
        actor=organiser,
    )

    (event,) = events("shortlist.applied")
    assert (event.actor, event.fair_id) == (organiser, review.fair_id)
    assert event.details["top_n"] == 1
    assert event.details["finalists"] == [projects[0].pk]


def whole_seconds(review):
    """The admin's form has no microseconds: a factory's window would look changed."""
    review.opens_at = review.opens_at.replace(microsecond=0)
    review.closes_at = review.closes_at.replace(microsecond=0)
    type(review).objects.filter(pk=review.pk).update(opens_at=review.opens_at, closes_at=review.closes_at)


def review_form(review, criteria, **overrides) -> dict:
    whole_seconds(review)
    local = timezone.localtime
    opens = overrides.get("opens_at", review.opens_at)
    closes = overrides.get("closes_at", review.closes_at)
    data = {
        "opens_at_0": local(opens).strftime("%Y-%m-%d"),
        "opens_at_1": local(opens).strftime("%H:%M:%S"),
        "closes_at_0": local(closes).strftime("%Y-%m-%d"),
        "closes_at_1": local(closes).strftime("%H:%M:%S"),
        "protocol_public": review.protocol_public,
        "normalisation": review.normalisation,
        "reading": review.reading,
        "readers_per_project": str(review.readers_per_project),
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
    }
    for index, criterion in enumerate(criteria):
        for field in ("title_kk", "title_ru", "title_en", "weight", "scale_max", "position"):
            data[f"criteria-{index}-{field}"] = str(
                overrides.get(f"criteria-{index}-{field}", getattr(criterion, field))
            )
        data[f"criteria-{index}-id"] = str(criterion.pk)
        data[f"criteria-{index}-review"] = str(review.pk)
        data[f"criteria-{index}-allow_cannot_assess"] = "on" if criterion.allow_cannot_assess else ""
    return data


def test_moving_the_window_in_the_admin_is_recorded_and_each_juror_is_told(
    client, review, criteria, juror, organiser, django_capture_on_commit_callbacks
):
    juror.user.language = "kk"
    juror.user.save()
    old_closes = review.closes_at
    new_closes = (review.closes_at - timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("admin:jury_review_change", review.pk), review_form(review, criteria, closes_at=new_closes)
        )

    assert response.status_code == 302
    (event,) = events("review.changed")
    assert (event.actor, event.fair_id, event.target_id) == (organiser, review.fair_id, str(review.pk))
    assert list(event.details["changes"]) == ["closes_at"]
    assert event.details["change"] == "changed"
    (message,) = [m for m in mail.outbox if juror.user.email in m.to]
    assert review.fair.title_kk in message.subject
    shown = timezone.localtime(new_closes)
    assert f"{shown:%H:%M}" in message.body
    assert (
        f"{timezone.localtime(old_closes):%H:%M}" in message.body
        or str(timezone.localtime(old_closes).year) in message.body
    )
    assert "/kk/jury/" in message.body


def test_a_changed_criterion_weight_is_recorded_old_and_new(client, review, criteria, organiser):
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_change", review.pk),
        review_form(review, criteria, **{"criteria-1-weight": "3"}),
    )

    assert response.status_code == 302
    (event,) = events("criterion.changed")
    assert (event.actor, event.fair_id, event.target_id) == (organiser, review.fair_id, str(criteria[1].pk))
    assert list(event.details["changes"]) == ["weight"]
    assert [Decimal(value) for value in event.details["changes"]["weight"]] == [1, 3]
    assert not events("review.changed")


def test_downloading_the_commission_protocol_is_recorded(client, review, organiser):
    client.force_login(organiser)

    response = client.get(url("admin:jury_review_protocol", review.pk, "ru"))

    assert response.status_code == 200
    (event,) = events("export.protocol")
    assert (event.actor, event.fair_id, event.details) == (organiser, review.fair_id, {"language": "ru"})
