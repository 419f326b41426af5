"""The pages every visitor sees, in each of the three languages."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "kk": "Әлеуметтік жобалар жәрмеңкесі",
    "ru": "Ярмарка социальных проектов",
    "en": "Social Projects Fair",
}
ABOUT_TITLES = {"kk": "Жәрмеңке туралы", "ru": "О ярмарке", "en": "About the fair"}
SKIP_LINKS = {
    "kk": "Негізгі мазмұнға өту",
    "ru": "Перейти к основному содержанию",
    "en": "Skip to main content",
}


def h1_texts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_page_speaks_the_language_of_its_url(client, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"/{lang}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert h1_texts(html) == [HOME_TITLES[lang]]
    assert SKIP_LINKS[lang] in html
    assert response["Content-Language"] == lang


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_about_page_speaks_the_language_of_its_url(client, lang):
    response = client.get(f"/{lang}/about/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert h1_texts(html) == [ABOUT_TITLES[lang]]
    assert 'id="accessibility"' in html


def test_home_page_in_kazakh_has_no_english_leftovers(client):
    html = client.get("/kk/").content.decode()

    for english in ("Skip to main content", "Expert review", "Public voting", "How the fair works"):
        assert english not in html


def test_page_skeleton_is_accessible(client):
    html = client.get("/en/").content.decode()

    # The skip link is the first focusable element and points at <main>.
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main"' in html
    assert re.search(r'<nav[^>]+aria-label="Main"', html)
    assert re.search(r'<nav[^>]+aria-label="Languages"', html)
    assert "<footer" in html
    assert 'aria-current="page">Home<' in html


def test_bare_root_redirects_to_the_visitors_language(client):
    assert client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})["Location"] == "/ru/"
    assert client.get("/", headers={"accept-language": "en-US"})["Location"] == "/en/"
    # Kazakh is the default for everyone else.
    assert client.get("/", headers={"accept-language": "de"})["Location"] == "/kk/"


def test_language_switcher_keeps_the_visitor_on_the_same_page(client):
    html = client.get("/ru/about/?from=share").content.decode()

    assert 'href="/kk/about/?from=share" lang="kk" hreflang="kk"' in html
    assert 'href="/en/about/?from=share" lang="en" hreflang="en"' in html
    assert re.search(r'href="/ru/about/\?from=share"[^>]*aria-current="true"', html)

    followed = client.get("/kk/about/?from=share").content.decode()
    assert h1_texts(followed) == [ABOUT_TITLES["kk"]]


def test_every_page_announces_its_other_language_versions(client):
    html = client.get("/en/about/").content.decode()

    for lang in ("kk", "ru", "en"):
        assert f'<link rel="alternate" hreflang="{lang}" href="http://127.0.0.1:8000/{lang}/about/">' in html


@pytest.mark.parametrize(
    ("lang", "title"),
    [("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")],
)
def test_unknown_address_shows_a_translated_404_in_the_site_design(client, lang, title):
    response = client.get(f"/{lang}/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert h1_texts(html) == [title]
    assert 'class="skip-link"' in html
    # The language switch works on an error page too.
    other = "en" if lang != "en" else "kk"
    assert f'href="/{other}/no-such-page/"' in html


def test_server_error_page_renders_without_a_request():
    # Django renders 500.html with an empty context: nothing in base.html may need one.
    with translation.override("ru"):
        html = render_to_string("500.html")

    assert h1_texts(html) == ["Что-то пошло не так"]


def test_bad_request_and_forbidden_pages_are_translated():
    with translation.override("kk"):
        assert h1_texts(render_to_string("400.html")) == ["Қате сұрау"]
        assert h1_texts(render_to_string("403.html")) == ["Кіруге рұқсат жоқ"]


def test_form_posted_without_csrf_token_gets_a_friendly_403():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/ru/admin/login/", {"username": "a@b.kz", "password": "x"})

    assert response.status_code == 403
    assert h1_texts(response.content.decode()) == ["Срок действия формы истёк"]


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /kk/admin/" in response.content.decode()


def test_favicon_ico_points_at_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"


def test_bootstrap_is_served_from_our_own_static_files(client):
    html = client.get("/en/").content.decode()

    assert '<link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.css">' in html
    assert "cdn" not in html.lower()
    # Nothing the browser loads comes from another site (links to our own canonical address aside).
    assert not re.search(r'<(script|img)[^>]+src="https?://', html)
    assert not re.search(r'<link rel="(stylesheet|icon)"[^>]+href="https?://', html)


def test_bootstrap_files_are_found_for_collectstatic():
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("css/site.css")


def test_language_links_never_point_off_site(client):
    html = client.get("//evil.example/x").content.decode()

    assert "evil.example" not in html
