"""What axe-core does not see (WCAG 2.1 AA): the language of parts, field boundaries, text sizes,
and the results table under enlarged text spacing.

The pages are parsed as a browser builds them (the standard library's HTML parser), so "in
Russian" means what a screen reader decides: the `lang` of the nearest element that has one.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from projects import services
from projects.models import Project, ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import (
    FairFactory,
    MembershipFactory,
    NominationFactory,
    ProjectFactory,
    jpeg_upload,
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.texts = []  # (text, element holding it)

    @property
    def language(self) -> str:
        """The language this element's text is read in: its own lang or the nearest ancestor's."""
        element = self
        while element is not None:
            if "lang" in element.attrs:
                return element.attrs["lang"]
            element = element.parent
        return ""

    def text(self) -> str:
        return " ".join(" ".join(t for t, _ in self.texts_within()).split())

    def texts_within(self):
        yield from self.texts
        for child in self.children:
            yield from child.texts_within()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [], None)
        self.current = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        if data.strip():
            self.current.texts.append((data, self.current))

    def elements(self, tag=None, **attrs):
        for element in self.root.iter():
            if tag and element.tag != tag:
                continue
            if all(
                re.search(rf"(^|\s){re.escape(v)}(\s|$)", element.attrs.get(k.rstrip("_")) or "")
                for k, v in attrs.items()
            ):
                yield element

    def main(self) -> Element:
        return next(self.elements("main"))

    def language_of(self, text: str) -> str:
        """The language in which the (first) text node containing `text` is read."""
        for words, element in self.main().texts_within():
            if text in " ".join(words.split()):
                return element.language
        raise AssertionError(f"{text!r} is not on the page")

    def element_holding(self, text: str) -> Element:
        for words, element in self.main().texts_within():
            if text in " ".join(words.split()):
                return element
        raise AssertionError(f"{text!r} is not on the page")


def url(name, lang, *args):
    with translation.override(lang):
        return reverse(name, args=args or None)


def label(text, lang):
    with translation.override(lang):
        return gettext(text)


def with_image(project, alt):
    """Attach an image the way an NGO does: to its draft, while submission is open (then)."""
    user = UserFactory()
    MembershipFactory(organisation=project.organisation, user=user)
    state = project.state
    Project.objects.filter(pk=project.pk).update(state=ProjectState.DRAFT)
    services.project_add_image(
        project=project,
        user=user,
        upload=jpeg_upload(),
        alt_text=alt,
        now=project.fair.submission_opens_at + timedelta(hours=1),
    )
    Project.objects.filter(pk=project.pk).update(state=state)
    return project


RUSSIAN = {
    "content_language": "ru",
    "title": "Дом милосердия",
    "summary": "Ежедневная помощь пожилым людям на дому.",
    "problem": "Одинокие пожилые люди остаются без ухода.",
    "target_group": "Пенсионеры старше семидесяти лет",
}
KAZAKH = {
    "content_language": "kk",
    "title": "Мейірім үйі",
    "summary": "Қарт адамдарға үйде күнделікті көмек.",
    "problem": "Жалғыз қарт адамдар күтімсіз қалады.",
    "target_group": "Жетпіс жастан асқан зейнеткерлер",
}


@pytest.fixture
def fair():
    return FairFactory(slug="lang-2026")


def finalist(fair, texts, **more):
    return ProjectFactory(
        fair=fair, nomination=NominationFactory(fair=fair), state=ProjectState.FINALIST, **texts, **more
    )


# --- Language of parts (WCAG 3.1.2) -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("texts", "page_lang"), [(RUSSIAN, "kk"), (KAZAKH, "ru")])
def test_the_ngo_text_is_read_in_its_language_and_the_page_labels_in_the_page_language(
    client, fair, texts, page_lang
):
    project = with_image(finalist(fair, texts), alt=texts["target_group"] + " на фото")
    page = Page(client.get(url("catalogue:project_detail", page_lang, project.pk)).content.decode())
    content_lang = texts["content_language"]

    assert next(page.elements("html")).attrs["lang"] == page_lang
    for own_text in (texts["title"], texts["summary"], texts["problem"], texts["target_group"]):
        assert page.language_of(own_text) == content_lang, own_text
    # The heading is the project's title, in the project's language.
    assert next(page.elements("h1")).language == content_lang
    # The labels around it are the page's own: no lang of their own, so they inherit the page's.
    for own_label in ("Problem", "Target group", "Projects", "Finalist", "Share this project"):
        holder = page.element_holding(label(own_label, page_lang))
        assert holder.language == page_lang, own_label
    assert page.language_of(fair.title_kk if page_lang == "kk" else fair.title_ru) == page_lang
    # Breadcrumbs: the project's own crumb is in its language, the others in the page's.
    crumb = next(page.elements("li", class_="breadcrumb-item", **{"aria-current": "page"}))
    assert crumb.language == content_lang
    # The NGO wrote the photo's description: it is read in the project's language.
    photo = next(
        img for img in page.elements("img") if img.attrs.get("alt", "").startswith(texts["target_group"])
    )
    assert photo.language == content_lang


@pytest.mark.django_db
def test_a_project_in_the_page_language_carries_no_lang_of_its_own(client, fair):
    project = with_image(finalist(fair, KAZAKH), alt="Еріктілер сабақта")
    page = Page(client.get(url("catalogue:project_detail", "kk", project.pk)).content.decode())

    assert [e.tag for e in page.main().iter() if "lang" in e.attrs] == []
    assert page.language_of(KAZAKH["title"]) == "kk"


@pytest.mark.django_db
@pytest.mark.parametrize(("texts", "page_lang"), [(RUSSIAN, "kk"), (KAZAKH, "ru")])
def test_cards_mark_only_the_ngo_text_with_its_language(client, fair, texts, page_lang):
    project = finalist(fair, texts)
    page = Page(client.get(url("catalogue:project_list", page_lang, fair.slug)).content.decode())
    content_lang = texts["content_language"]

    card = next(page.elements("article", class_="project-card"))
    assert "lang" not in card.attrs
    assert page.language_of(texts["title"]) == content_lang
    assert page.language_of(texts["summary"][:20]) == content_lang
    # The state badge and the nomination are the site's words, in the page's language.
    assert page.language_of(label("Finalist", page_lang)) == page_lang
    assert (
        page.language_of(project.nomination.title_kk if page_lang == "kk" else project.nomination.title_ru)
        == page_lang
    )


@pytest.mark.django_db
def test_a_quoted_title_in_a_sentence_is_read_in_the_project_language(client):
    fair = FairFactory(slug="vote-lang", opens=timezone.now() - timedelta(days=55))
    project = finalist(fair, RUSSIAN)
    page = Page(client.get(url("voting:start", "kk", project.pk)).content.decode())

    heading = next(page.elements("h1"))
    assert "lang" not in heading.attrs  # "… дауыс беру" is Kazakh
    assert page.language_of(RUSSIAN["title"]) == "ru"
    # <title> cannot mark a part: the page's language stays, with the title as typed.
    assert RUSSIAN["title"] in next(page.elements("title")).text()


@pytest.mark.django_db
def test_results_name_each_project_in_its_language_inside_a_named_scrolling_region(client):
    fair = FairFactory(slug="results-lang", opens=timezone.now() - timedelta(days=55), live_results=True)
    finalist(fair, RUSSIAN)
    page = Page(client.get(url("voting:results", "kk", fair.slug)).content.decode())

    assert page.language_of(RUSSIAN["title"]) == "ru"
    tables = list(page.elements("table", class_="results-table"))
    assert tables
    for table in tables:
        region = table.parent
        # Under WCAG text spacing at 320 px the table may be wider than the screen: it scrolls in
        # its own region, which the keyboard reaches (tabindex) and a screen reader names.
        assert region.attrs.get("role") == "region"
        assert region.attrs.get("tabindex") == "0"
        assert region.attrs.get("aria-label", "").startswith(label("Valid votes per finalist", "kk"))
        assert "table-responsive" in region.attrs.get("class", "").split()


# --- The style sheet: boundaries, focus and text sizes -----------------------------------------

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()


def css_without_comments() -> str:
    return re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*{([^}]*)}", css_without_comments()).group(1)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root))


def colour(value: str, properties: dict[str, str]) -> str:
    value = value.strip()
    while value.startswith("var("):
        value = properties[re.match(r"var\((--[\w-]+)\)", value).group(1)].strip()
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value


def luminance(hex_colour: str) -> float:
    """Relative luminance, as WCAG 2.1 defines it."""

    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules(selector_part: str) -> list[str]:
    """The declarations of every rule whose selector list contains `selector_part`."""
    return [
        body
        for selectors, body in re.findall(r"([^{}]+){([^{}]*)}", css_without_comments())
        if selector_part in selectors
    ]


def test_the_contrast_formula_matches_the_known_ratios():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#dee2e6", "#ffffff"), 2) == 1.30  # Bootstrap's pale border, as reported


def test_every_field_boundary_colour_reaches_3_to_1():
    properties = custom_properties()
    boundaries = {
        name: colour(value, properties)
        for name, value in properties.items()
        if name.startswith("--fp-field-border") or name == "--fp-field-checked"
    }
    assert {
        "--fp-field-border",
        "--fp-field-border-disabled",
        "--fp-field-border-invalid",
        "--fp-field-checked",
    } <= set(boundaries)
    for name, value in boundaries.items():
        assert contrast(value, "#ffffff") >= 3, name
    # A disabled field keeps a visible edge on its own grey.
    disabled_bg = colour(properties["--fp-field-bg-disabled"], properties)
    assert contrast(boundaries["--fp-field-border-disabled"], disabled_bg) >= 3
    # Bootstrap's invalid state reads the site's colour.
    assert (
        colour(properties["--bs-form-invalid-border-color"], properties)
        == boundaries["--fp-field-border-invalid"]
    )


def test_fields_checkboxes_and_radios_use_the_field_boundary_colours():
    for selector in (".form-control", ".form-select", ".form-check-input"):
        assert any(
            re.search(r"border-color:\s*var\(--fp-field-border\)", body) for body in rules(selector)
        ), selector
    assert any("var(--fp-field-border-disabled)" in body for body in rules(".form-check-input:disabled"))
    # Bootstrap halves a disabled checkbox's opacity, which would halve its edge's contrast too.
    assert any(re.search(r"opacity:\s*1\b", body) for body in rules(".form-check-input:disabled"))
    assert any("var(--fp-field-border-invalid)" in body for body in rules(".is-invalid"))


def test_focus_rings_pair_gold_and_ink_that_stand_out_on_any_background():
    properties = custom_properties()
    gold, ink = colour(properties["--fp-gold"], properties), colour(properties["--fp-ink"], properties)
    # Two colours 9:1 apart: against any background one of them reaches 3:1 (technique C40).
    assert contrast(gold, ink) >= 9
    assert contrast(ink, "#ffffff") >= 3
    for selector in (":focus-visible", ".form-control:focus", ".form-check-input:focus"):
        body = " ".join(rules(selector))
        assert "var(--fp-gold)" in body, selector
        assert "var(--fp-ink)" in body, selector


def rem(value: str) -> float:
    value = value.strip().removesuffix("!important").strip()
    if value.endswith("rem"):
        return float(value[:-3])
    if value.endswith("px"):
        return float(value[:-2]) / 16
    raise AssertionError(f"{value}: a size relative to the parent can shrink inside .small")


def test_badges_and_tag_links_are_at_least_14_px():
    sizes = [
        re.search(r"font-size:\s*([^;]+)", body).group(1) for body in rules(".badge") if "font-size" in body
    ]
    assert sizes
    assert all(rem(size) >= 0.875 for size in sizes)
    assert all(
        rem(re.search(r"font-size:\s*([^;]+)", body).group(1)) >= 0.875
        for body in rules(".state-badge")
        if "font-size" in body
    )


def test_tag_links_offer_a_24_px_target():
    body = " ".join(rules(".tag-link"))
    assert rem(re.search(r"min-height:\s*([^;]+)", body).group(1)) * 16 >= 24
    assert rem(re.search(r"min-width:\s*([^;]+)", body).group(1)) * 16 >= 24


@pytest.mark.django_db
def test_a_project_spheres_are_tag_links(client, fair):
    project = finalist(fair, KAZAKH)
    page = Page(client.get(url("catalogue:project_detail", "kk", project.pk)).content.decode())
    tags = list(page.elements("a", class_="tag-link"))
    assert tags
    assert all("?sphere=" in a.attrs["href"] for a in tags)


@pytest.mark.django_db
def test_winners_name_the_project_and_describe_its_photo_in_its_language(client):
    from django.contrib.auth.models import Group

    from awards import services as awards
    from awards.models import AwardKind, Ceremony

    fair = FairFactory(slug="winners-lang", opens=timezone.now() - timedelta(days=61))
    project = finalist(fair, RUSSIAN)
    with_image(project, alt="Волонтёры у подъезда")
    ceremony = Ceremony.objects.create(
        fair=fair, held_at=fair.ceremony_at, venue_kk="Сарай", venue_ru="Дворец", is_published=True
    )
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name="Organisers"))
    awards.award_give(
        ceremony=ceremony,
        project=project,
        actor=organiser,
        kind=AwardKind.JURY_PRIZE,
        title_kk="Үздік жоба",
        title_ru="Лучший проект",
        title_en="Best project",
    )
    page = Page(client.get(url("awards:winners", "kk", fair.slug)).content.decode())

    assert page.language_of(RUSSIAN["title"]) == "ru"
    assert page.language_of("Үздік жоба") == "kk"
    photo = next(img for img in page.elements("img") if img.attrs.get("alt") == "Волонтёры у подъезда")
    assert photo.language == "ru"


@pytest.mark.django_db
def test_the_ngo_sees_its_submission_with_the_page_labels_in_the_page_language(client, fair):
    project = ProjectFactory(fair=fair, **RUSSIAN)
    user = UserFactory()
    MembershipFactory(organisation=project.organisation, user=user)
    client.force_login(user)
    page = Page(client.get(url("projects:project_detail", "kk", project.pk)).content.decode())

    assert next(page.elements("h1")).language == "ru"
    assert page.language_of(RUSSIAN["problem"]) == "ru"
    fields = next(page.elements("dl", class_="project-fields"))
    assert "lang" not in fields.attrs
    assert page.language_of(label("Target group", "kk")) == "kk"


@pytest.mark.django_db
def test_an_organiser_text_missing_in_english_is_marked_in_the_language_that_stands_in(client):
    fair = FairFactory(slug="no-english", title_en="")
    project = finalist(fair, KAZAKH)
    project.nomination.title_en = ""
    project.nomination.save()

    fair_page = Page(client.get(url("catalogue:fair_detail", "en", fair.slug)).content.decode())
    assert next(fair_page.elements("h1")).language == "kk"
    assert fair_page.language_of(project.nomination.title_kk) == "kk"
    assert fair_page.language_of("Nominations") == "en"

    project_page = Page(client.get(url("catalogue:project_detail", "en", project.pk)).content.decode())
    assert project_page.language_of(fair.title_kk) == "kk"  # the breadcrumb
    assert project_page.language_of(project.nomination.title_kk) == "kk"

    listing = Page(client.get(url("catalogue:project_list", "en", fair.slug)).content.decode())
    heading = next(listing.elements("h1"))
    assert heading.language == "en"  # "Projects — …" is English
    assert listing.language_of(fair.title_kk) == "kk"

    # With its English title the fair needs no lang of its own.
    fair.title_en = "Social Projects Fair"
    fair.save()
    assert (
        next(
            Page(client.get(url("catalogue:fair_detail", "en", fair.slug)).content.decode()).elements("h1")
        ).language
        == "en"
    )
