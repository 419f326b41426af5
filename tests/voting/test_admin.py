import csv
import importlib
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Fair, ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from voting import selectors
from voting.models import Channel, Vote

pytestmark = pytest.mark.django_db

permissions_migration = importlib.import_module("voting.migrations.0002_organisers_voting_permissions")

CHANGELIST = "voting_vote_changelist"
HIDDEN = "hidden until voting closes"
FAIR_DATES = (
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "ceremony_at",
    "archived_at",
)


def admin_url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"admin:{name}", args=args)


def close_voting(fair: Fair) -> None:
    """Move the whole schedule ten days back: voting closed five days ago."""
    Fair.objects.filter(pk=fair.pk).update(**{name: F(name) - timedelta(days=10) for name in FAIR_DATES})
    fair.refresh_from_db()


def make_finalist(fair: Fair, **kwargs):
    return ProjectFactory(fair=fair, state=ProjectState.FINALIST, **kwargs)


def listed(response) -> set[str]:
    """Receipts of the votes the change list shows."""
    return {vote.receipt for vote in response.context["cl"].result_list}


def filter_titles(response) -> list[str]:
    return [str(spec.title) for spec in response.context["cl"].filter_specs]


def filter_spec(response, parameter_name: str):
    specs = response.context["cl"].filter_specs
    return next(spec for spec in specs if getattr(spec, "parameter_name", None) == parameter_name)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, votes, query: str = "", **extra):
    return client.post(
        admin_url(CHANGELIST) + query,
        {"action": "invalidate_votes", "_selected_action": [v.pk for v in votes], "index": 0, **extra},
        follow=True,
    )


def confirm_invalidation(client, first_page, reason: str, query: str = ""):
    """Post the confirmation page back as a browser would."""
    return client.post(
        admin_url(CHANGELIST) + query,
        {
            "action": "invalidate_votes",
            "_selected_action": first_page.context["first_vote_id"],
            "select_across": "1",
            "votes": first_page.context["vote_ids"],
            "reason": reason,
            "apply": "Invalidate votes",
        },
        follow=True,
    )


# ---------------------------------------------------------------- read only


def test_nobody_adds_changes_or_deletes_votes_not_even_a_superuser(client, superuser):
    vote = VoteFactory(project=make_finalist(FairFactory(in_voting=True)))
    client.force_login(superuser)

    changelist = client.get(admin_url(CHANGELIST))
    actions = [name for name, _label in changelist.context["action_form"].fields["action"].choices]

    assert changelist.status_code == 200
    assert "delete_selected" not in actions
    assert "invalidate_votes" in actions
    assert client.get(admin_url("voting_vote_add")).status_code == 403
    assert client.post(admin_url("voting_vote_add"), {"receipt": "X"}).status_code == 403
    assert client.get(admin_url("voting_vote_delete", vote.pk)).status_code == 403
    assert client.post(admin_url("voting_vote_delete", vote.pk), {"post": "yes"}).status_code == 403
    assert client.post(admin_url("voting_vote_change", vote.pk), {"receipt": "CHANGED"}).status_code == 403
    assert Vote.objects.get().receipt == vote.receipt


def test_a_vote_shows_read_only_without_digests(client, superuser):
    vote = VoteFactory(project=make_finalist(FairFactory(in_voting=True)), voter_masked="a***@mail.kz")
    client.force_login(superuser)

    response = client.get(admin_url("voting_vote_change", vote.pk))
    page = response.content.decode()

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}  # nothing editable
    assert vote.receipt in page
    assert "a***@mail.kz" in page
    assert vote.network in page
    assert vote.voter_digest not in page
    assert vote.ip_digest not in page
    assert 'name="_save"' not in page


# ---------------------------------------------------------------- filters


def test_the_filters_narrow_the_list(client, superuser):
    fair, other_fair = FairFactory(in_voting=True), FairFactory(in_voting=True)
    project = make_finalist(fair)
    now = timezone.now()
    email = VoteFactory(project=project, email_domain="mail.kz", created_at=now - timedelta(days=2))
    sms = VoteFactory(
        project=project, channel=Channel.SMS, email_domain="", created_at=now - timedelta(days=1)
    )
    invalid = VoteFactory(
        project=project,
        email_domain="inbox.kz",
        invalidated_at=now,
        invalidation_reason="burst",
        created_at=now - timedelta(days=1),
    )
    elsewhere = VoteFactory(project=make_finalist(other_fair), email_domain="inbox.kz")
    client.force_login(superuser)
    day = timezone.localtime(now - timedelta(days=1))

    def shown(**query):
        response = client.get(admin_url(CHANGELIST), query)
        assert response.status_code == 200, query
        return listed(response)

    assert shown() == {v.receipt for v in (email, sms, invalid, elsewhere)}
    assert shown(fair__id__exact=fair.pk) == {email.receipt, sms.receipt, invalid.receipt}
    assert shown(validity="valid") == {email.receipt, sms.receipt, elsewhere.receipt}
    assert shown(validity="invalidated") == {invalid.receipt}
    assert shown(channel__exact="sms") == {sms.receipt}
    assert shown(email_domain="inbox.kz") == {invalid.receipt, elsewhere.receipt}
    assert shown(email_domain="inbox.kz", fair__id__exact=fair.pk) == {invalid.receipt}
    assert shown(created_at__year=day.year, created_at__month=day.month, created_at__day=day.day) == {
        sms.receipt,
        invalid.receipt,
    }
    assert shown(q=email.receipt) == {email.receipt}
    assert shown(q="inbox.kz") == {invalid.receipt, elsewhere.receipt}


def test_the_domain_filter_offers_the_most_frequent_domains(client, superuser):
    project = make_finalist(FairFactory(in_voting=True))
    for index in range(32):
        VoteFactory.create_batch(1 + (index == 0) * 5, project=project, email_domain=f"d{index:02d}.kz")
    client.force_login(superuser)

    response = client.get(admin_url(CHANGELIST))
    domain_filter = filter_spec(response, "email_domain")
    offered = [value for value, _label in domain_filter.lookup_choices]

    assert len(offered) == 30
    assert offered[0] == "d00.kz"  # six votes, the rest one each
    rare = client.get(admin_url(CHANGELIST), {"email_domain": "d31.kz"})
    rare_filter = filter_spec(rare, "email_domain")
    assert "d31.kz" in [value for value, _label in rare_filter.lookup_choices]


# ---------------------------------------------------------------- secrecy of the counts


def test_projects_stay_hidden_in_the_list_until_voting_closes(client, superuser):
    fair = FairFactory(in_voting=True)
    project = make_finalist(fair, title="Секретный проект")
    vote = VoteFactory(project=project)
    client.force_login(superuser)

    response = client.get(admin_url(CHANGELIST))
    page = response.content.decode()

    assert listed(response) == {vote.receipt}
    assert HIDDEN in page
    assert "Секретный проект" not in page
    assert "project" not in filter_titles(response)
    # A hand-made filter on the project, or on what gives it away, is refused, superuser or not.
    for lookup in ("project", "project__id__exact", "project_id", "project__title", "nomination", "scope"):
        refused = client.get(admin_url(CHANGELIST), {lookup: project.pk})
        assert refused.status_code == 400, lookup
    forced = client.get(admin_url(CHANGELIST), {"finalist": project.pk})
    assert forced.status_code == 302
    assert forced["Location"].endswith("?e=1")
    one_vote = client.get(admin_url("voting_vote_change", vote.pk)).content.decode()
    assert HIDDEN in one_vote
    assert "Секретный проект" not in one_vote

    close_voting(fair)
    response = client.get(admin_url(CHANGELIST))
    page = response.content.decode()

    assert "Секретный проект" in page
    assert HIDDEN not in page
    assert "project" in filter_titles(response)
    assert listed(client.get(admin_url(CHANGELIST), {"finalist": project.pk})) == {vote.receipt}
    assert "Секретный проект" in client.get(admin_url("voting_vote_change", vote.pk)).content.decode()


def test_live_results_show_projects_while_voting_runs(client, superuser):
    project = make_finalist(FairFactory(in_voting=True, live_results=True), title="Открытый проект")
    VoteFactory(project=project)
    client.force_login(superuser)

    page = client.get(admin_url(CHANGELIST)).content.decode()

    assert "Открытый проект" in page
    assert HIDDEN not in page


def test_the_project_filter_offers_only_finalists_of_fairs_with_visible_results(client, superuser):
    secret_fair, closed_fair = FairFactory(in_voting=True), FairFactory(in_voting=True)
    close_voting(closed_fair)
    secret = make_finalist(secret_fair, title="Секретный проект")
    shown = make_finalist(closed_fair, title="Показанный проект")
    ProjectFactory(fair=closed_fair, state=ProjectState.NOT_SELECTED, title="Не отобран")
    closed_vote, secret_vote = VoteFactory(project=shown), VoteFactory(project=secret)
    client.force_login(superuser)

    response = client.get(admin_url(CHANGELIST))
    project_filter = filter_spec(response, "finalist")
    page = response.content.decode()

    assert [value for value, _label in project_filter.lookup_choices] == [str(shown.pk)]
    # The same page shows one fair's projects and hides the other's.
    assert "Показанный проект" in page
    assert "Секретный проект" not in page
    assert page.count(HIDDEN) == 1
    assert listed(response) == {closed_vote.receipt, secret_vote.receipt}
    assert client.get(admin_url(CHANGELIST), {"finalist": secret.pk}).status_code == 302
    # With the secret fair chosen, the project filter has nothing to offer.
    one_fair = client.get(admin_url(CHANGELIST), {"fair__id__exact": secret_fair.pk})
    assert "project" not in filter_titles(one_fair)


# ---------------------------------------------------------------- invalidation


def test_invalidating_needs_a_reason(client, superuser):
    votes = VoteFactory.create_batch(2, project=make_finalist(FairFactory(in_voting=True)))
    client.force_login(superuser)

    first_page = run_action(client, votes)
    response = confirm_invalidation(client, first_page, reason="   ")

    assert first_page.status_code == 200
    assert first_page.context["vote_count"] == 2
    assert response.status_code == 200
    assert response.templates[0].name == "admin/voting/vote/invalidate.html"
    assert "Give a reason for invalidating votes." in response.content.decode()
    assert response.context["vote_count"] == 2
    assert Vote.objects.valid().count() == 2
    assert not Vote.objects.exclude(invalidation_reason="").exists()


def test_invalidating_with_a_reason_takes_the_votes_out_of_the_tally(client, superuser):
    fair = FairFactory(in_voting=True)
    project = make_finalist(fair)
    bad = VoteFactory.create_batch(2, project=project, network="198.51.100.0/24")
    good = VoteFactory(project=project)
    client.force_login(superuser)
    assert {p.pk: p.valid_votes for p in selectors.tally(fair)}[project.pk] == 3

    first_page = run_action(client, bad)
    response = confirm_invalidation(client, first_page, reason="  Burst from one network  ")

    assert response.redirect_chain[-1][0] == admin_url(CHANGELIST)
    assert "2 votes were invalidated." in page_messages(response)
    for vote in bad:
        vote.refresh_from_db()
        assert vote.invalidated_at is not None
        assert vote.invalidated_by == superuser
        assert vote.invalidation_reason == "Burst from one network"
    good.refresh_from_db()
    assert good.is_valid
    assert {p.pk: p.valid_votes for p in selectors.tally(fair)}[project.pk] == 1

    again = confirm_invalidation(client, run_action(client, [*bad, good]), reason="Second look")

    assert "1 vote was invalidated." in page_messages(again)
    assert "2 votes had already been invalidated and were left as they were." in page_messages(again)
    assert Vote.objects.get(pk=bad[0].pk).invalidation_reason == "Burst from one network"


def test_all_votes_of_a_filtered_list_can_be_invalidated_at_once(client, superuser):
    fair = FairFactory(in_voting=True)
    burst = VoteFactory.create_batch(3, project=make_finalist(fair), network="198.51.100.0/24")
    other = VoteFactory(project=make_finalist(fair))
    client.force_login(superuser)
    query = "?network=198.51.100.0%2F24"

    first_page = run_action(client, burst[:1], query=query, select_across="1")
    response = confirm_invalidation(client, first_page, reason="Bot attack", query=query)

    assert first_page.context["vote_count"] == 3
    assert "3 votes were invalidated." in page_messages(response)
    assert set(Vote.objects.valid()) == {other}


def test_an_organiser_views_and_invalidates_votes(client, organiser):
    vote = VoteFactory(project=make_finalist(FairFactory(in_voting=True)))
    client.force_login(organiser)
    changelist = client.get(admin_url(CHANGELIST))

    assert changelist.status_code == 200
    assert admin_url("voting_vote_clusters") in changelist.content.decode()
    assert client.get(admin_url("voting_vote_change", vote.pk)).status_code == 200
    assert client.get(admin_url("voting_vote_clusters")).status_code == 200
    assert client.get(admin_url("voting_vote_delete", vote.pk)).status_code == 403
    response = confirm_invalidation(client, run_action(client, [vote]), reason="Disposable address")

    assert "1 vote was invalidated." in page_messages(response)
    vote.refresh_from_db()
    assert (vote.invalidated_by, vote.invalidation_reason) == (organiser, "Disposable address")


def test_staff_without_the_permission_cannot_invalidate(client):
    vote = VoteFactory(project=make_finalist(FairFactory(in_voting=True)))
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_vote"))
    client.force_login(staff)

    changelist = client.get(admin_url(CHANGELIST))
    response = client.post(
        admin_url(CHANGELIST),
        {
            "action": "invalidate_votes",
            "_selected_action": vote.pk,
            "select_across": "1",
            "votes": str(vote.pk),
            "reason": "Not mine to decide",
            "apply": "Invalidate votes",
        },
    )

    assert changelist.status_code == 200
    assert "invalidate_votes" not in changelist.content.decode()
    assert response.status_code == 200  # the list again: no action for them
    assert Vote.objects.get().is_valid


def test_staff_without_view_permission_see_no_votes(client):
    staff = UserFactory(is_staff=True)
    fair = FairFactory(in_voting=True)
    close_voting(fair)
    client.force_login(staff)

    assert client.get(admin_url(CHANGELIST)).status_code == 403
    assert client.get(admin_url("voting_vote_clusters")).status_code == 403
    assert client.get(admin_url("voting_vote_export_counts", fair.pk)).status_code == 403


def test_the_permissions_migration_is_idempotent_and_reversible():
    schema_editor = SimpleNamespace(connection=connection)
    group = Group.objects.get(name="Organisers")

    def voting_permissions():
        return set(
            group.permissions.filter(
                content_type__app_label="voting", content_type__model="vote"
            ).values_list("codename", flat=True)
        )

    assert voting_permissions() == {"view_vote", "invalidate_vote"}
    permissions_migration.remove_permissions(global_apps, schema_editor)
    assert voting_permissions() == set()
    assert group.permissions.filter(codename="change_project_state").exists()
    permissions_migration.add_permissions(global_apps, schema_editor)
    permissions_migration.add_permissions(global_apps, schema_editor)
    assert voting_permissions() == {"view_vote", "invalidate_vote"}


# ---------------------------------------------------------------- suspicious clusters


def clusters(client, **query):
    response = client.get(admin_url("voting_vote_clusters"), query)
    assert response.status_code == 200
    return {section["kind"]: section["rows"] for section in response.context["sections"]}


def test_a_burst_from_one_network_and_domain_is_a_cluster_a_slow_trickle_is_not(client, superuser):
    fair = FairFactory(in_voting=True)
    project = make_finalist(fair)
    start = timezone.now() - timedelta(days=1)
    burst = [
        VoteFactory(
            project=project,
            network="198.51.100.0/24",
            email_domain="bots.example",
            created_at=start + timedelta(minutes=minute),
        )
        for minute in (0, 1, 3, 4, 7, 9)
    ]
    for hour in range(6):
        VoteFactory(
            project=project,
            network="192.0.2.0/24",
            email_domain="slow.example",
            created_at=start + timedelta(hours=2 + hour),
        )
    client.force_login(superuser)

    found = clusters(client, fair=fair.pk)

    assert [(row["label"], row["votes"]) for row in found["network"]] == [("198.51.100.0/24", 6)]
    assert [(row["label"], row["votes"]) for row in found["domain"]] == [("bots.example", 6)]
    assert found["ip"] == []
    row = found["network"][0]
    assert (row["first"], row["last"]) == (burst[0].created_at, burst[-1].created_at)
    # The link lists exactly the cluster's votes.
    assert listed(client.get(row["url"])) == {vote.receipt for vote in burst}
    assert listed(client.get(found["domain"][0]["url"])) == {vote.receipt for vote in burst}
    # Five minutes hold at most four of the burst; an hour holds at most two of the slow votes.
    assert clusters(client, fair=fair.pk, minutes=5)["network"] == []
    assert clusters(client, fair=fair.pk, minutes=5, min_votes=4)["network"][0]["votes"] == 4
    hourly = {row["label"]: row["votes"] for row in clusters(client, fair=fair.pk, minutes=60)["network"]}
    assert hourly == {"198.51.100.0/24": 6}


def test_a_burst_from_one_ip_is_shown_by_its_hash_prefix_only(client, superuser):
    fair = FairFactory(in_voting=True)
    start = timezone.now() - timedelta(hours=3)
    digest = "f" * 64
    burst = [
        VoteFactory(
            project=make_finalist(fair),
            ip_digest=digest,
            email_domain=f"d{i}.kz",
            created_at=start + timedelta(minutes=i),
        )
        for i in range(6)
    ]
    VoteFactory(project=make_finalist(fair), ip_digest=digest, created_at=start - timedelta(days=1))
    client.force_login(superuser)

    response = client.get(admin_url("voting_vote_clusters"), {"fair": fair.pk})
    found = {section["kind"]: section["rows"] for section in response.context["sections"]}

    assert [(row["label"], row["votes"]) for row in found["ip"]] == [("f" * 12 + "…", 6)]
    assert digest not in response.content.decode()
    assert listed(client.get(found["ip"][0]["url"])) == {vote.receipt for vote in burst}


def test_invalidated_votes_do_not_make_a_cluster(client, superuser):
    fair = FairFactory(in_voting=True)
    start = timezone.now() - timedelta(hours=1)
    for minute in range(6):
        VoteFactory(
            project=make_finalist(fair),
            network="198.51.100.0/24",
            created_at=start + timedelta(minutes=minute),
            invalidated_at=start + timedelta(hours=1) if minute == 0 else None,
            invalidation_reason="checked" if minute == 0 else "",
        )
    client.force_login(superuser)

    # Six votes within six minutes, but only five of them count.
    assert clusters(client, fair=fair.pk, min_votes=6)["network"] == []
    assert clusters(client, fair=fair.pk, min_votes=5)["network"][0]["votes"] == 5


def test_the_cluster_view_defaults_to_the_latest_fair_with_votes(client, superuser):
    older = FairFactory(in_voting=True)
    VoteFactory(project=make_finalist(older))
    FairFactory()  # a newer fair, still in submission: no votes
    client.force_login(superuser)

    response = client.get(admin_url("voting_vote_clusters"))

    assert response.context["fair"] == older
    assert response.context["form"]["minutes"].value() == 10
    assert response.context["form"]["min_votes"].value() == 5


def test_the_cluster_view_answers_without_fairs_and_refuses_odd_windows(client, superuser):
    client.force_login(superuser)

    empty = client.get(admin_url("voting_vote_clusters"))
    fair = FairFactory(in_voting=True)
    odd = client.get(admin_url("voting_vote_clusters"), {"fair": fair.pk, "minutes": 7})

    assert empty.status_code == 200
    assert "There are no fairs yet." in empty.content.decode()
    assert odd.status_code == 200
    assert odd.context["form"].errors["minutes"]
    assert odd.context["sections"] == []


def test_the_cluster_view_runs_in_constant_queries(client, superuser):
    fair = FairFactory(in_voting=True)
    client.force_login(superuser)
    start = timezone.now() - timedelta(hours=5)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url("voting_vote_clusters"), {"fair": fair.pk}).status_code == 200
        return len(queries)

    VoteFactory.create_batch(6, project=make_finalist(fair), network="198.51.100.0/24", created_at=start)
    few = count_queries()
    for index in range(8):
        VoteFactory.create_batch(
            6, project=make_finalist(fair), network=f"10.0.{index}.0/24", created_at=start
        )
    assert count_queries() == few


# ---------------------------------------------------------------- counts export


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_counts_export_is_refused_while_results_are_hidden(client, superuser):
    fair = FairFactory(in_voting=True)
    VoteFactory(project=make_finalist(fair))
    client.force_login(superuser)

    changelist = client.get(admin_url(CHANGELIST)).content.decode()
    response = client.get(admin_url("voting_vote_export_counts", fair.pk), follow=True)

    assert admin_url("voting_vote_export_counts", fair.pk) not in changelist
    assert response.redirect_chain[-1][0] == admin_url(CHANGELIST)
    assert "Counts are hidden until voting closes." in page_messages(response)
    assert not response.get("Content-Disposition")


def test_the_counts_export_after_voting_closes_has_counts_and_no_voters(client, superuser):
    fair = FairFactory(in_voting=True, slug="almaty-2026")
    first = make_finalist(fair, title="=Первый проект")
    second = make_finalist(fair, title="Второй проект")
    ProjectFactory(fair=fair, state=ProjectState.NOT_SELECTED, title="Не отобран")
    votes = [
        *VoteFactory.create_batch(3, project=first, voter_masked="z***@secret.kz", email_domain="secret.kz"),
        *VoteFactory.create_batch(
            2,
            project=first,
            invalidated_at=timezone.now(),
            invalidation_reason="burst",
            network="198.51.100.0/24",
        ),
        VoteFactory(project=second),
    ]
    close_voting(fair)
    client.force_login(superuser)

    changelist = client.get(admin_url(CHANGELIST)).content.decode()
    response = client.get(admin_url("voting_vote_export_counts", fair.pk))
    rows = read_csv(response)
    text = "\n".join(";".join(row) for row in rows)

    assert admin_url("voting_vote_export_counts", fair.pk) in changelist
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="votes-almaty-2026-' in response["Content-Disposition"]
    assert rows[0] == ["Nomination", "Project title", "Organisation", "Valid votes", "Invalidated votes"]
    assert rows[1:] == [
        [first.nomination.title_en, "'=Первый проект", first.organisation.name, "3", "2"],
        [second.nomination.title_en, "Второй проект", second.organisation.name, "1", "0"],
    ]
    for vote in votes:
        for secret in (vote.receipt, vote.voter_masked, vote.voter_digest, vote.ip_digest, vote.network):
            assert secret not in text
    assert "secret.kz" not in text


# ---------------------------------------------------------------- performance


def test_the_change_list_runs_in_constant_queries(client, superuser):
    secret_fair, closed_fair = FairFactory(in_voting=True), FairFactory(in_voting=True)
    close_voting(closed_fair)
    projects = [
        make_finalist(secret_fair),
        make_finalist(secret_fair),
        make_finalist(closed_fair),
        make_finalist(closed_fair),
    ]
    client.force_login(superuser)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(CHANGELIST))
        assert response.status_code == 200
        return len(queries)

    for index in range(5):
        VoteFactory(project=projects[index % 4], email_domain=f"d{index}.kz")
    few = count_queries()
    for index in range(45):
        VoteFactory(
            project=projects[index % 4],
            email_domain=f"e{index}.kz",
            invalidated_at=timezone.now() if index % 3 == 0 else None,
            invalidation_reason="burst" if index % 3 == 0 else "",
            invalidated_by=superuser if index % 3 == 0 else None,
        )
    assert Vote.objects.count() == 50
    assert count_queries() == few
