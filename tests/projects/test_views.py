"""The NGO's private pages: who sees them, bad input, and query counts."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse as django_reverse
from django.utils import translation
from PIL import Image

from projects.models import Organisation, Project, ProjectState, Region
from tests.factories.accounts import UserFactory
from tests.factories.projects import MembershipFactory, ProjectFactory, jpeg_upload, valid_bin

pytestmark = pytest.mark.django_db


def reverse(name: str, args=None) -> str:
    # These tests read English messages, so they browse the English pages.
    with translation.override("en"):
        return django_reverse(name, args=args)


@pytest.fixture
def member_client(client):
    project = ProjectFactory()
    membership = MembershipFactory(organisation=project.organisation)
    client.force_login(membership.user)
    client.project = project
    return client


def organisation_data(**overrides) -> dict:
    data = {
        "name": "«Болашақ» қоғамдық бірлестігі",
        "legal_form": "public_association",
        "bin": valid_bin(77),
        "region": Region.objects.get(code="shymkent").pk,
        "city": "Шымкент",
        "phone": "+7 701 555 44 33",
        "email": "info@bolashak.kz",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "projects:project_detail"),
        ("get", "projects:project_update"),
        ("post", "projects:project_update"),
        ("get", "projects:project_images"),
        ("post", "projects:project_images"),
        ("post", "projects:project_submit"),
        ("get", "projects:project_withdraw"),
        ("post", "projects:project_withdraw"),
    ],
)
def test_other_users_get_404_for_a_projects_private_pages(client, method, name):
    project = ProjectFactory()
    MembershipFactory(organisation=project.organisation)
    client.force_login(MembershipFactory().user)

    response = getattr(client, method)(reverse(name, args=[project.pk]))

    assert response.status_code == 404
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT


@pytest.mark.parametrize(
    ("method", "name"),
    [("post", "projects:project_image_update"), ("post", "projects:project_image_delete")],
)
def test_other_users_cannot_touch_a_projects_images(client, method, name):
    from projects import services

    project = ProjectFactory()
    owner = MembershipFactory(organisation=project.organisation).user
    image = services.project_add_image(project=project, user=owner, upload=jpeg_upload(), alt_text="Фото")
    client.force_login(MembershipFactory().user)

    response = getattr(client, method)(reverse(name, args=[project.pk, image.pk]), {"alt_text": "Hacked"})

    assert response.status_code == 404
    image.refresh_from_db()
    assert image.alt_text == "Фото"


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "projects:organisation_detail"),
        ("get", "projects:organisation_update"),
        ("post", "projects:organisation_update"),
        ("post", "projects:invitation_create"),
        ("get", "projects:project_create"),
    ],
)
def test_other_users_get_404_for_an_organisations_private_pages(client, method, name):
    organisation = MembershipFactory().organisation
    client.force_login(MembershipFactory().user)

    response = getattr(client, method)(reverse(name, args=[organisation.pk]), {"email": "x@ngo.kz"})

    assert response.status_code == 404
    assert not organisation.invitations.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    project = ProjectFactory()

    response = client.get(reverse("projects:project_update", args=[project.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_bin_is_explained_and_nothing_typed_is_lost(client):
    client.force_login(UserFactory())
    bad_bin = valid_bin(5)[:-1] + str((int(valid_bin(5)[-1]) + 1) % 10)

    response = client.post(reverse("projects:organisation_create"), organisation_data(bin=bad_bin))

    html = response.content.decode()
    assert response.status_code == 200
    assert "check digit" in html
    assert "«Болашақ» қоғамдық бірлестігі" in html  # still in the form
    assert not Organisation.objects.exists()


def test_registered_ngo_must_give_a_bin_but_an_initiative_group_need_not(client):
    client.force_login(UserFactory())

    response = client.post(reverse("projects:organisation_create"), organisation_data(bin=""))
    assert "Registered organisations must give their BIN." in response.content.decode()

    client.post(
        reverse("projects:organisation_create"), organisation_data(bin="", legal_form="initiative_group")
    )
    assert Organisation.objects.get().bin == ""


def test_a_bin_is_registered_once(client):
    existing = MembershipFactory().organisation
    client.force_login(UserFactory())

    response = client.post(reverse("projects:organisation_create"), organisation_data(bin=existing.bin))

    html = response.content.decode()
    assert "already registered. Ask its owner to invite you" in html
    assert 'href="#id_bin"' in html  # the error summary links to the BIN field


def test_wrong_phone_and_video_host_are_explained(member_client):
    project = member_client.project
    response = member_client.post(
        reverse("projects:project_update", args=[project.pk]),
        {"title": project.title, "content_language": "kk", "video_url": "https://rutube.ru/video/abc/"},
    )
    assert "Only YouTube and Vimeo links are accepted." in response.content.decode()
    project.refresh_from_db()
    assert project.video_url == ""


def test_a_script_named_png_is_refused(member_client):
    project = member_client.project
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")

    response = member_client.post(
        reverse("projects:project_images", args=[project.pk]), {"image": fake, "alt_text": "Фото"}
    )

    assert "This file is not a JPEG, PNG or WebP image." in response.content.decode()
    assert project.images.count() == 0


def test_oversized_image_is_refused(member_client):
    project = member_client.project
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")

    response = member_client.post(
        reverse("projects:project_images", args=[project.pk]), {"image": big, "alt_text": "Фото"}
    )

    assert "5 MB" in response.content.decode()
    assert project.images.count() == 0


def test_uploaded_image_is_reencoded_without_exif(member_client):
    project = member_client.project
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret camera"
    Image.new("RGB", (3000, 2000), "teal").save(buffer, "JPEG", exif=exif)

    member_client.post(
        reverse("projects:project_images", args=[project.pk]),
        {"image": SimpleUploadedFile("p.jpg", buffer.getvalue()), "alt_text": "Команда"},
    )

    stored = project.images.get()
    with Image.open(stored.image.path) as image:
        assert max(image.size) == 2000
        assert not image.getexif()
    with Image.open(stored.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480


def test_missing_alt_text_keeps_the_chosen_file_error_visible(member_client):
    project = member_client.project

    response = member_client.post(
        reverse("projects:project_images", args=[project.pk]), {"image": jpeg_upload()}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_fake_pdf_is_refused(member_client):
    project = member_client.project
    fake = SimpleUploadedFile("deck.pdf", b"%PDF-1.7\nnot really", content_type="application/pdf")

    response = member_client.post(
        reverse("projects:project_update", args=[project.pk]),
        {"title": project.title, "content_language": "kk", "pdf": fake},
    )

    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    project.refresh_from_db()
    assert not project.pdf


def test_dashboard_lists_projects_with_their_states(member_client, django_assert_max_num_queries):
    project = member_client.project
    for _n in range(5):
        ProjectFactory(organisation=project.organisation, fair=project.fair, state=ProjectState.SUBMITTED)

    with django_assert_max_num_queries(12):
        html = member_client.get(reverse("projects:dashboard")).content.decode()

    assert project.title in html
    assert html.count("state-submitted") == 5


def test_project_detail_renders_in_constant_queries(member_client, django_assert_max_num_queries):
    project = member_client.project
    user = project.organisation.members.get()
    from projects import services

    for n in range(4):
        services.project_add_image(project=project, user=user, upload=jpeg_upload(), alt_text=f"Фото {n}")

    with django_assert_max_num_queries(14):
        response = member_client.get(reverse("projects:project_detail", args=[project.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('alt="Фото') == 4


def test_video_is_embedded_privately(member_client):
    project = member_client.project
    Project.objects.filter(pk=project.pk).update(video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")

    html = member_client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "<iframe" not in html  # nothing loads from YouTube until the visitor asks


def test_a_real_pdf_is_stored_under_a_random_name(member_client):
    from pypdf import PdfReader, PdfWriter

    project = member_client.project
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)

    response = member_client.post(
        reverse("projects:project_update", args=[project.pk]),
        {
            "title": project.title,
            "content_language": "kk",
            "pdf": SimpleUploadedFile(
                "Қамқор budget 2026.pdf", buffer.getvalue(), content_type="application/pdf"
            ),
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.pdf.name.endswith(".pdf")
    assert "budget" not in project.pdf.name
    # Rewritten on upload (projects.media.sanitise_pdf), so not byte-identical, but the same pages.
    with project.pdf.open("rb") as stored:
        assert len(PdfReader(stored).pages) == 1


def test_line_breaks_count_once_as_the_counter_shows(member_client):
    project = member_client.project
    # 600 characters as the person sees them, 613 as the browser sends them (CR LF).
    summary = "\r\n".join(["x" * 43] * 13) + "x" * (600 - 43 * 13 - 12)
    assert len(summary.replace("\r\n", "\n")) == 600

    response = member_client.post(
        reverse("projects:project_update", args=[project.pk]),
        {"title": project.title, "content_language": "kk", "summary": summary},
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert len(project.summary) == 600


def test_withdrawing_asks_first(member_client):
    project = member_client.project
    url = reverse("projects:project_withdraw", args=[project.pk])

    page = member_client.get(url)
    assert "cannot be undone" in page.content.decode()
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT

    member_client.post(url)
    project.refresh_from_db()
    assert project.state == ProjectState.WITHDRAWN


def test_invitation_with_a_bad_address_keeps_what_was_typed(member_client):
    organisation = member_client.project.organisation

    response = member_client.post(
        reverse("projects:invitation_create", args=[organisation.pk]), {"email": "aigerim@mail"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="aigerim@mail"' in html
    assert "Enter a valid email address." in html


def test_a_newcomer_finds_their_invitation_on_the_dashboard(client, django_capture_on_commit_callbacks):
    from projects import services

    owner = MembershipFactory()
    services.invitation_create(
        organisation=owner.organisation, email="newcomer@ngo.kz", invited_by=owner.user
    )
    newcomer = UserFactory(email="newcomer@ngo.kz")
    client.force_login(newcomer)

    html = client.get(reverse("projects:dashboard")).content.decode()

    assert owner.organisation.name in html
    link = re.search(r'href="(/en/ngo/invitations/[^"]+)"', html).group(1)
    client.post(link)
    assert owner.organisation.members.filter(pk=newcomer.pk).exists()
