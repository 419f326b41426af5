"""Award entry offers only the ceremony's fair: its nominations, its finalists by autocomplete."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import Award
from projects.models import ProjectState
from tests.awards.test_awards import finalist, give
from tests.factories.projects import FairFactory, NominationFactory, ProjectFactory, jpeg_upload

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def other_fair_twin(nomination):
    """Last year's fair, with a nomination and a finalist named exactly as this year's."""
    other = FairFactory(slug="fair-2025")
    twin = NominationFactory(
        fair=other, title_en=nomination.title_en, title_kk=nomination.title_kk, title_ru=nomination.title_ru
    )
    return finalist(other, twin, "Inclusive classrooms"), twin


def options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"', select)


def test_the_award_inline_offers_only_the_ceremonys_nominations(
    client, ceremony, nomination, organiser, other_fair_twin
):
    client.force_login(organiser)

    html = client.get(url("admin:awards_ceremony_change", ceremony.pk)).content.decode()

    assert options_of(html, "awards-__prefix__-nomination") == [str(nomination.pk)]


def test_the_award_page_offers_only_its_fairs_nominations(
    client, ceremony, nomination, organiser, other_fair_twin
):
    award = give(
        ceremony, finalist(ceremony.fair, nomination, "A"), organiser, nomination=nomination, place=1
    )
    client.force_login(organiser)

    html = client.get(url("admin:awards_award_change", award.pk)).content.decode()

    assert options_of(html, "nomination") == [str(nomination.pk)]


def test_the_project_is_chosen_by_autocomplete_among_the_fairs_finalists(
    client, ceremony, nomination, organiser, other_fair_twin
):
    mine = finalist(ceremony.fair, nomination, "Inclusive classrooms")
    ProjectFactory(
        fair=ceremony.fair, nomination=nomination, state=ProjectState.SUBMITTED, title="Inclusive gym"
    )
    client.force_login(organiser)
    html = client.get(url("admin:awards_ceremony_change", ceremony.pk)).content.decode()
    widget = re.search(r'<select name="awards-__prefix__-project"[^>]*>', html).group(0)
    assert "admin-autocomplete" in widget
    ajax_url = re.search(r'data-ajax--url="([^"]+)"', widget).group(1).replace("&amp;", "&")
    assert f"ceremony={ceremony.pk}" in ajax_url

    # As select2 asks: the widget's URL with the term and the field's names added to its query.
    path, _, query = ajax_url.partition("?")
    asked = {"term": "Inclusive", "app_label": "awards", "model_name": "award", "field_name": "project"}
    response = client.get(f"{path}?{query}&{urlencode(asked)}")

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(mine.pk)]


def test_a_forged_project_of_another_fair_is_refused_on_the_form(
    client, ceremony, nomination, organiser, other_fair_twin
):
    theirs, _ = other_fair_twin
    client.force_login(organiser)
    data = {
        "fair": ceremony.fair_id,
        "held_at_0": "2026-06-01",
        "held_at_1": "15:00:00",
        "venue_kk": "Сарай",
        "venue_ru": "Дворец",
        "city_kk": "Алматы",
        "city_ru": "Алматы",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "awards-TOTAL_FORMS": "1",
        "awards-INITIAL_FORMS": "0",
        "awards-0-project": theirs.pk,
        "awards-0-kind": "jury",
        "awards-0-place": "1",
        "awards-0-nomination": nomination.pk,
        "awards-0-title_kk": "Үздік жоба",
        "awards-0-title_ru": "Лучший проект",
    }

    response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 200
    assert "Choose a finalist of this ceremony’s fair." in response.content.decode()
    assert not Award.objects.exists()


# ---------------------------------------------------------------- a chosen file and an error elsewhere


def test_a_chosen_photo_is_named_when_the_page_comes_back_with_an_error(
    client, ceremony, organiser, settings, tmp_path
):

    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    data = {
        "fair": ceremony.fair_id,
        "held_at_0": "2026-06-01",
        "held_at_1": "15:00:00",
        "venue_kk": "",  # forgotten: the page comes back
        "venue_ru": "Дворец",
        "city_kk": "Алматы",
        "city_ru": "Алматы",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-image": jpeg_upload("stage.jpg"),
        "photos-0-alt_text_kk": "Сахна",
        "photos-0-alt_text_ru": "Сцена",
        "photos-0-position": "0",
        "awards-TOTAL_FORMS": "0",
        "awards-INITIAL_FORMS": "0",
    }

    response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 200
    assert not ceremony.photos.exists()
    photo_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert photo_form.errors["image"] == [
        "“stage.jpg” was not saved because of an error elsewhere on this page: choose it again."
    ]
    messages = [str(message) for message in response.context["messages"]]
    assert any("stage.jpg" in message for message in messages)
    # Everything typed is kept.
    assert photo_form["alt_text_ru"].value() == "Сцена"


# ---------------------------------------------------------------- edits through the services


def test_an_award_is_corrected_through_the_service_which_refuses_a_taken_place(
    ceremony, nomination, organiser
):
    from django.core.exceptions import ValidationError

    from awards import services

    first = give(
        ceremony, finalist(ceremony.fair, nomination, "A"), organiser, nomination=nomination, place=1
    )
    second = give(
        ceremony, finalist(ceremony.fair, nomination, "B"), organiser, nomination=nomination, place=2
    )

    services.award_update(award=second, actor=organiser, changes={"title_en": "Runner-up"})
    with pytest.raises(ValidationError):
        services.award_update(award=second, actor=organiser, changes={"place": 1})
    with pytest.raises(ValueError, match="project"):
        services.award_update(award=second, actor=organiser, changes={"project": first.project})

    second.refresh_from_db()
    assert (second.place, second.title_en) == (2, "Runner-up")


def test_saving_a_ceremony_never_publishes_it_without_its_winners(ceremony, organiser):
    from awards import services

    ceremony.is_published = False
    ceremony.save()
    ceremony.is_published = True

    services.ceremony_save(ceremony=ceremony, actor=organiser)

    ceremony.refresh_from_db()
    assert not ceremony.is_published  # `ceremony_publish` does that, making the winners


def test_unpublishing_a_ceremony_is_recorded(ceremony, organiser):
    from awards import services
    from fairportal.models import AuditEvent

    ceremony.is_published = True
    ceremony.save()
    ceremony.is_published = False

    services.ceremony_save(ceremony=ceremony, actor=organiser)

    (event,) = AuditEvent.objects.filter(action="ceremony.unpublished")
    assert (event.actor, event.fair_id, event.target_id) == (organiser, ceremony.fair_id, str(ceremony.pk))
    services.ceremony_save(ceremony=ceremony, actor=organiser)  # already unpublished: nothing new
    assert AuditEvent.objects.filter(action="ceremony.unpublished").count() == 1


def test_creating_a_ceremony_is_recorded(ceremony, organiser):
    from awards import services
    from awards.models import Ceremony
    from fairportal.models import AuditEvent
    from tests.factories.projects import FairFactory

    fair = FairFactory()
    new = Ceremony(
        fair=fair,
        held_at=ceremony.held_at,
        venue_kk="Сарай",
        venue_ru="Дворец",
        city_kk="Алматы",
        city_ru="Алматы",
    )
    services.ceremony_save(ceremony=new, actor=organiser)

    (event,) = AuditEvent.objects.filter(action="ceremony.created")
    assert (event.actor, event.fair_id, event.target_id) == (organiser, fair.pk, str(new.pk))
