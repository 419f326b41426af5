"""The public pages' shared cache: anonymous visitors get a replayed page, never a stale one."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from fairportal import page_cache
from projects import services as project_services
from projects.models import ProjectState
from tests.factories.accounts import make_superuser
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory
from tests.factories.voting import VoteFactory
from voting import services as voting_services

pytestmark = pytest.mark.django_db


def url(name, lang="en", *args):
    with translation.override(lang):
        return reverse(name, args=args or None)


@pytest.fixture
def fair():
    return FairFactory(slug="cache-2026", in_voting=True)


@pytest.fixture
def finalist(fair):
    return ProjectFactory(
        fair=fair, nomination=NominationFactory(fair=fair), state=ProjectState.FINALIST, title="Қамқор"
    )


def test_a_second_anonymous_visit_is_replayed_without_touching_the_database(
    client, finalist, django_assert_max_num_queries
):
    first = client.get(url("catalogue:project_list", "ru", finalist.fair.slug))
    with django_assert_max_num_queries(0):
        second = client.get(url("catalogue:project_list", "ru", finalist.fair.slug))

    assert second.status_code == 200
    assert second.content == first.content
    assert "Қамқор" in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second["ETag"] == first["ETag"]
    assert "Cookie" in second["Vary"]
    # Replayed before most middleware ran, yet with every header a rendered page has.
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Content-Language"):
        assert second[header] == first[header], header


def test_languages_are_cached_apart(client, finalist):
    client.get(url("catalogue:project_detail", "ru", finalist.pk))

    kazakh = client.get(url("catalogue:project_detail", "kk", finalist.pk))

    assert '<html lang="kk">' in kazakh.content.decode()


def test_an_organisers_change_shows_at_once(client, finalist, django_capture_on_commit_callbacks):
    client.get(url("catalogue:project_detail", "en", finalist.pk))

    with django_capture_on_commit_callbacks(execute=True):
        finalist.title = "Қамқор — жаңа атау"
        finalist.save()

    assert (
        "Қамқор — жаңа атау"
        in client.get(url("catalogue:project_detail", "en", finalist.pk)).content.decode()
    )


def test_a_change_made_with_a_bulk_update_in_a_service_shows_at_once(client, fair):
    organiser = make_superuser()
    submitted = ProjectFactory(fair=fair, state=ProjectState.SUBMITTED, title="Жасырын жоба")
    catalogue = url("catalogue:project_list", "en", fair.slug)
    assert "Жасырын жоба" not in client.get(catalogue).content.decode()

    project_services.project_set_public(project=submitted, actor=organiser, public=True)

    assert "Жасырын жоба" in client.get(catalogue).content.decode()


def test_a_page_expires_when_the_fair_changes_phase(client):
    # Voting opens in a moment: until then the project page has no vote button, then it must.
    opens = timezone.now() + timedelta(seconds=1.5)
    fair = FairFactory(opens=opens - timedelta(days=50))
    project = ProjectFactory(fair=fair, nomination=NominationFactory(fair=fair), state=ProjectState.FINALIST)
    vote_link = url("voting:start", "en", project.pk)
    assert vote_link not in client.get(url("catalogue:project_detail", "en", project.pk)).content.decode()

    time.sleep(max(0, (opens - timezone.now()).total_seconds()) + 0.2)

    assert vote_link in client.get(url("catalogue:project_detail", "en", project.pk)).content.decode()


def test_a_logged_in_visitor_never_gets_the_anonymous_copy_nor_leaves_theirs(client, finalist):
    page = url("catalogue:project_detail", "en", finalist.pk)
    assert "Log out" not in client.get(page).content.decode()  # cached for anonymous visitors
    user = User.objects.create_user(email="ngo@example.kz", password="x" * 12)
    client.force_login(user)

    mine = client.get(page)

    assert "Log out" in mine.content.decode()
    assert mine["Cache-Control"] == "private"
    client.logout()
    assert "Log out" not in client.get(page).content.decode()


def test_a_revalidation_with_the_etag_is_answered_304(client, finalist):
    page = url("catalogue:project_detail", "en", finalist.pk)
    etag = client.get(page)["ETag"]

    again = client.get(page, headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""


def test_browsing_creates_no_session(client, finalist):
    for page in (
        url("home"),
        url("catalogue:project_list", "en", finalist.fair.slug),
        url("catalogue:project_detail", "en", finalist.pk),
        url("voting:results", "en", finalist.fair.slug),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert not response.cookies, page


def test_invalidating_a_vote_after_the_close_updates_the_results_page(client):
    fair = FairFactory(opens=timezone.now() - timedelta(days=62))  # voting closed two days ago
    project = ProjectFactory(fair=fair, nomination=NominationFactory(fair=fair), state=ProjectState.FINALIST)
    votes = VoteFactory.create_batch(2, project=project)
    results = url("voting:results", "en", fair.slug)
    assert "2 valid votes in this nomination." in client.get(results).content.decode()
    organiser = make_superuser()

    voting_services.vote_invalidate(vote=votes[0], actor=organiser, reason="Bought")

    assert "1 valid vote in this nomination." in client.get(results).content.decode()


def test_a_new_release_never_replays_the_previous_releases_pages(client, finalist, settings, tmp_path):
    # The fingerprint covers the code, templates and catalogs under BASE_DIR: here a stand-in tree.
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("release 1")
    settings.BASE_DIR = tmp_path
    page = url("catalogue:project_detail", "en", finalist.pk)
    page_cache.code_version.cache_clear()
    try:
        client.get(page)
        template.write_text("release 2, deployed")
        page_cache.code_version.cache_clear()  # a new process starts with the new code

        with CaptureQueriesContext(connection) as queries:
            client.get(page)
    finally:
        page_cache.code_version.cache_clear()

    assert len(queries) > 0  # rendered again, not replayed
