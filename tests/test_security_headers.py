"""Security headers on every kind of page, and templates that need no 'unsafe-inline'.

The Content-Security-Policy allows scripts and styles from our own static files only; an
injected <script>, on*= handler or style attribute does nothing. That holds only while no page
of ours needs one, which the tests below check on the rendered pages and on every template.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from projects.models import ProjectState
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args or None)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_site_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["frame-src"]) == {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def voting_finalist():
    fair = FairFactory(slug="vote-2026", in_voting=True)
    return ProjectFactory(
        fair=fair,
        nomination=NominationFactory(fair=fair),
        state=ProjectState.FINALIST,
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )


def public_pages(finalist) -> list[str]:
    return [
        url("home"),
        url("catalogue:fair_detail", finalist.fair.slug),
        url("catalogue:project_detail", finalist.pk),
        url("voting:start", finalist.pk),
        url("accounts:login"),
    ]


def admin_pages(finalist) -> list[str]:
    return [
        url("admin:index"),
        url("admin:projects_project_changelist"),
        url("admin:projects_project_change", finalist.pk),
        url("admin:projects_fair_change", finalist.fair.pk),
    ]


def test_public_pages_carry_the_policy(client, voting_finalist):
    for page in public_pages(voting_finalist):
        response = client.get(page)
        assert response.status_code == 200, page
        assert_site_policy(response)


def test_the_admin_carries_the_policy(client, organiser_client, voting_finalist):
    assert_site_policy(client.get(url("admin:login")))
    for page in admin_pages(voting_finalist):
        response = organiser_client.get(page)
        assert response.status_code == 200, page
        assert_site_policy(response)


@pytest.mark.urls("tests.error_urls")
def test_error_pages_carry_the_policy(client):
    not_found = client.get("/en/no-such-page/")
    assert not_found.status_code == 404
    assert_site_policy(not_found)

    client.raise_request_exception = False
    server_error = client.get("/boom/")
    assert server_error.status_code == 500
    assert_site_policy(server_error)

    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    forbidden = csrf_client.post(url("accounts:login"), {"username": "a@b.kz", "password": "x"})
    assert forbidden.status_code == 403
    assert_site_policy(forbidden)


class InlineCode(HTMLParser):
    """Collects what the policy would block: inline scripts, on*= handlers, style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(self.get_starttag_text())
        if tag == "style":
            self.found.append("<style>")
        for name, _value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(self.get_starttag_text())


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_rendered_pages_have_no_inline_script_or_style(client, organiser_client, voting_finalist):
    from projects import services
    from tests.factories.projects import MembershipFactory, jpeg_upload

    member = MembershipFactory(organisation=voting_finalist.organisation).user
    draft = ProjectFactory(organisation=voting_finalist.organisation)  # with an image: the admin's preview
    services.project_add_image(project=draft, user=member, upload=jpeg_upload(), alt_text="Фото")

    for page in public_pages(voting_finalist):
        assert inline_code(client.get(page).content.decode()) == [], page
    for page in [*admin_pages(voting_finalist), url("admin:projects_project_change", draft.pk)]:
        assert inline_code(organiser_client.get(page).content.decode()) == [], page


TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


@pytest.mark.parametrize(
    "pattern", [INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE], ids=["script", "on*=", "style="]
)
def test_no_template_needs_unsafe_inline(pattern):
    offenders = [
        str(template.relative_to(TEMPLATES))
        for template in TEMPLATES.rglob("*.html")
        if pattern.search(template.read_text(encoding="utf-8"))
    ]
    assert offenders == []
