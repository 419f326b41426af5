"""Every organiser action listed in the brief leaves exactly one audit event: who, what, why.

Before the audit trail, "show publicly", exports, vote invalidations and rule changes left no
record at all.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from awards import services as awards_services
from awards.models import Award, AwardKind
from fairportal import audit
from fairportal.models import AuditEvent
from projects import services
from projects.models import Fair, ProjectState, ProjectStateChange
from tests.factories.accounts import UserFactory
from tests.factories.awards import CeremonyFactory
from tests.factories.jury import ReviewFactory
from tests.factories.projects import FairFactory, MembershipFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from voting import services as voting_services

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


# What setting up a test leaves too: the fixtures' staff flags and groups, the client's log-in.
ACCOUNT_ACTIONS = (
    "login.succeeded",
    "user.flags_changed",
    "user.groups_changed",
    "user.permissions_changed",
    "group.permissions_changed",
)


def acts():
    """The events of the organisers' acts under test, without the accounts' ones."""
    return AuditEvent.objects.exclude(action__in=ACCOUNT_ACTIONS)


def only_event(action: str) -> AuditEvent:
    events = list(acts())
    assert [event.action for event in events] == [action]
    return events[0]


def submitted_project(**kwargs):
    project = ProjectFactory(state=ProjectState.SUBMITTED, submitted_at=timezone.now(), **kwargs)
    MembershipFactory(organisation=project.organisation, user__language="en")
    return project


def run_project_action(client, action: str, projects, **extra):
    return client.post(
        admin_url("projects_project_changelist"),
        {"action": action, "_selected_action": [p.pk for p in projects], "index": 0, **extra},
        follow=True,
    )


# ---------------------------------------------------------------- projects


def test_an_organisers_state_change_is_recorded_once_with_its_reason(client, organiser):
    project = submitted_project()
    client.force_login(organiser)

    run_project_action(
        client, "return_for_changes", [project], apply="1", message="Add the budget breakdown, please."
    )

    event = only_event("project.state_changed")
    assert event.actor == organiser
    assert event.target_label == project.title
    assert event.fair_id == project.fair_id
    assert event.reason == "Add the budget breakdown, please."
    change = ProjectStateChange.objects.get(project=project)
    assert event.details == {"from": "submitted", "to": "returned", "state_change": change.pk}
    assert event.ip_network == "127.0.0.0/24"  # the test client's address, as a network


def test_showing_and_hiding_a_project_are_recorded(client, organiser):
    project = submitted_project()
    client.force_login(organiser)

    run_project_action(client, "show_publicly", [project])
    event = only_event("project.shown")
    assert (event.actor, event.target_id, event.fair_id) == (organiser, str(project.pk), project.fair_id)

    run_project_action(client, "hide_publicly", [project])
    assert AuditEvent.objects.filter(action="project.hidden", actor=organiser).count() == 1

    run_project_action(client, "hide_publicly", [project])  # already hidden: nothing happened
    assert acts().count() == 2


def test_a_refused_show_records_nothing(organiser):
    draft = ProjectFactory()
    with pytest.raises(services.TransitionNotAllowed):
        services.project_set_public(project=draft, actor=organiser, public=True)
    assert not acts().exists()


@pytest.mark.parametrize("action", ["export_selected_csv", "export_selected_xlsx"])
def test_exporting_selected_projects_is_recorded(client, organiser, action):
    fair = FairFactory()
    projects = [submitted_project(fair=fair), submitted_project(fair=fair)]
    client.force_login(organiser)

    response = run_project_action(client, action, projects)

    assert response.status_code == 200
    event = only_event("export.projects")
    assert event.actor == organiser
    assert event.fair_id == fair.pk
    assert event.details["projects"] == 2
    assert event.details["format"] == action.rsplit("_", 1)[1]


def test_exporting_the_filtered_list_records_the_filters(client, organiser):
    project = submitted_project()
    client.force_login(organiser)

    client.get(admin_url("projects_project_export_csv") + f"?fair__id__exact={project.fair_id}")

    event = only_event("export.projects")
    assert event.details["filters"] == f"fair__id__exact={project.fair_id}"
    assert event.fair_id == project.fair_id


# ---------------------------------------------------------------- fairs


def test_a_rule_change_before_voting_is_recorded_with_old_and_new_values(superuser):
    fair = FairFactory(in_review=True)

    services.fair_update(fair=fair, changes={"live_results": True}, actor=superuser, reason="Show the race")

    event = only_event("fair.rules_changed")
    assert (event.actor, event.fair_id, event.reason) == (superuser, fair.pk, "Show the race")
    assert event.details["changes"] == {"live_results": [False, True]}


def test_moving_the_close_during_voting_is_recorded_once(superuser):
    fair = FairFactory(in_voting=True)
    new_close = fair.voting_closes_at + timedelta(days=1)

    services.fair_update(
        fair=fair, changes={"voting_closes_at": new_close}, actor=superuser, reason="Gateway outage"
    )

    event = only_event("fair.voting_close_moved")
    assert event.reason == "Gateway outage"
    assert event.details["schedule_change"] == fair.schedule_changes.get().pk


def test_a_fair_created_in_the_admin_is_recorded(client, superuser):
    from tests.projects.test_admin import fair_form

    client.force_login(superuser)
    client.post(admin_url("projects_fair_add"), fair_form())

    fair = Fair.objects.get(slug="almaty-2027")
    event = acts().get(action="fair.created")
    assert (event.actor, event.fair_id) == (superuser, fair.pk)
    # Its nominations, entered in the same form, each leave their own "created".
    nominations = acts().filter(action="nomination.changed")
    assert sorted(int(e.target_id) for e in nominations) == sorted(
        fair.nominations.values_list("pk", flat=True)
    )
    assert {e.details["change"] for e in nominations} <= {"created"}
    assert {e.fair_id for e in nominations} <= {fair.pk}


# ---------------------------------------------------------------- votes, jury, awards


def test_invalidating_a_vote_is_recorded_once_with_the_reason(superuser):
    vote = VoteFactory()

    voting_services.vote_invalidate(vote=vote, actor=superuser, reason="Bot cluster from one /24")
    voting_services.vote_invalidate(vote=vote, actor=superuser, reason="Again")  # already invalid

    event = only_event("vote.invalidated")
    assert (event.actor, event.reason, event.fair_id) == (superuser, "Bot cluster from one /24", vote.fair_id)
    assert event.target_label == vote.receipt


def test_the_vote_counts_export_is_recorded(client, superuser):
    fair = FairFactory(opens=timezone.now() - timedelta(days=65))  # voting closed
    client.force_login(superuser)

    response = client.get(admin_url("voting_vote_export_counts", fair.pk))

    assert response.status_code == 200
    event = only_event("export.vote_counts")
    assert (event.actor, event.fair_id) == (superuser, fair.pk)


def test_a_refused_counts_export_is_not_recorded(client, superuser):
    fair = FairFactory(in_voting=True)  # results still hidden
    client.force_login(superuser)

    client.get(admin_url("voting_vote_export_counts", fair.pk))

    assert not acts().exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_jury_ranking_export_is_recorded(client, superuser, fmt):
    review = ReviewFactory()
    client.force_login(superuser)

    response = client.get(admin_url("jury_review_export", review.pk, fmt))

    assert response.status_code == (200 if fmt == "csv" else 302)  # the workbook is written by a task
    event = only_event("export.jury_ranking")
    assert (event.actor, event.fair_id, event.details["format"]) == (superuser, review.fair_id, fmt)


def test_the_winners_export_is_recorded(client, organiser):
    fair = FairFactory(voting_closed=True)
    ceremony = CeremonyFactory(fair=fair)
    project = ProjectFactory(fair=fair, state=ProjectState.FINALIST)
    awards_services.award_give(
        ceremony=ceremony,
        project=project,
        actor=organiser,
        kind=AwardKind.SPECIAL_MENTION,
        title_kk="Ерекше",
        title_ru="Особо",
        title_en="Special",
    )
    before = acts().count()
    client.force_login(organiser)

    client.post(
        admin_url("awards_award_changelist"),
        {"action": "export_csv", "_selected_action": list(Award.objects.values_list("pk", flat=True))},
    )

    events = list(AuditEvent.objects.filter(action="export.winners"))
    assert acts().count() == before + 1
    assert [(event.actor, event.details) for event in events] == [(organiser, {"format": "csv", "awards": 1})]


# ---------------------------------------------------------------- the trail itself


def test_events_cannot_be_edited_or_deleted_even_with_sql(superuser):
    event = audit.record(actor=superuser, action="export.projects")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="nothing happened")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_deleting_a_user_keeps_their_events_with_their_name(superuser):
    user = UserFactory(email="gone@fair.kz")
    audit.record(actor=user, action="export.projects")

    user.delete()

    event = acts().get()
    assert event.actor is None
    assert event.actor_label == "gone@fair.kz"


def test_the_audit_admin_is_read_only_even_for_superusers(client, superuser):
    event = audit.record(actor=superuser, action="vote.invalidated", reason="Bot", fair_id=None)
    client.force_login(superuser)

    changelist = client.get(admin_url("fairportal_auditevent_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "Vote invalidated" in html
    assert 'name="_selected_action"' not in html  # no actions, not even "delete selected"
    assert client.get(admin_url("fairportal_auditevent_add")).status_code == 403
    assert client.get(admin_url("fairportal_auditevent_delete", event.pk)).status_code == 403
    detail = client.get(admin_url("fairportal_auditevent_change", event.pk))
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]
    client.post(admin_url("fairportal_auditevent_change", event.pk), {"reason": "changed"})
    event.refresh_from_db()
    assert event.reason == "Bot"


def test_the_audit_admin_filters_by_action_fair_and_actor_and_searches(client, superuser, organiser):
    fair = FairFactory(title_en="Filtered fair")
    other = FairFactory()
    audit.record(actor=organiser, action="export.projects", fair_id=fair.pk, reason="for the jury")
    audit.record(actor=superuser, action="vote.invalidated", fair_id=other.pk, reason="bots")
    client.force_login(superuser)
    url = admin_url("fairportal_auditevent_changelist")

    def shown(query: str) -> set[str]:
        response = client.get(url + query)
        return {event.reason for event in response.context["cl"].result_list}

    assert shown("") >= {"for the jury", "bots"}  # with the log-ins and the fixtures' groups
    assert shown("?action=vote.invalidated") == {"bots"}
    assert shown(f"?fair_id={fair.pk}") == {"for the jury"}
    assert shown(f"?actor={organiser.pk}&action=export.projects") == {"for the jury"}
    assert shown("?q=jury") == {"for the jury"}
    assert "Filtered fair" in client.get(url).content.decode()


def test_organisers_may_read_the_trail_but_not_change_it(client, organiser):
    audit.record(actor=organiser, action="export.projects")
    client.force_login(organiser)

    assert client.get(admin_url("fairportal_auditevent_changelist")).status_code == 200
    assert client.get(admin_url("fairportal_auditevent_add")).status_code == 403


def test_the_audit_admin_is_translated(client, superuser):
    audit.record(actor=superuser, action="project.shown")
    client.force_login(superuser)
    with translation.override("ru"):
        html = client.get(reverse("admin:fairportal_auditevent_changelist")).content.decode()
    assert "Проект показан на публичном сайте" in html
