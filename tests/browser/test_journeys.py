"""Journeys in a real browser: switching language, a juror scoring, an NGO from sign-up to submission."""


import pytest

from jury.models import Evaluation
from tests.browser.conftest import log_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_language_switcher_keeps_the_page(desktop, finalist):
    page = desktop
    page.goto(url("catalogue:project_detail", "kk", finalist.pk))
    assert page.locator("html").get_attribute("lang") == "kk"

    for lang, name in (("ru", "Русский"), ("en", "English")):
        page.locator(".language-switcher").get_by_role("link", name=name).click()
        page.wait_for_url(f"**{url('catalogue:project_detail', lang, finalist.pk)}")
        assert page.locator("html").get_attribute("lang") == lang
        assert finalist.title in page.locator("h1").inner_text()


def test_a_juror_scores_a_project_and_moves_to_the_next(desktop, juror, projects, criteria, axe):
    page = desktop
    fair = projects[0].fair
    log_in(page, juror.user, "en")
    page.goto(url("jury:dashboard", "en"))
    page.get_by_role("link", name="Inclusive workshop").first.click()
    assert page.url.endswith(url("jury:project", "en", fair_slug=fair.slug, pk=projects[0].pk))

    for criterion, value in zip(criteria, ("8", "cannot_assess", "4"), strict=True):
        radio = page.locator(f"input[name=criterion_{criterion.pk}][value='{value}']")
        radio_id = radio.get_attribute("id")
        page.locator(f"label[for='{radio_id}']").click()
        assert radio.is_checked()
    page.fill("textarea[name=comment]", "Strong team")
    page.locator("button[name=next]").click()

    page.wait_for_url(f"**{url('jury:project', 'en', fair_slug=fair.slug, pk=projects[1].pk)}")
    evaluation = Evaluation.objects.get(juror=juror, project=projects[0])
    assert evaluation.comment == "Strong team"
    assert sorted(evaluation.scores.values_list("value", flat=True), key=str) == sorted([8, None, 4], key=str)
    axe(page, "jury project review after saving")
