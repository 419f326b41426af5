"""Sharing previews and the sitemap: what a messenger shows when a link is pasted, and what a
search engine is told exists.

Before: only project pages had Open Graph tags (with `og:locale` "ru" instead of ru_RU and no
image at all when the project had none); fair, NGO and winners pages had none; the sitemap knew
nothing of winners and results pages.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Ceremony, CeremonyPhoto
from projects.media import reencode_image
from projects.models import ProjectState
from tests.factories.projects import FairFactory, OrganisationFactory, ProjectFactory, jpeg_upload

pytestmark = pytest.mark.django_db

SITE = "https://fair.example.kz"
LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_US"}


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.MEDIA_ROOT = tmp_path


def url(name: str, lang: str, *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def meta(html: str) -> dict[str, list[str]]:
    """Every <meta property|name=... content=...> of the page, by its property or name."""
    found: dict[str, list[str]] = {}
    for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html):
        found.setdefault(key, []).append(content)
    return found


def ceremony_for(fair, *, published=True) -> Ceremony:
    return Ceremony.objects.create(
        fair=fair,
        held_at=fair.ceremony_at,
        venue_kk="Сарай",
        venue_ru="Дворец",
        venue_en="Palace",
        city_kk="Алматы",
        city_ru="Алматы",
        city_en="Almaty",
        description_ru="Церемония прошла\n\nв Алматы.",
        is_published=published,
    )


def photo_of(ceremony) -> CeremonyPhoto:
    processed = reencode_image(jpeg_upload("stage.jpg"))
    photo = CeremonyPhoto(ceremony=ceremony, alt_text_kk="Сахна", alt_text_ru="Сцена", position=0)
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    photo.save()
    return photo


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_shared_fair_page_previews_with_its_title_text_and_the_sites_image(client, lang):
    fair = FairFactory(
        slug="almaty-2026",
        title_kk="Алматы жәрмеңкесі",
        title_ru="Ярмарка Алматы",
        title_en="Almaty fair",
        description_kk="Жобалар\nжәрмеңкесі.",
        description_ru="Ярмарка\n  социальных   проектов.",
        description_en="A fair of\nsocial projects.",
    )

    tags = meta(client.get(url("catalogue:fair_detail", lang, fair.slug)).content.decode())

    assert tags["og:title"] == [fair.title_kk if lang == "kk" else getattr(fair, f"title_{lang}")]
    description = {
        "kk": "Жобалар жәрмеңкесі.",
        "ru": "Ярмарка социальных проектов.",
        "en": "A fair of social projects.",
    }
    assert tags["og:description"] == [description[lang]]
    assert tags["og:type"] == ["website"]
    assert tags["og:url"] == [f"{SITE}/{lang}/fairs/almaty-2026/"]
    assert tags["og:locale"] == [LOCALES[lang]]
    assert sorted(tags["og:locale:alternate"]) == sorted(v for k, v in LOCALES.items() if k != lang)
    assert tags["twitter:card"] == ["summary_large_image"]
    (image,) = tags["og:image"]
    assert image.startswith(f"{SITE}/static/img/share")
    assert finders.find("img/share.png"), "the default image is a file the site serves"
    assert tags["twitter:image"] == [image]


def test_a_shared_ngo_page_shows_its_logo(client):
    organisation = OrganisationFactory(name="«Қамқор» қоғамдық қоры", description="Көмек\nкөрсетеміз.")
    processed = reencode_image(jpeg_upload("logo.jpg"))
    organisation.logo.save(processed.image.name, processed.image)
    ProjectFactory(organisation=organisation, state=ProjectState.FINALIST)

    tags = meta(client.get(url("catalogue:organisation_detail", "kk", organisation.pk)).content.decode())

    assert tags["og:title"] == ["«Қамқор» қоғамдық қоры"]
    assert tags["og:description"] == ["Көмек көрсетеміз."]
    assert tags["og:image"] == [SITE + organisation.logo.url]
    assert tags["og:url"] == [f"{SITE}/kk/organisations/{organisation.pk}/"]
    assert tags["og:locale"] == ["kk_KZ"]


def test_a_shared_winners_page_shows_the_published_ceremonys_photo(client):
    fair = FairFactory(slug="done-2026", opens=timezone.now() - timedelta(days=80), title_ru="Ярмарка 2026")
    photo = photo_of(ceremony_for(fair))

    tags = meta(client.get(url("awards:winners", "ru", fair.slug)).content.decode())

    assert tags["og:title"] == ["Победители: Ярмарка 2026"]
    assert tags["og:description"] == ["Церемония прошла в Алматы."]
    assert tags["og:image"] == [SITE + photo.image.url]
    assert tags["og:image:alt"] == ["Сцена"]
    assert tags["og:url"] == [f"{SITE}/ru/fairs/done-2026/winners/"]
    assert tags["og:locale"] == ["ru_RU"]


def test_an_unpublished_ceremonys_photo_never_reaches_a_preview(client):
    fair = FairFactory(slug="soon-2026", opens=timezone.now() - timedelta(days=80))
    photo = photo_of(ceremony_for(fair, published=False))

    html = client.get(url("awards:winners", "en", fair.slug)).content.decode()

    (image,) = meta(html)["og:image"]
    assert image.startswith(f"{SITE}/static/img/share")
    assert photo.image.url not in html


def test_a_project_without_images_still_previews_large_with_the_sites_image(client):
    project = ProjectFactory(
        state=ProjectState.FINALIST, title="Жасыл аула", summary="Аулаларды\nкөгалдандырамыз."
    )

    tags = meta(client.get(url("catalogue:project_detail", "kk", project.pk)).content.decode())

    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Жасыл аула"]
    assert tags["og:description"] == ["Аулаларды көгалдандырамыз."]
    assert tags["og:locale"] == ["kk_KZ"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image"][0].startswith(f"{SITE}/static/img/share")


# ---------------------------------------------------------------- sitemap


def test_winners_pages_of_published_ceremonies_are_in_the_sitemap_in_every_language(client):
    shown = FairFactory(slug="shown-2026", opens=timezone.now() - timedelta(days=80))
    ceremony_for(shown)
    ceremony_for(
        FairFactory(slug="draft-ceremony", opens=timezone.now() - timedelta(days=80)), published=False
    )
    ceremony_for(
        FairFactory(slug="hidden-fair", is_published=False, opens=timezone.now() - timedelta(days=80))
    )

    index = client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-winners.xml").content.decode()

    assert "sitemap-winners.xml" in index
    for lang in ("kk", "ru", "en"):
        assert f"http://testserver/{lang}/fairs/shown-2026/winners/</loc>" in xml
        assert f'hreflang="{lang}" href="http://testserver/{lang}/fairs/shown-2026/winners/"' in xml
    assert "draft-ceremony" not in xml
    assert "hidden-fair" not in xml


def test_results_pages_are_in_the_sitemap_once_their_counts_are_public(client):
    now = timezone.now()
    FairFactory(slug="closed", opens=now - timedelta(days=61))  # voting closed yesterday
    FairFactory(slug="live", opens=now - timedelta(days=55), live_results=True)  # voting, counts shown
    FairFactory(slug="secret", opens=now - timedelta(days=55))  # voting, counts hidden
    FairFactory(slug="early", opens=now - timedelta(days=5), live_results=True)  # not voting yet
    FairFactory(slug="unpublished", opens=now - timedelta(days=61), is_published=False)

    index = client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-results.xml").content.decode()

    assert "sitemap-results.xml" in index
    for lang in ("kk", "ru", "en"):
        assert f"http://testserver/{lang}/fairs/closed/results/</loc>" in xml
        assert f'hreflang="{lang}" href="http://testserver/{lang}/fairs/live/results/"' in xml
    for slug in ("secret", "early", "unpublished"):
        assert f"/fairs/{slug}/" not in xml
