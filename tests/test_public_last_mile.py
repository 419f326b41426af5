"""The public site's last mile (issue 15): every active fair on the home page with the vote first,
the heading outline, the catalogue's folded filters, the code field's focus, Kazakh inflections."""

import html as html_lib
import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import ProjectState
from projects.selectors import kazakh_search_stem
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def test_announcing_next_years_fair_leaves_the_fair_in_voting_first_with_its_vote_button(
    client, django_assert_max_num_queries
):
    voting = FairFactory(in_voting=True, title_en="Fair in voting", slug="fair-2026")
    NominationFactory(fair=voting)
    # Created later, so newer: the home page used to show only this one.
    FairFactory(title_en="Next year's fair", slug="fair-2027", opens=timezone.now() + timedelta(days=30))
    FairFactory(title_en="Fair in submission", slug="fair-sub", opens=timezone.now() - timedelta(days=1))

    with django_assert_max_num_queries(5):
        html = client.get("/en/").content.decode()

    titles = [
        html_lib.unescape(t)
        for t in re.findall(r'<h2 id="fair-title-\d+" class="h3"><a [^>]*>([^<]+)</a>', html)
    ]
    assert titles[0] == "Fair in voting"
    assert set(titles) == {"Fair in voting", "Fair in submission", "Next year's fair"}
    assert 'href="/en/fairs/fair-2026/projects/?finalists=on#projects-found"' in html


def test_on_a_phone_the_vote_button_is_in_the_first_screen_while_a_fair_is_in_voting(client):
    """The phone walk found the fair card's vote button at y = 873 of an 844 px screen, below the
    hero: while a fair is in voting, the hero itself leads to its finalists."""
    FairFactory(in_voting=True, slug="fair-2026")
    FairFactory(slug="fair-sub", opens=timezone.now() - timedelta(days=1))

    html = client.get("/kk/").content.decode()
    hero = re.search(r'<section class="hero.*?</section>', html, re.S).group(0)

    assert re.search(
        r'class="btn btn-primary btn-lg" href="/kk/fairs/fair-2026/projects/\?finalists=on#projects-found"',
        hero,
    )


def test_without_a_fair_in_voting_the_hero_explains_the_fair(client):
    FairFactory(slug="fair-sub", opens=timezone.now() - timedelta(days=1))

    hero = re.search(r'<section class="hero.*?</section>', client.get("/ru/").content.decode(), re.S).group(0)

    assert "finalists=on" not in hero
    assert 'class="btn btn-primary btn-lg" href="/ru/about/"' in hero


def test_more_fairs_cost_no_more_queries(client, django_assert_max_num_queries):
    FairFactory(in_voting=True)
    client.get("/en/")
    for day in range(4):
        FairFactory(opens=timezone.now() - timedelta(days=day))

    with django_assert_max_num_queries(5):
        client.get("/ru/?again")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_home_pages_outline_never_skips_a_level(client, lang):
    fair = FairFactory(in_voting=True)
    NominationFactory(fair=fair)

    levels = headings(client.get(f"/{lang}/").content.decode())

    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
    # The timeline belongs to the fair's card: under its h2, as an h3.
    assert re.search(r'<h3 id="timeline-title"', client.get(f"/{lang}/").content.decode())


def test_the_fair_page_keeps_its_timeline_as_a_second_level(client):
    fair = FairFactory(in_voting=True)

    html = client.get(f"/en/fairs/{fair.slug}/").content.decode()

    assert '<h2 id="timeline-title"' in html


def test_the_catalogues_filters_fold_until_a_filter_is_used(client):
    fair = FairFactory(in_voting=True)
    ProjectFactory(fair=fair, state=ProjectState.FINALIST, title="Жасыл аула")

    folded = client.get(f"/en/fairs/{fair.slug}/projects/", {"finalists": "on"}).content.decode()
    searching = client.get(f"/en/fairs/{fair.slug}/projects/", {"q": "аула"}).content.decode()

    assert '<details class="filters-fold mb-4">' in folded
    assert '<details class="filters-fold mb-4" open>' in searching
    # The vote button's anchor exists and comes before the first project.
    assert folded.index('id="projects-found"') < folded.index("Жасыл аула</a>")


def test_the_code_field_takes_the_focus(client):
    from voting.forms import CodeForm

    html = str(CodeForm(project_id=1)["code"])

    assert "autofocus" in html


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("жастарға", "жастар"),
        ("балалардың", "балалар"),
        ("жастардан", "жастар"),
        ("мүгедектерге", "мүгедектер"),
        ("жобаның", "жоба"),
        ("ауылдағы", "ауыл"),
        ("балаларымыз", "балалар"),
        ("жастарымызға", "жастар"),
        ("оқушыларына", "оқушылар"),
        ("бірге", "бірге"),  # too short a remainder: not an ending
        ("стране", "стране"),  # Russian: left to the Russian stemmer
        ("жастар", "жастар"),  # the plural is never cut, so жастар never widens to жас
    ],
)
def test_one_kazakh_case_ending_comes_off_a_query_word(word, stem):
    assert kazakh_search_stem(word) == stem


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("жастар", ["Жастарға арналған орталық", "Жастардың үні"]),
        ("жастарға", ["Жастарға арналған орталық", "Жастардың үні"]),
        ("жастардың", ["Жастарға арналған орталық", "Жастардың үні"]),
        ("балалардың", ["Балалар үйі"]),
        ("жасыл", ["Жасыл аула"]),
        ("проекты", ["Проект помощи"]),  # Russian stemming still works
    ],
)
def test_kazakh_search_finds_inflected_words(client, query, expected):
    fair = FairFactory(in_voting=True)
    for title in ["Жастарға арналған орталық", "Жастардың үні", "Балалар үйі", "Жасыл аула", "Проект помощи"]:
        ProjectFactory(fair=fair, state=ProjectState.FINALIST, title=title, summary="")

    html = client.get(f"/en/fairs/{fair.slug}/projects/", {"q": query, "sort": "title"}).content.decode()
    found = re.findall(r'class="stretched-link" href="[^"]+"[^>]*>([^<]+)</a>', html)

    assert sorted(found) == sorted(expected)
