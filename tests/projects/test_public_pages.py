"""The public site: what a citizen sees when a link is shared with them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Project, ProjectState, Region, Sphere
from tests.factories.accounts import UserFactory
from tests.factories.projects import (
    FairFactory,
    MembershipFactory,
    NominationFactory,
    OrganisationFactory,
    ProjectFactory,
    jpeg_upload,
)

pytestmark = pytest.mark.django_db


def url(name: str, lang: str = "en", *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def with_image(project, alt="Волонтёры на занятии"):
    """Attach an image the way an NGO does: to its draft, while submission is open."""
    user = UserFactory()
    MembershipFactory(organisation=project.organisation, user=user)
    state = project.state
    Project.objects.filter(pk=project.pk).update(state=ProjectState.DRAFT)
    services.project_add_image(project=project, user=user, upload=jpeg_upload(), alt_text=alt)
    Project.objects.filter(pk=project.pk).update(state=state)
    return project


@pytest.fixture
def fair():
    return FairFactory(slug="almaty-2026")


@pytest.fixture
def hidden_and_public(fair):
    nomination = NominationFactory(fair=fair)
    public = {
        "finalist": ProjectFactory(
            fair=fair, nomination=nomination, state=ProjectState.FINALIST, title="Финалист"
        ),
        "shown": ProjectFactory(
            fair=fair, nomination=nomination, state=ProjectState.SUBMITTED, is_public=True, title="Показанная"
        ),
    }
    hidden = {
        "draft": ProjectFactory(fair=fair, state=ProjectState.DRAFT, is_public=True, title="Черновик-секрет"),
        "submitted": ProjectFactory(fair=fair, state=ProjectState.SUBMITTED, title="Поданная-секрет"),
        "returned": ProjectFactory(
            fair=fair, state=ProjectState.RETURNED, is_public=True, title="Возвращённая-секрет"
        ),
        "withdrawn": ProjectFactory(
            fair=fair, state=ProjectState.WITHDRAWN, is_public=True, title="Отозванная-секрет"
        ),
    }
    return public, hidden


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_hidden_projects_never_appear_on_public_pages(client, fair, hidden_and_public, lang):
    public, hidden = hidden_and_public
    pages = [
        url("catalogue:project_list", lang, fair.slug),
        url("catalogue:fair_detail", lang, fair.slug),
        url("catalogue:fair_list", lang),
        f"/{lang}/",
        "/sitemap-projects.xml",
    ]
    html = "".join(client.get(page).content.decode() for page in pages)

    assert "Финалист" in html
    for project in hidden.values():
        assert project.title not in html
        assert client.get(url("catalogue:project_detail", lang, project.pk)).status_code == 404
    for project in public.values():
        assert client.get(url("catalogue:project_detail", lang, project.pk)).status_code == 200


def test_unpublished_fairs_and_their_projects_are_not_public(client):
    project = ProjectFactory(fair=FairFactory(is_published=False, slug="secret"), state=ProjectState.FINALIST)

    assert client.get(url("catalogue:fair_detail", "en", "secret")).status_code == 404
    assert client.get(url("catalogue:project_detail", "en", project.pk)).status_code == 404


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("kk", "Жобалар"), ("ru", "Проекты"), ("en", "Projects")],
)
def test_catalogue_is_translated(client, fair, lang, heading):
    html = client.get(url("catalogue:project_list", lang, fair.slug)).content.decode()

    assert f"<h1>{heading} — {fair.title_en if lang == 'en' else getattr(fair, 'title_' + lang)}</h1>" in html


def catalogue_titles(client, fair, **params) -> list[str]:
    html = client.get(url("catalogue:project_list", "en", fair.slug), params).content.decode()
    return re.findall(r'class="stretched-link" href="[^"]+">([^<]+)</a>', html)


def test_filters_by_nomination_region_and_sphere(client, fair):
    health, rights = (
        NominationFactory(fair=fair, title_en="Health"),
        NominationFactory(fair=fair, title_en="Rights"),
    )
    astana, almaty = Region.objects.get(code="astana"), Region.objects.get(code="almaty")
    ecology, youth = Sphere.objects.get(slug="ecology"), Sphere.objects.get(slug="youth")
    ProjectFactory(
        fair=fair, nomination=health, region=astana, spheres=[ecology], state="finalist", title="A"
    )
    ProjectFactory(fair=fair, nomination=rights, region=almaty, spheres=[youth], state="finalist", title="B")
    ProjectFactory(
        fair=fair, nomination=health, region=almaty, spheres=[youth, ecology], state="finalist", title="C"
    )

    assert sorted(catalogue_titles(client, fair, nomination=health.pk)) == ["A", "C"]
    assert sorted(catalogue_titles(client, fair, region=almaty.pk)) == ["B", "C"]
    assert sorted(catalogue_titles(client, fair, sphere=ecology.pk)) == ["A", "C"]
    assert catalogue_titles(client, fair, nomination=health.pk, region=almaty.pk, sphere=youth.pk) == ["C"]
    assert catalogue_titles(client, fair, sort="title") == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("проекты", ["Проект помощи детям"]),  # Russian stemming: plural finds singular
        ("помощь детям", ["Проект помощи детям"]),
        ("қамқ", ["Қамқорлық үйі"]),  # Kazakh by prefix, with Kazakh letters
        ("ҮЙІ", ["Қамқорлық үйі"]),  # case does not matter
        ("әже", ["Әжелер мектебі"]),
        ("green", ["Green Steppe"]),
        ("нет такого", []),
        ("& | ! :*", ["Green Steppe", "Проект помощи детям", "Әжелер мектебі", "Қамқорлық үйі"]),
    ],
)
def test_full_text_search(client, fair, query, expected):
    for title in ["Проект помощи детям", "Қамқорлық үйі", "Әжелер мектебі", "Green Steppe"]:
        ProjectFactory(fair=fair, state=ProjectState.FINALIST, title=title, summary="")

    assert sorted(catalogue_titles(client, fair, q=query, sort="title")) == sorted(expected)


def test_search_also_reads_the_summary(client, fair):
    ProjectFactory(
        fair=fair,
        state=ProjectState.FINALIST,
        title="Мейірім",
        summary="Ерекше балаларға арналған өнер студиясы",
    )

    assert catalogue_titles(client, fair, q="студиясы") == ["Мейірім"]
    assert catalogue_titles(client, fair, q="балаларға студ") == ["Мейірім"]  # every word, by prefix
    assert catalogue_titles(client, fair, q="балаларға театр") == []


def test_filters_stay_in_the_shareable_url(client, fair):
    nomination = NominationFactory(fair=fair)
    for n in range(30):
        ProjectFactory(fair=fair, nomination=nomination, state=ProjectState.FINALIST, title=f"P{n:02d}")

    html = client.get(
        url("catalogue:project_list", "en", fair.slug), {"nomination": nomination.pk, "sort": "title"}
    ).content.decode()

    assert f"?nomination={nomination.pk}&amp;sort=title&amp;page=2" in html
    page2 = catalogue_titles(client, fair, nomination=nomination.pk, sort="title", page=2)
    assert page2 == ["P24", "P25", "P26", "P27", "P28", "P29"]


@pytest.mark.parametrize("count", [3, 30])
def test_catalogue_queries_do_not_grow_with_projects(client, fair, count, django_assert_max_num_queries):
    for _n in range(count):
        with_image(ProjectFactory(fair=fair, state=ProjectState.FINALIST))

    # One more than the page needs: when the cached copy must expire (the next schedule change).
    with django_assert_max_num_queries(9):
        response = client.get(url("catalogue:project_list", "en", fair.slug))

    assert response.status_code == 200


@pytest.mark.parametrize("images", [1, 5])
def test_project_page_queries_are_constant(client, fair, images, django_assert_max_num_queries):
    project = ProjectFactory(fair=fair, state=ProjectState.FINALIST)
    for n in range(images):
        with_image(project, alt=f"Фото {n}")
    for _n in range(3):
        ProjectFactory(organisation=project.organisation, state=ProjectState.FINALIST)

    with django_assert_max_num_queries(8):
        response = client.get(url("catalogue:project_detail", "en", project.pk))

    assert response.content.decode().count('alt="Фото') == images


def test_project_page_previews_well_when_shared(client, fair):
    project = with_image(
        ProjectFactory(fair=fair, state=ProjectState.FINALIST, title="Инклюзивная мастерская")
    )

    html = client.get(url("catalogue:project_detail", "ru", project.pk)).content.decode()

    image = project.images.get()
    assert '<meta property="og:title" content="Инклюзивная мастерская">' in html
    assert f'<meta property="og:image" content="http://127.0.0.1:8000{image.image.url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:url" content="http://127.0.0.1:8000/ru/projects/{project.pk}/">' in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/ru/projects/{project.pk}/">' in html
    assert (
        f'<link rel="alternate" hreflang="kk" href="http://127.0.0.1:8000/kk/projects/{project.pk}/">' in html
    )
    assert "https://t.me/share/url?url=" in html


def test_organisation_page_lists_public_projects_across_fairs(client):
    organisation = OrganisationFactory(name="ОФ «Мейірім»")
    old = ProjectFactory(organisation=organisation, state=ProjectState.FINALIST, title="2025 project")
    new = ProjectFactory(organisation=organisation, state=ProjectState.FINALIST, title="2026 project")
    ProjectFactory(organisation=organisation, state=ProjectState.DRAFT, title="Draft project")

    html = client.get(url("catalogue:organisation_detail", "en", organisation.pk)).content.decode()

    assert old.title in html
    assert new.title in html
    assert "Draft project" not in html
    assert organisation.phone not in html  # contact details stay private


def test_organisation_without_public_projects_has_no_page(client):
    organisation = ProjectFactory(state=ProjectState.SUBMITTED).organisation

    assert client.get(url("catalogue:organisation_detail", "en", organisation.pk)).status_code == 404


def test_sitemap_lists_public_pages_in_three_languages(client, fair, hidden_and_public):
    public, hidden = hidden_and_public

    index = client.get("/sitemap.xml").content.decode()
    projects_xml = client.get("/sitemap-projects.xml").content.decode()

    assert "sitemap-projects.xml" in index
    for lang in ("kk", "ru", "en"):
        assert f"/{lang}/projects/{public['finalist'].pk}/</loc>" in projects_xml
    assert f'hreflang="ru" href="http://testserver/ru/projects/{public["shown"].pk}/"' in projects_xml
    assert f"/projects/{hidden['draft'].pk}/" not in projects_xml


def test_home_calls_visitors_to_vote_during_voting(client):

    from django.utils import timezone

    fair = FairFactory(in_voting=True, title_en="Voting fair")

    html = client.get("/en/").content.decode()

    assert fair.phase_at(timezone.now()) == "voting"
    assert "See the finalists and vote" in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", {"fairs": "Жәрмеңкелер", "nominations": "Номинациялар", "share": "Жобамен бөлісу"}),
        ("ru", {"fairs": "Ярмарки", "nominations": "Номинации", "share": "Поделиться проектом"}),
        ("en", {"fairs": "Fairs", "nominations": "Nominations", "share": "Share this project"}),
    ],
)
def test_public_pages_speak_each_language(client, fair, lang, words):
    project = ProjectFactory(fair=fair, state=ProjectState.FINALIST, nomination=NominationFactory(fair=fair))

    fair_list = client.get(url("catalogue:fair_list", lang)).content.decode()
    fair_page = client.get(url("catalogue:fair_detail", lang, fair.slug)).content.decode()
    project_page = client.get(url("catalogue:project_detail", lang, project.pk)).content.decode()
    organisation_page = client.get(url("catalogue:organisation_detail", lang, project.organisation_id))

    assert f"<h1>{words['fairs']}</h1>" in fair_list
    assert f">{words['nominations']}</h2>" in fair_page
    assert getattr(fair, f"title_{lang}") in fair_page
    assert words["share"] in project_page
    assert f'<html lang="{lang}">' in project_page
    assert organisation_page.status_code == 200


def test_finalists_only_for_voters(client, fair):
    ProjectFactory(fair=fair, state=ProjectState.FINALIST, title="F")
    ProjectFactory(fair=fair, state=ProjectState.SUBMITTED, is_public=True, title="S")

    assert catalogue_titles(client, fair, finalists="on") == ["F"]
    assert sorted(catalogue_titles(client, fair)) == ["F", "S"]


def test_the_fair_page_says_how_its_voters_prove_who_they_are(client, fair):
    fair.voting_channels = ["email", "card"]
    fair.save()

    page = client.get(url("catalogue:fair_detail", "en", fair.slug)).content.decode()

    assert "How to vote in this fair: E-mail, Voting cards handed out at the fair." in page
