"""Ceremony photos, edited in the ceremony's admin inline, go through `awards.services`
(`ceremony_photo_add` / `_update` / `_remove`): re-encoded, and a removed file deleted on commit."""

import os

import pytest
from PIL import Image

from awards import services
from awards.models import CeremonyPhoto
from projects.media import reencode_image
from tests.factories.accounts import UserFactory
from tests.factories.projects import jpeg_upload
from tests.jury.test_pages import url
from tests.projects.test_admin import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_photo(ceremony) -> CeremonyPhoto:
    processed = reencode_image(jpeg_upload("stage.jpg"))
    photo = CeremonyPhoto(ceremony=ceremony, alt_text_kk="Сахна", alt_text_ru="Сцена", position=0)
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    photo.save()
    return photo


def ceremony_form(client, ceremony) -> dict:
    response = client.get(url("admin:awards_ceremony_change", ceremony.pk))
    data = change_form_data(response)
    data.pop("held_at", None)
    data.update({"held_at_0": "2026-06-01", "held_at_1": "15:00:00"})
    return data


def test_a_photo_removed_in_the_admin_loses_its_files_on_commit(
    client, ceremony, organiser, media_root, django_capture_on_commit_callbacks
):
    photo = stored_photo(ceremony)
    files = [photo.image.path, photo.thumbnail.path]
    client.force_login(organiser)
    data = ceremony_form(client, ceremony) | {"photos-0-DELETE": "on"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 302
    assert not ceremony.photos.exists()
    assert not any(os.path.exists(path) for path in files)


def test_a_photo_added_in_the_admin_is_reencoded_with_a_thumbnail(client, ceremony, organiser, media_root):
    client.force_login(organiser)
    data = ceremony_form(client, ceremony) | {
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-image": jpeg_upload("stage.jpg"),
        "photos-0-alt_text_kk": "Сахна",
        "photos-0-alt_text_ru": "Сцена",
        "photos-0-position": "0",
    }

    response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 302
    (photo,) = ceremony.photos.all()
    assert photo.alt_text_ru == "Сцена"
    assert not photo.image.name.endswith("stage.jpg")  # written anew, under its own name
    with Image.open(photo.image.path) as image:
        assert not image.getexif()
    assert os.path.exists(photo.thumbnail.path)


def test_a_replaced_photo_file_is_deleted_on_commit(
    client, ceremony, organiser, media_root, django_capture_on_commit_callbacks
):
    photo = stored_photo(ceremony)
    old = photo.image.path
    client.force_login(organiser)
    data = ceremony_form(client, ceremony) | {"photos-0-image": jpeg_upload("new.jpg")}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image.path != old
    assert os.path.exists(photo.image.path)
    assert not os.path.exists(old)


def test_a_photo_that_is_not_an_image_is_refused_on_its_field(client, ceremony, organiser, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organiser)
    data = ceremony_form(client, ceremony) | {
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-image": SimpleUploadedFile("stage.jpg", b"<script>", content_type="image/jpeg"),
        "photos-0-alt_text_kk": "Сахна",
        "photos-0-alt_text_ru": "Сцена typed",
        "photos-0-position": "0",
    }

    response = client.post(url("admin:awards_ceremony_change", ceremony.pk), data)

    assert response.status_code == 200
    photo_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert photo_form.errors["image"]
    assert photo_form["alt_text_ru"].value() == "Сцена typed"
    assert not ceremony.photos.exists()


def test_photos_need_the_permission(ceremony, media_root):
    with pytest.raises(services.PermissionDenied):
        services.ceremony_photo_add(
            ceremony=ceremony,
            actor=UserFactory(is_staff=True),
            upload=jpeg_upload(),
            texts={"alt_text_kk": "а", "alt_text_ru": "б"},
        )
