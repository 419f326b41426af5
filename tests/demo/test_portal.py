import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from demo import data as demo_data
from demo.fairs import FAIRS, SLUGS
from demo.portal import BASE_ORGANISATIONS
from jury import services as jury_services
from jury.models import Evaluation, Review
from projects import selectors
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
from projects.permissions import can_edit_project
from projects.validators import validate_bin, validate_kz_phone
from tests.factories.accounts import make_organiser
from tests.factories.jury import JurorFactory
from tests.factories.projects import FairFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CURRENT_FAIR_STATES = FAIRS["voting"].states
PAST_FAIR_STATES = FAIRS["archived"].states
REVIEW_FAIR_STATES = FAIRS["review"].states
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
BASE_PROJECTS = (
    sum(CURRENT_FAIR_STATES.values()) + sum(PAST_FAIR_STATES.values()) + sum(REVIEW_FAIR_STATES.values())
)
REVIEW_FAIR = "demo-astana-2026"


def seed(*args, action: str = "seed") -> str:
    """The demo's portal step alone (the other steps have their tests in test_steps.py)."""
    out = StringIO()
    call_command("demo", action, "--only", "portal", *args, stdout=out)
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


def test_builds_a_fair_in_expert_review_whose_finalists_the_jury_has_yet_to_pick():
    output = seed()

    now = timezone.now()
    fair = Fair.objects.get(slug=REVIEW_FAIR)
    assert fair.slug.startswith("demo-")
    assert fair.slug in SLUGS
    assert fair.phase_at(now) == Phase.REVIEW
    assert fair.is_published
    assert timedelta(days=3) < now - fair.submission_closes_at < timedelta(days=5)
    assert timedelta(days=10) < fair.voting_opens_at - now < timedelta(days=14)
    assert (fair.title_kk, fair.title_ru, fair.title_en) == (
        "Астана әлеуметтік жобалар жәрмеңкесі 2026",
        "Ярмарка социальных проектов Астаны 2026",
        "Astana Social Projects Fair 2026",
    )
    assert (fair.organiser_kk, fair.organiser_ru, fair.organiser_en) == (
        "Астана қаласының әкімдігі",
        "Акимат города Астаны",
        "Akimat of Astana",
    )
    assert KAZAKH_LETTERS.search(fair.description_kk)
    assert "жюри" in fair.description_ru
    assert "jury" in fair.description_en
    assert list(fair.nominations.values_list("title_en", flat=True)) == [
        "Social adaptation and rehabilitation of people with disabilities",
        "Social and legal protection; civil rights and initiatives",
        "Human health and environmental protection",
    ]

    projects = Project.objects.filter(fair=fair)
    assert Counter(projects.values_list("state", flat=True)) == REVIEW_FAIR_STATES
    assert not projects.filter(
        state__in=(ProjectState.FINALIST, ProjectState.NOT_SELECTED, ProjectState.AWARDED)
    ).exists()
    assert set(Counter(projects.values_list("nomination__position", flat=True)).values()) == {15}
    submitted = Counter(projects.filter(state=ProjectState.SUBMITTED).values_list("nomination", flat=True))
    assert len(submitted) == 3
    assert min(submitted.values()) >= 9
    assert not projects.exclude(state=ProjectState.DRAFT).filter(images__isnull=True).exists()
    assert projects.filter(state=ProjectState.SUBMITTED, is_public=True).exists()
    assert f"{REVIEW_FAIR} (review): draft 2, submitted 40, returned 2, withdrawn 1" in output
    # The home page stays about the fair in its voting phase.
    assert selectors.current_fair(now).slug == "demo-2026"


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
    assert "Astana Social Projects Fair 2026" in page.content.decode()
    owned = Project.objects.filter(organisation__memberships__user__email="ngo2@example.kz")
    assert {ProjectState.FINALIST, ProjectState.SUBMITTED, ProjectState.RETURNED} <= set(
        owned.values_list("state", flat=True)
    )
    # In the fair under review ngo1 waits for the jury, ngo2 may still make the changes asked for.
    in_review = Project.objects.filter(fair__slug=REVIEW_FAIR)
    assert in_review.filter(
        organisation__memberships__user__email="ngo1@example.kz", state=ProjectState.SUBMITTED
    ).exists()
    returned = in_review.get(organisation__memberships__user__email="ngo2@example.kz")
    assert returned.state == ProjectState.RETURNED
    assert can_edit_project(User.objects.get(email="ngo2@example.kz"), returned, timezone.now())


def test_running_again_does_nothing_and_reset_rebuilds_the_same_data(django_capture_on_commit_callbacks):
    seed()
    first = snapshot()
    first_ids = set(Project.objects.values_list("id", flat=True))
    first_files = list(ProjectImage.objects.values_list("image", flat=True))

    output = seed()

    assert "already exists" in output
    assert snapshot() == first

    with django_capture_on_commit_callbacks(execute=True):
        output = seed(action="reset")

    assert f"Reset: deleted {BASE_PROJECTS} projects" in output
    assert snapshot() == first  # the same seed gives the same portal
    assert not first_ids & set(Project.objects.values_list("id", flat=True))
    assert User.objects.filter(email__endswith="@example.kz").count() == 3
    assert set(Fair.objects.values_list("slug", flat=True)) == set(SLUGS)
    assert not any(default_storage.exists(name) for name in first_files)


@pytest.mark.parametrize(
    ("slug", "states"), [("demo-2026", CURRENT_FAIR_STATES), (REVIEW_FAIR, REVIEW_FAIR_STATES)]
)
def test_reset_leaves_other_organisations_alone_and_refuses_to_delete_their_projects(slug, states):
    real = OrganisationFactory(email="info@real-ngo.kz")
    seed()
    ProjectFactory(organisation=real, fair=Fair.objects.get(slug=slug))

    with pytest.raises(CommandError, match="did not create"):
        seed(action="reset")

    assert Project.objects.filter(fair__slug=slug).count() == sum(states.values()) + 1
    Project.objects.filter(organisation=real).delete()
    seed(action="reset")
    assert Organisation.objects.filter(pk=real.pk).exists()


def test_scale_multiplies_organisations_and_projects():
    output = seed("--scale", "2", "--verbosity", "1")

    assert Organisation.objects.count() == 2 * BASE_ORGANISATIONS
    assert Project.objects.count() == 2 * BASE_PROJECTS
    assert Project.objects.filter(fair__slug="demo-2026", state=ProjectState.FINALIST).count() == 100
    in_review = Project.objects.filter(fair__slug=REVIEW_FAIR)
    assert Counter(in_review.values_list("state", flat=True)) == {
        state: 2 * count for state, count in REVIEW_FAIR_STATES.items()
    }
    assert set(Counter(in_review.values_list("nomination", flat=True)).values()) == {30}
    assert f"Projects: 500/{2 * BASE_PROJECTS}" in output
    assert f"Projects: {2 * BASE_PROJECTS}/{2 * BASE_PROJECTS}" in output
    assert not Project.objects.public().filter(images__isnull=True).exists()
    for image in ProjectImage.objects.all()[:50]:
        assert default_storage.exists(image.thumbnail.name)


def test_the_fair_in_review_takes_the_jury_workflow_and_reset_removes_it_all(
    django_capture_on_commit_callbacks,
):
    seed()
    fair = Fair.objects.get(slug=REVIEW_FAIR)
    organiser = make_organiser("organiser@fair.kz")

    # The organiser sets up the review, a juror scores every project, the best two per nomination
    # become finalists.
    review = jury_services.review_create(fair=fair, **jury_services.review_window_defaults(fair))
    juror = JurorFactory(review=review)
    criteria = list(review.criteria.all())
    under_review = list(fair.projects.filter(state=ProjectState.SUBMITTED).order_by("id"))
    for rank, project in enumerate(under_review):
        answers = {
            criterion.pk: 1 + (rank * 7 + criterion.pk) % criterion.scale_max for criterion in criteria
        }
        jury_services.evaluation_save(juror=juror, project=project, answers=answers, comment="")
    shortlist = jury_services.shortlist_preview(
        review=review, top_n=2, per_nomination=True, include_ties=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        promoted, _turned_down = jury_services.shortlist_apply(
            review=review,
            top_n=2,
            per_nomination=True,
            include_ties=True,
            expected_ids=shortlist.selected_ids,
            others_not_selected=False,
            actor=organiser,
        )
    assert promoted == len(shortlist.selected_ids) > 0
    finalists = fair.projects.filter(state=ProjectState.FINALIST)
    assert finalists.count() == promoted

    # Once voting opens, the finalists are on the public site and open to votes.
    fair.voting_opens_at = timezone.now() - timedelta(minutes=5)
    fair.save()
    assert fair.voting_open_at(timezone.now())
    assert set(Project.objects.public().filter(fair=fair, state=ProjectState.FINALIST)) == set(finalists)

    with django_capture_on_commit_callbacks(execute=True):
        output = seed(action="reset")

    assert f"Reset: deleted {BASE_PROJECTS} projects" in output
    assert not Review.objects.exists()
    assert not Evaluation.objects.exists()
    rebuilt = Fair.objects.get(slug=REVIEW_FAIR)
    assert rebuilt.phase_at(timezone.now()) == Phase.REVIEW
    assert not rebuilt.projects.filter(state=ProjectState.FINALIST).exists()


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


def test_if_empty_leaves_a_database_with_real_fairs_alone():
    FairFactory(slug="real-fair")

    call_command("demo", "seed", "--if-empty", stdout=StringIO())

    assert list(Fair.objects.values_list("slug", flat=True)) == ["real-fair"]
    assert not Project.objects.exists()
