"""Attack: an organiser's correction moves a finalist into another fair.

`project_correct` saves whatever the admin's form changed, the fair included. A finalist moved to
another fair after the close left its votes behind (they belong to the old fair), so the old
fair's results lost it without an invalidation or any trace, while the new fair gained a
finalist no jury of it had scored; its evaluations and awards pointed across fairs.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Project, ProjectState
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from tests.projects.test_admin import change_form_data
from voting import selectors as voting_selectors

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_to_move_a_voted_finalist_into_another_fair(client, organiser):
    finalist = ProjectFactory(state=ProjectState.FINALIST)
    VoteFactory(project=finalist)
    elsewhere = FairFactory()
    nomination = NominationFactory(fair=elsewhere)
    client.force_login(organiser)
    with translation.override("en"):
        url = reverse("admin:projects_project_change", args=[finalist.pk])
    data = change_form_data(client.get(url))
    data.update(fair=elsewhere.pk, nomination=nomination.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "A submitted project stays in its fair" in " ".join(
        response.context["adminform"].form.non_field_errors()
    )
    finalist.refresh_from_db()
    assert finalist.fair_id != elsewhere.pk
    assert [(project.pk, project.valid_votes) for project in voting_selectors.tally(finalist.fair)] == [
        (finalist.pk, 1)
    ]


@pytest.mark.parametrize(
    "state", [ProjectState.SUBMITTED, ProjectState.FINALIST, ProjectState.NOT_SELECTED, ProjectState.AWARDED]
)
def test_the_service_refuses_to_move_a_submitted_project_into_another_fair(organiser, state):
    project = ProjectFactory(state=state)
    elsewhere = FairFactory()

    with pytest.raises(ValidationError) as refused:
        services.project_correct(
            project=project, actor=organiser, data={"fair": elsewhere, "nomination": None}
        )

    assert refused.value.code == "fair_fixed"
    assert Project.objects.get(pk=project.pk).fair_id == project.fair_id


def test_a_draft_typed_into_the_wrong_fair_may_still_be_moved(organiser):
    draft = ProjectFactory(state=ProjectState.DRAFT)
    elsewhere = FairFactory()

    services.project_correct(project=draft, actor=organiser, data={"fair": elsewhere, "nomination": None})

    assert Project.objects.get(pk=draft.pk).fair_id == elsewhere.pk


def test_an_organisers_rewrite_of_a_finalists_texts_is_in_the_audit_trail(client, organiser):
    """Before: a correction left no audit event, so an organiser could rewrite a finalist's
    title or summary (the NGO's own words, on the ballot) during voting without a trace there."""
    from fairportal.models import AuditEvent

    finalist = ProjectFactory(state=ProjectState.FINALIST, title="Clean air for Taraz")
    client.force_login(organiser)
    with translation.override("en"):
        url = reverse("admin:projects_project_change", args=[finalist.pk])
    data = change_form_data(client.get(url))
    data.update(title="Vote for us instead", summary="Rewritten by someone")

    assert client.post(url, data).status_code == 302

    (event,) = AuditEvent.objects.filter(action="project.corrected")
    assert (event.actor, event.target_id, event.fair_id) == (organiser, str(finalist.pk), finalist.fair_id)
    assert event.details == {"fields": ["summary", "title"]}
