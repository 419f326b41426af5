"""A review's criteria, edited in its admin inline, go through `jury.services.criterion_save` /
`criterion_delete`: a scored criterion keeps its scale and cannot be deleted, and the form says
so with everything typed kept."""

import pytest

from fairportal.models import AuditEvent
from jury import services
from jury.models import Criterion
from tests.factories.jury import score
from tests.jury.test_audit_and_mail import review_form
from tests.jury.test_pages import url

pytestmark = pytest.mark.django_db


def criteria_errors(response) -> list[str]:
    """The errors the admin lists at the top of the page (those of the criteria's rows)."""
    return [str(error) for error in response.context["errors"]]


def test_a_scored_criterion_is_not_deleted_and_the_form_says_why(
    client, review, criteria, projects, juror, organiser
):
    score(juror, projects[0], criteria, 7, 6, 4)
    organiser.user_permissions.add(*_delete_criterion())
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_change", review.pk),
        review_form(review, criteria, **{"criteria-0-title_en": "Typed"}) | {"criteria-1-DELETE": "on"},
    )

    assert response.status_code == 200
    assert criteria_errors(response) == ["Jurors have already scored “Innovation”: it cannot be deleted."]
    assert "Jurors have already scored" in response.content.decode()
    assert Criterion.objects.filter(pk=criteria[1].pk).exists()
    assert 'value="Typed"' in response.content.decode()  # what was typed stays
    criteria[0].refresh_from_db()
    assert criteria[0].title_en == "Significance"


def test_the_scored_criterion_error_is_translated(client, review, criteria, projects, juror, organiser):
    score(juror, projects[0], criteria, 7, 6, 4)
    organiser.user_permissions.add(*_delete_criterion())
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_change", review.pk, language="ru"),
        review_form(review, criteria) | {"criteria-1-DELETE": "on"},
    )

    (error,) = criteria_errors(response)
    assert "Jurors" not in error


def test_the_service_refuses_to_delete_a_scored_criterion(review, criteria, projects, juror, organiser):
    score(juror, projects[0], criteria, 7, 6, 4)
    organiser.user_permissions.add(*_delete_criterion())

    with pytest.raises(services.ValidationError):
        services.criterion_delete(criterion=criteria[1], actor=organiser)


def test_the_scale_of_a_scored_criterion_stays(client, review, criteria, projects, juror, organiser):
    score(juror, projects[0], criteria, 7, 6, 4)
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_change", review.pk),
        review_form(review, criteria, **{"criteria-1-scale_max": "5"}),
    )

    assert response.status_code == 200
    criteria[1].refresh_from_db()
    assert criteria[1].scale_max == 10


def test_an_unscored_criterion_is_deleted_and_recorded_once(client, review, criteria, organiser):
    organiser.user_permissions.add(*_delete_criterion())
    client.force_login(organiser)

    response = client.post(
        url("admin:jury_review_change", review.pk),
        review_form(review, criteria) | {"criteria-2-DELETE": "on"},
    )

    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=criteria[2].pk).exists()
    (event,) = AuditEvent.objects.filter(action="criterion.changed")
    assert (event.target_id, event.details, event.fair_id) == (
        str(criteria[2].pk),
        {"change": "deleted"},
        review.fair_id,
    )


def test_criteria_need_the_permission(criteria):
    from tests.factories.accounts import UserFactory

    with pytest.raises(services.PermissionDenied):
        services.criterion_save(criterion=criteria[0], actor=UserFactory(is_staff=True))


def _delete_criterion():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="delete_criterion")
