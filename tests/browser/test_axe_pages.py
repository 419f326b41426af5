"""axe-core on every public page and form state, in Kazakh, Russian and English.

One test per language walks all pages, so the live server's database is set up three times, not
once per page (each transactional test empties and refills it); the failure lists every
violation of every page at once, with rule id, impact, element and URL.
"""

import pytest
from django.utils import timezone

from awards.models import Ceremony
from projects.models import ProjectState
from tests.awards.test_awards import give
from tests.browser.conftest import LANGUAGES, axe_violations, log_in, url
from tests.factories.accounts import UserFactory
from tests.factories.projects import FairFactory, MembershipFactory, ProjectFactory
from tests.factories.voting import VoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def submit(page, selector: str = "main form button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state()


@pytest.fixture
def public_site(finalist, criteria, projects, juror):
    """A fair in voting with a finalist and votes, a fair in review with a juror, a fair with winners."""
    fair = finalist.fair
    VoteFactory.create_batch(3, project=finalist)
    organiser = UserFactory(is_staff=True, is_superuser=True, email="boss@fair.kz")
    ceremony = Ceremony.objects.create(
        fair=fair,
        held_at=timezone.now(),
        venue_kk="Республика сарайы",
        venue_ru="Дворец Республики",
        venue_en="Palace of the Republic",
        city_kk="Алматы",
        city_ru="Алматы",
        city_en="Almaty",
        is_published=True,
    )
    # Another finalist wins: the one with the award is no longer open to votes.
    winner = ProjectFactory(
        fair=fair, nomination=finalist.nomination, state=ProjectState.FINALIST, title="Жасыл қала"
    )
    give(ceremony, winner, organiser, nomination=finalist.nomination, place=1)
    member = MembershipFactory(
        organisation=finalist.organisation, user__email_confirmed_at=timezone.now()
    ).user
    # A fair open for submissions, where the NGO's draft can be edited.
    draft = ProjectFactory(organisation=finalist.organisation, fair=FairFactory(slug="open-2027"))
    return {
        "fair": fair,
        "finalist": finalist,
        "member": member,
        "draft": draft,
        "juror": juror,
        "to_score": projects[0],
    }


def walk(page, lang: str, site: dict):
    """Yield (label) at each page state to check, having brought the page there."""
    fair, finalist = site["fair"], site["finalist"]
    plain = {
        "home": url("home", lang),
        "about": url("about", lang),
        "fair list": url("catalogue:fair_list", lang),
        "fair page": url("catalogue:fair_detail", lang, slug=fair.slug),
        "catalogue": url("catalogue:project_list", lang, slug=fair.slug),
        "catalogue filtered and searched": url("catalogue:project_list", lang, slug=fair.slug)
        + f"?q=Мейірім&nomination={finalist.nomination_id}&finalists=true",
        "catalogue, nothing found": url("catalogue:project_list", lang, slug=fair.slug) + "?q=zzzzqqq",
        "project page": url("catalogue:project_detail", lang, finalist.pk),
        "NGO page": url("catalogue:organisation_detail", lang, finalist.organisation_id),
        "results": url("voting:results", lang, slug=fair.slug),
        "winners": url("awards:winners", lang, slug=fair.slug),
        "rules": url("voting:rules", lang),
        "privacy": url("voting:privacy", lang),
        "open data": url("reports:open_data", lang),
        "jury scoring method": url("jury_public:scoring_method", lang),
        "receipt check": url("voting:receipt_check", lang),
        "receipt check, unknown code": url("voting:receipt_check", lang) + "?code=AAAA-BBBB-CCCC",
        "card vote page": url("voting:card_enter", lang),
        "sign up": url("accounts:signup", lang),
        "log in": url("accounts:login", lang),
        "password reset": url("accounts:password_reset", lang),
        "certificate check": url("awards:verify", lang),
        "404": f"/{lang}/no-such-page/",
    }
    for label, path in plain.items():
        response = page.goto(path)
        assert response.status == (404 if label == "404" else 200), f"{label}: {path} → {response.status}"
        yield label

    page.goto(url("voting:card_enter", lang))
    page.fill("input[name=code]", "0000")
    submit(page)
    yield "card vote page, wrong code"

    page.goto(url("accounts:signup", lang))
    submit(page)
    yield "sign up, empty form sent"
    page.fill("input[name=email]", "not-an-address")
    page.fill("input[name=password1]", "123")
    page.fill("input[name=password2]", "456")
    submit(page)
    yield "sign up, errors"

    page.goto(url("accounts:login", lang))
    page.fill("input[name=username]", "nobody@mail.kz")
    page.fill("input[name=password]", "wrong password")
    submit(page)
    yield "log in, wrong password"

    page.goto(url("voting:start", lang, finalist.pk))
    yield "vote form"
    page.fill("input[name=email]", "not-an-address")
    submit(page)
    yield "vote form, bad e-mail"
    page.fill("input[name=email]", f"voter-{lang}@mail.kz")
    page.check("#id_consent")
    submit(page)
    assert "/vote/code/" in page.url, page.url
    yield "code page"
    page.fill("input[name=code]", "000000")
    submit(page)
    yield "code page, wrong code"

    log_in(page, site["member"], lang)
    yield "NGO dashboard"
    page.goto(url("projects:project_update", lang, pk=site["draft"].pk))
    assert "/edit/" in page.url, page.url
    yield "project form"
    page.fill("textarea[name=summary]", "")
    page.fill("input[name=title]", "")
    submit(page, "main form button[type=submit]")
    yield "project form, errors"
    page.context.clear_cookies()

    log_in(page, site["juror"].user, lang)
    yield "jury dashboard"
    project = site["to_score"]
    page.goto(url("jury:project", lang, fair_slug=project.fair.slug, pk=project.pk))
    assert page.url.endswith(url("jury:project", lang, fair_slug=project.fair.slug, pk=project.pk)), page.url
    yield "jury project review"
    page.context.clear_cookies()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_and_form_state_has_no_axe_violation(desktop, public_site, lang, request):
    violations, checked = [], 0
    for label in walk(desktop, lang, public_site):
        violations += axe_violations(desktop, f"[{lang}] {label}")
        checked += 1
    request.config.axe_pages_checked = getattr(request.config, "axe_pages_checked", 0) + checked
    if violations:  # the list itself, without pytest's repr of it
        pytest.fail(
            f"{len(violations)} axe-core violations on {checked} pages:\n" + "\n".join(violations),
            pytrace=False,
        )
