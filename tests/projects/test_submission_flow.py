"""An NGO's whole journey through the test client, as a person would click it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from projects.models import Organisation, Project, ProjectState, Region, Sphere
from tests.factories.projects import FairFactory, NominationFactory, jpeg_upload, valid_bin

pytestmark = pytest.mark.django_db


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def link_in(message) -> str:
    return (
        re.search(r"https?://\S+", message.body)
        .group(0)
        .split("testserver", 1)[-1]
        .replace("http://127.0.0.1:8000", "")
    )


TEXTS = {
    "kk": {
        "confirm_subject": "Электрондық пошта мекенжайын растаңыз",
        "unconfirmed": "Алдымен электрондық пошта мекенжайыңызды растаңыз",
        "missing_image": "кемінде бір сурет",
        "submitted": "Жіберілді",
        "closed": "Өтінім қабылдау аяқталды",
    },
    "ru": {
        "confirm_subject": "Подтвердите адрес электронной почты",
        "unconfirmed": "Сначала подтвердите адрес электронной почты",
        "missing_image": "хотя бы одно изображение",
        "submitted": "Подана",
        "closed": "Подача заявок завершена",
    },
    "en": {
        "confirm_subject": "Confirm your e-mail address",
        "unconfirmed": "Please confirm your e-mail address first",
        "missing_image": "at least one image",
        "submitted": "Submitted",
        "closed": "Submission has closed",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_ngo_signs_up_confirms_registers_drafts_and_submits(client, django_capture_on_commit_callbacks, lang):
    texts = TEXTS[lang]
    fair = FairFactory()
    nomination = NominationFactory(fair=fair)

    # 1. Sign up: a confirmation e-mail in the visitor's language arrives.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("accounts:signup", lang),
            {
                "email": "Director@Qamqor.kz",
                "full_name": "Айгерім Сәрсенова",
                "password1": "Жәрмеңке-2026-qamqor",
                "password2": "Жәрмеңке-2026-qamqor",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="director@qamqor.kz")
    assert user.language == lang
    assert user.email_confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == texts["confirm_subject"]

    # 2. Logging in before confirming is refused with a way forward.
    response = client.post(
        url("accounts:login", lang), {"username": "director@qamqor.kz", "password": "Жәрмеңке-2026-qamqor"}
    )
    assert texts["unconfirmed"] in response.content.decode()

    # 3. The link in the e-mail confirms the address, once.
    confirm_path = link_in(mail.outbox[0])
    assert confirm_path.startswith(f"/{lang}/account/confirm/")
    assert client.get(confirm_path)["Location"] == url("accounts:login", lang)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    # 4. Log in, register the organisation.
    response = client.post(
        url("accounts:login", lang), {"username": "director@qamqor.kz", "password": "Жәрмеңке-2026-qamqor"}
    )
    assert response["Location"] == url("projects:dashboard", lang)
    response = client.post(
        url("projects:organisation_create", lang),
        {
            "name": "«Қамқор» қоғамдық қоры",
            "legal_form": "public_fund",
            "bin": valid_bin(1),
            "region": Region.objects.get(code="almaty").pk,
            "city": "Алматы",
            "phone": "8 (701) 123-45-67",
            "email": "info@qamqor.kz",
            "website": "qamqor.kz",
        },
    )
    assert response.status_code == 302, re.findall(r"<li>.*?</li>", response.content.decode())
    organisation = Organisation.objects.get()
    assert response["Location"] == url("projects:organisation_detail", lang, pk=organisation.pk)
    assert organisation.phone == "+77011234567"
    assert organisation.website == "https://qamqor.kz"
    assert organisation.memberships.get().user == user

    # 5. Start a draft, fill it in, add an image, submit.
    response = client.post(
        url("projects:project_create", lang, organisation_pk=organisation.pk),
        {"fair": fair.pk, "title": "Инклюзивная мастерская"},
    )
    project = Project.objects.get()
    assert project.state == ProjectState.DRAFT
    response = client.post(
        url("projects:project_update", lang, pk=project.pk),
        {
            "title": "Инклюзивная мастерская",
            "nomination": nomination.pk,
            "spheres": [Sphere.objects.get(slug="disability").pk],
            "region": Region.objects.get(code="almaty").pk,
            "content_language": "ru",
            "summary": "Профессиональная мастерская для подростков с особыми потребностями.",
            "problem": "Низкая занятость молодёжи с инвалидностью.",
            "target_group": "Подростки 14–25 лет",
            "beneficiaries": "120",
            "goals_and_activities": "Еженедельные занятия, наставничество.",
            "results_achieved": "40 выпускников трудоустроены.",
            "sustainability_plan": "Социальное предприятие.",
            "budget_requested": "5000000",
            "duration_months": "12",
            "video_url": "https://youtu.be/dQw4w9WgXcQ",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

    detail = client.get(url("projects:project_detail", lang, pk=project.pk)).content.decode()
    assert texts["missing_image"] in detail.lower()  # the only thing still missing

    response = client.post(
        url("projects:project_images", lang, pk=project.pk),
        {"image": jpeg_upload(), "alt_text": "Подростки работают в мастерской"},
    )
    assert response.status_code == 302
    assert project.images.get().alt_text == "Подростки работают в мастерской"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("projects:project_submit", lang, pk=project.pk))
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    assert project.submitted_at is not None
    assert [m.to for m in mail.outbox] == [["director@qamqor.kz"]]
    assert texts["submitted"] in mail.outbox[0].subject

    # 6. After the deadline the project is read-only, whatever the NGO tries.
    fair.submission_closes_at = timezone.now() - timedelta(minutes=1)
    fair.save()
    response = client.get(url("projects:project_update", lang, pk=project.pk))
    assert response["Location"] == url("projects:project_detail", lang, pk=project.pk)
    response = client.post(url("projects:project_update", lang, pk=project.pk), {"title": "Новое название"})
    assert response.status_code == 200
    assert texts["closed"] in response.content.decode()
    assert "Новое название" in response.content.decode()  # what was typed is still on screen
    project.refresh_from_db()
    assert project.title == "Инклюзивная мастерская"
