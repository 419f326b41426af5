"""Uploads on S3-compatible storage are still served only after protected_media's check.

No S3 server runs here: presigning is computed locally by boto3. Files are uploaded to the
filesystem storage first (as the NGO does), then the same names are looked up with the s3
storage configured.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from projects.models import ProjectState
from tests.factories.accounts import UserFactory
from tests.factories.projects import MembershipFactory
from tests.projects.test_uploads_security import project_with_files

pytestmark = pytest.mark.django_db

S3_STORAGE = {
    "BACKEND": "fairportal.media_storage.ProtectedS3Storage",
    "OPTIONS": {
        "bucket_name": "fair-media",
        "access_key": "AKIDEXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "endpoint_url": "https://s3.example.kz",
        "region_name": "kz-ala-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    },
}


@pytest.fixture
def on_s3(settings):
    def switch():
        settings.STORAGES = {**settings.STORAGES, "default": S3_STORAGE}
        settings.MEDIA_PRESIGNED_SECONDS = 300

    return switch


def signed(location: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_a_public_file_redirects_to_a_short_lived_presigned_url(client, on_s3):
    project = project_with_files(state=ProjectState.FINALIST)
    on_s3()
    url = project.pdf.url

    response = client.get(url)

    assert url == f"/media/{project.pdf.name}"  # pages never link the bucket itself
    assert response.status_code == 302
    target, query = signed(response["Location"])
    assert target == f"https://s3.example.kz/fair-media/{project.pdf.name}"
    assert query["X-Amz-Expires"] == "300"
    assert query["X-Amz-Credential"].startswith("AKIDEXAMPLE/")
    assert query["X-Amz-Signature"]
    assert query["response-content-type"] == "application/pdf"
    assert query["response-content-disposition"].startswith("attachment;")
    # Nobody may keep the redirect longer than the link works.
    assert response["Cache-Control"] == "public, max-age=150"


def test_a_drafts_file_is_404_for_strangers_and_a_private_redirect_for_its_ngo(client, on_s3):
    project = project_with_files(state=ProjectState.DRAFT)
    on_s3()
    url = project.image.image.url

    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory().user)  # another NGO
    response = client.get(url)
    assert response.status_code == 404
    assert "Location" not in response
    client.force_login(UserFactory(is_staff=True))  # staff without the organisers' permissions
    assert client.get(url).status_code == 404

    client.force_login(project.member)
    response = client.get(url)
    assert response.status_code == 302
    target, query = signed(response["Location"])
    assert target == f"https://s3.example.kz/fair-media/{project.image.image.name}"
    assert query["response-cache-control"] == "private, no-store"
    assert response["Cache-Control"] == "private, no-store"


def test_a_name_no_upload_owns_is_404_on_s3_too(client, on_s3):
    on_s3()
    assert client.get("/media/projects/images/2026/01/unknown.jpg").status_code == 404
    assert client.get("/media/../fairportal/settings.py").status_code == 404
