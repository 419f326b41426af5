import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from projects import demo_data
from projects.management.commands.seed_demo import (
    BASE_ORGANISATIONS,
    CURRENT_FAIR_STATES,
    PAST_FAIR_STATES,
)
from projects.models import (
    Fair,
    LegalForm,
    Organisation,
    Phase,
    Project,
    ProjectImage,
    ProjectState,
    ProjectStateChange,
    Region,
)
from projects.validators import validate_bin, validate_kz_phone
from tests.projects.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
BASE_PROJECTS = sum(CURRENT_FAIR_STATES.values()) + sum(PAST_FAIR_STATES.values())


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def debug(settings):
    # The command refuses to publish demo passwords unless DEBUG is on (pytest turns it off).
    settings.DEBUG = True


def snapshot() -> list[tuple]:
    return sorted(Project.objects.values_list("organisation__bin", "organisation__name", "title", "state"))


def test_builds_a_current_fair_in_voting_and_an_archived_past_fair_in_three_languages():
    output = seed()

    now = timezone.now()
    current, past = Fair.objects.get(slug="demo-2026"), Fair.objects.get(slug="demo-2025")
    assert current.phase_at(now) == Phase.VOTING
    assert current.voting_closes_at - now > timedelta(days=13)
    assert current.submission_closes_at < now - timedelta(days=14)
    assert past.phase_at(now) == Phase.ARCHIVED
    assert (current.title_kk, current.title_ru, current.title_en) == (
        "Әлеуметтік жобалар жәрмеңкесі 2026",
        "Ярмарка социальных проектов 2026",
        "Social Projects Fair 2026",
    )
    assert current.organiser_en == "Akimat of Almaty"
    assert current.description_kk
    assert current.description_ru
    for fair in (current, past):
        assert fair.is_published
        assert list(fair.nominations.values_list("title_en", flat=True)) == [
            "Social adaptation and rehabilitation of people with disabilities",
            "Social and legal protection; civil rights and initiatives",
            "Human health and environmental protection",
        ]
        assert all(n.title_kk and n.title_ru for n in fair.nominations.all())
    assert "Мүгедектігі бар адамдарды әлеуметтік бейімдеу және оңалту" in current.nominations.values_list(
        "title_kk", flat=True
    )
    assert "demo-2026 (voting)" in output
    assert "demo-2025 (archived)" in output
    assert not mail.outbox  # state changes were written directly, nobody was e-mailed


def test_organisations_are_plausible_and_cover_every_region():
    seed()

    organisations = list(Organisation.objects.all())
    assert len(organisations) >= 60
    assert {o.region_id for o in organisations} == set(Region.objects.values_list("id", flat=True))
    assert len({o.legal_form for o in organisations}) == len(LegalForm.values)
    names = {o.name for o in organisations}
    assert {"«Қамқор» қоғамдық қоры", "ОФ «Мейірім»", "ОО «Равные возможности»", "КФ «Дара»"} <= names
    assert {"ТОО «Social Hub»", "Инициативная группа «Жасыл Алматы»"} <= names
    for organisation in organisations:
        if organisation.legal_form == LegalForm.INITIATIVE_GROUP:
            assert organisation.bin == ""
        else:
            validate_bin(organisation.bin)
        validate_kz_phone(organisation.phone)
        assert re.fullmatch(r"\+77\d{9}", organisation.phone)
        assert organisation.email.endswith(".kz")
        assert organisation.description
        organisation.full_clean()
    assert len({o.bin for o in organisations if o.bin}) == len([o for o in organisations if o.bin])


def test_projects_fill_every_state_in_kazakh_russian_and_english():
    seed()

    current = Project.objects.filter(fair__slug="demo-2026")
    states = dict.fromkeys(ProjectState.values, 0) | {
        state: current.filter(state=state).count() for state in ProjectState.values
    }
    assert Project.objects.count() >= 200
    assert current.count() >= 200
    assert states[ProjectState.SUBMITTED] >= 140
    assert states[ProjectState.FINALIST] == 50
    assert states[ProjectState.NOT_SELECTED] >= 10
    assert all(states[s] >= 1 for s in (ProjectState.DRAFT, ProjectState.RETURNED, ProjectState.WITHDRAWN))
    submitted = current.filter(state=ProjectState.SUBMITTED)
    assert 0.35 < submitted.filter(is_public=True).count() / submitted.count() < 0.65
    past = Project.objects.filter(fair__slug="demo-2025")
    assert set(past.values_list("state", flat=True)) == {ProjectState.FINALIST, ProjectState.NOT_SELECTED}

    languages = dict.fromkeys(("kk", "ru", "en"), 0)
    for project in Project.objects.select_related("nomination", "fair").prefetch_related("spheres"):
        languages[project.content_language] += 1
        assert project.nomination.fair_id == project.fair_id
        assert project.spheres.all()
        assert all((project.title, project.summary, project.problem, project.target_group))
        if project.content_language == "kk":
            assert KAZAKH_LETTERS.search(project.title), project.title
            assert KAZAKH_LETTERS.search(project.summary), project.summary
        if project.state != ProjectState.DRAFT:
            assert 500_000 <= project.budget_requested <= 30_000_000
            assert all((project.beneficiaries, project.duration_months, project.results_achieved))
            project.full_clean()  # what a submission would have had to pass
    assert languages["kk"] > 80
    assert languages["ru"] > 60
    assert 5 <= languages["en"] < languages["ru"]


def test_state_histories_follow_the_rules_inside_each_schedule():
    seed()

    now = timezone.now()
    for project in Project.objects.select_related("fair").prefetch_related("state_changes"):
        fair, changes = project.fair, list(project.state_changes.all())
        assert fair.submission_opens_at <= project.created_at < fair.submission_closes_at
        if project.state == ProjectState.DRAFT:
            assert changes == []
            assert project.submitted_at is None
            continue
        assert changes[0].from_state == ProjectState.DRAFT
        assert [c.to_state for c in changes[:-1]] == [c.from_state for c in changes[1:]]
        assert changes[-1].to_state == project.state
        times = [c.created_at for c in changes]
        assert times == sorted(times)
        assert project.created_at < times[0]
        assert all(fair.submission_opens_at < t < fair.voting_opens_at and t < now for t in times)
        assert project.submitted_at == max(
            c.created_at for c in changes if c.to_state == ProjectState.SUBMITTED
        )
        assert project.updated_at == times[-1]
        for change in changes:
            if change.to_state == ProjectState.RETURNED:
                assert change.note
                assert change.created_at > fair.submission_closes_at
            if change.to_state in (ProjectState.FINALIST, ProjectState.NOT_SELECTED):
                assert fair.submission_closes_at < change.created_at < fair.voting_opens_at
            if change.to_state == ProjectState.WITHDRAWN:
                assert change.created_at < fair.submission_closes_at
    assert ProjectStateChange.objects.filter(from_state=ProjectState.RETURNED).exists()  # resubmissions


def test_every_public_project_shows_images_with_thumbnails_and_alt_texts():
    seed()

    public = Project.objects.public().prefetch_related("images")
    assert public.count() >= 100
    for project in public:
        images = list(project.images.all())
        assert 1 <= len(images) <= 3
        for image in images:
            assert (image.width, image.height) == (1200, 800)
            assert default_storage.exists(image.image.name)
            assert default_storage.exists(image.thumbnail.name)
            assert 0 < len(image.alt_text) <= 250
            if project.content_language == "kk":
                assert KAZAKH_LETTERS.search(image.alt_text)
    # Each image has its own files, like an upload would.
    names = list(ProjectImage.objects.values_list("image", flat=True))
    assert len(names) == len(set(names))


def test_demo_users_log_in_and_see_their_organisation(client):
    output = seed()

    for email, _name, language in demo_data.DEMO_USERS:
        user = User.objects.get(email=email)
        assert user.language == language
        assert user.email_confirmed_at is not None
        assert f"{email}" in output
        assert user.memberships.get().role == "owner"
    assert demo_data.DEMO_PASSWORD in output

    with translation.override("en"):
        login, dashboard = reverse("accounts:login"), reverse("projects:dashboard")
    response = client.post(login, {"username": "ngo1@example.kz", "password": demo_data.DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(dashboard)
    assert "«Қамқор» қоғамдық қоры" in page.content.decode()
    owned = Project.objects.filter(organisation__memberships__user__email="ngo2@example.kz")
    assert {ProjectState.FINALIST, ProjectState.SUBMITTED, ProjectState.RETURNED} <= set(
        owned.values_list("state", flat=True)
    )


def test_running_again_does_nothing_and_reset_rebuilds_the_same_data(django_capture_on_commit_callbacks):
    seed()
    first = snapshot()
    first_ids = set(Project.objects.values_list("id", flat=True))
    first_files = list(ProjectImage.objects.values_list("image", flat=True))

    output = seed()

    assert "already exists" in output
    assert snapshot() == first

    with django_capture_on_commit_callbacks(execute=True):
        output = seed("--reset")

    assert "Reset: deleted 280 projects" in output
    assert snapshot() == first  # the same seed gives the same portal
    assert not first_ids & set(Project.objects.values_list("id", flat=True))
    assert User.objects.filter(email__endswith="@example.kz").count() == 3
    assert Fair.objects.count() == 2
    assert not any(default_storage.exists(name) for name in first_files)


def test_reset_leaves_other_organisations_alone_and_refuses_to_delete_their_projects():
    real = OrganisationFactory(email="info@real-ngo.kz")
    seed()
    ProjectFactory(organisation=real, fair=Fair.objects.get(slug="demo-2026"))

    with pytest.raises(CommandError, match="did not create"):
        seed("--reset")

    assert Project.objects.filter(fair__slug="demo-2026").count() == sum(CURRENT_FAIR_STATES.values()) + 1
    Project.objects.filter(organisation=real).delete()
    seed("--reset")
    assert Organisation.objects.filter(pk=real.pk).exists()


def test_scale_multiplies_organisations_and_projects():
    output = seed("--scale", "2", "--verbosity", "1")

    assert Organisation.objects.count() == 2 * BASE_ORGANISATIONS
    assert Project.objects.count() == 2 * BASE_PROJECTS
    assert Project.objects.filter(fair__slug="demo-2026", state=ProjectState.FINALIST).count() == 100
    assert "Projects: 500/560" in output
    assert "Projects: 560/560" in output
    assert not Project.objects.public().filter(images__isnull=True).exists()
    for image in ProjectImage.objects.all()[:50]:
        assert default_storage.exists(image.thumbnail.name)


def test_dry_run_leaves_nothing_behind(settings):
    output = seed("--dry-run")

    assert "rolled everything back" in output
    assert not Fair.objects.exists()
    assert not Organisation.objects.exists()
    assert not User.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_refuses_without_debug_unless_allowed(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()
    assert not Fair.objects.exists()


def test_rejects_a_scale_below_one():
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "0")


def test_demo_texts_are_complete_for_every_language_an_idea_uses():
    for theme, strands in demo_data.PROJECT_STRANDS.items():
        assert theme in demo_data.THEMES
        for strand in strands.values():
            for language, ideas in strand["ideas"].items():
                for part in ("problems", "target_groups", "activities", "results"):
                    assert strand[part][language], (theme, language, part)
                for title, summary in ideas:
                    if language == "kk":
                        assert KAZAKH_LETTERS.search(title), title
                        assert KAZAKH_LETTERS.search(summary), summary
    titles = {
        title
        for strands in demo_data.PROJECT_STRANDS.values()
        for s in strands.values()
        for ideas in s["ideas"].values()
        for title, _ in ideas
    }
    assert set(demo_data.IDEA_HINTS) <= titles


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_real_fairs_alone(settings):
    from io import StringIO

    from django.core.management import call_command

    from projects.models import Fair, Project
    from tests.projects.factories import FairFactory

    settings.DEBUG = True
    FairFactory(slug="real-fair")

    call_command("seed_demo", "--if-empty", stdout=StringIO())

    assert list(Fair.objects.values_list("slug", flat=True)) == ["real-fair"]
    assert not Project.objects.exists()
