"""Journeys in a real browser: switching language, a juror scoring, an NGO from sign-up to submission."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from jury.models import Evaluation
from projects.models import Organisation, Project, ProjectState, Region, Sphere
from tests.browser.conftest import log_in, url
from tests.factories.projects import FairFactory, NominationFactory, jpeg_upload, valid_bin

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


def test_an_ngo_signs_up_confirms_registers_drafts_adds_an_image_and_submits(desktop, tmp_path):
    page = desktop
    fair = FairFactory()
    nomination = NominationFactory(fair=fair)
    password = "Жәрмеңке-2026-qamqor"

    page.goto(url("accounts:signup", "en"))
    page.fill("input[name=email]", "Director@Qamqor.kz")
    page.fill("input[name=full_name]", "Айгерім Сәрсенова")
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{url('accounts:signup_done', 'en')}")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(urlsplit(link).path)  # the link names the configured site; the path is what counts
    page.wait_for_url(f"**{url('accounts:login', 'en')}")
    page.fill("input[name=username]", "director@qamqor.kz")
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{url('projects:dashboard', 'en')}")

    page.goto(url("projects:organisation_create", "en"))
    page.fill("input[name=name]", "«Қамқор» қоғамдық қоры")
    page.select_option("select[name=legal_form]", "public_fund")
    page.fill("input[name=bin]", valid_bin(1))
    page.select_option("select[name=region]", str(Region.objects.get(code="almaty").pk))
    page.fill("input[name=city]", "Алматы")
    page.fill("input[name=phone]", "8 (701) 123-45-67")
    page.fill("input[name=email]", "info@qamqor.kz")
    page.locator("main form button[type=submit]").click()
    organisation = Organisation.objects.get()
    page.wait_for_url(f"**{url('projects:organisation_detail', 'en', pk=organisation.pk)}")

    page.goto(url("projects:project_create", "en", organisation_pk=organisation.pk))
    page.fill("input[name=title]", "Инклюзивная мастерская")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    project = Project.objects.get()
    assert project.state == ProjectState.DRAFT

    page.goto(url("projects:project_update", "en", pk=project.pk))
    page.select_option("select[name=nomination]", str(nomination.pk))
    page.check(f"input[name=spheres][value='{Sphere.objects.get(slug='disability').pk}']")
    page.select_option("main select[name=region]", str(Region.objects.get(code="almaty").pk))
    page.select_option("select[name=content_language]", "ru")
    for name, text in {
        "summary": "Профессиональная мастерская для подростков с особыми потребностями.",
        "problem": "Низкая занятость молодёжи с инвалидностью.",
        "target_group": "Подростки 14–25 лет",
        "beneficiaries": "120",
        "goals_and_activities": "Еженедельные занятия, наставничество.",
        "results_achieved": "40 выпускников трудоустроены.",
        "sustainability_plan": "Социальное предприятие.",
        "budget_requested": "5000000",
        "duration_months": "12",
    }.items():
        page.fill(f"[name={name}]", text)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    project.refresh_from_db()
    assert project.beneficiaries == 120, page.locator("main").inner_text()

    photo = tmp_path / "workshop.jpg"
    photo.write_bytes(jpeg_upload().read())
    page.goto(url("projects:project_images", "en", pk=project.pk))
    page.set_input_files("input[name=image]", photo)
    page.fill("[name=alt_text]", "Подростки работают в мастерской")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    assert project.images.get().alt_text == "Подростки работают в мастерской"

    mail.outbox.clear()
    page.goto(url("projects:project_detail", "en", pk=project.pk))
    page.get_by_role("button", name="Submit the project").click()
    page.wait_for_load_state()

    assert "The project is submitted" in page.locator("main").inner_text()
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    assert [m.to for m in mail.outbox] == [["director@qamqor.kz"]]
