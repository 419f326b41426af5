"""Uploads under MEDIA_URL, each served only to those who may see what it belongs to.

A path under /media/ can belong to any app's uploads (project images and PDFs, NGO logos,
ceremony photos), so this one module maps a stored name to its owner and asks the owning app's
permission predicate; that is why it lives in `fairportal/` (wiring), not in one app.

- Project images, thumbnails and PDFs: everyone once the project is public
  (`ProjectQuerySet.public()`); before that its NGO's members and the organisers
  (`projects.permissions.can_view_project_files`) and jurors whose seat covers it
  (`jury.permissions.can_review`).
- NGO logos: everyone once the NGO has a public project (when its public page exists); before
  that its members and the organisers (`can_view_organisation_files`).
- Ceremony photos: everyone once the ceremony and its fair are published; before that the
  organisers (`awards.permissions.can_view_ceremony_photos`).

Anything else, a name no upload owns, or a user who may not see it, is a 404 (never 403: we do
not confirm that a file exists). The file itself is sent by nginx when
`MEDIA_ACCEL_REDIRECT_PREFIX` is set (X-Accel-Redirect), else streamed by Django; with uploads
on S3 (`DJANGO_MEDIA_STORAGE=s3`) the answer is a redirect to a presigned URL of the private
bucket that expires after `MEDIA_PRESIGNED_SECONDS`.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from awards.models import CeremonyPhoto
from awards.permissions import can_view_ceremony_photos
from jury.permissions import can_review
from projects.models import Organisation, Project, ProjectImage
from projects.permissions import can_view_organisation_files, can_view_project_files

# Public files may be cached by browsers and proxies for this long. Names are random and never
# reused, so content never changes; a project that stops being public is gone from caches
# within the hour.
PUBLIC_MAX_AGE = 60 * 60
# Every upload is a picture or a PDF; a sandboxed response can run nothing from our origin,
# even if a browser were talked into rendering it as a document.
MEDIA_CSP = "sandbox"


@dataclass(frozen=True)
class Upload:
    name: str
    is_public: bool
    may_view: Callable[[object], bool]  # asked, with the request's user, only when not public
    download_name: str = ""  # set for documents: always sent as an attachment


def _prefix(model, field: str) -> str:
    """The fixed part of the field's upload_to ("projects/images/" of "projects/images/%Y/%m/")."""
    return model._meta.get_field(field).upload_to.split("%", 1)[0]


def _project_image(name: str, field: str) -> Upload | None:
    image = (
        ProjectImage.objects.filter(**{field: name})
        .select_related("project__organisation")
        .annotate(public=Exists(Project.objects.public().filter(pk=OuterRef("project_id"))))
        .first()
    )
    if image is None:
        return None
    project = image.project
    return Upload(name, image.public, lambda user: _may_view_project(user, project))


def _project_pdf(name: str) -> Upload | None:
    project = (
        Project.objects.filter(pdf=name)
        .select_related("organisation")
        .annotate(public=Exists(Project.objects.public().filter(pk=OuterRef("pk"))))
        .first()
    )
    if project is None:
        return None
    download_name = f"{slugify(project.title, allow_unicode=True)[:80] or 'presentation'}.pdf"
    return Upload(name, project.public, lambda user: _may_view_project(user, project), download_name)


def _may_view_project(user, project: Project) -> bool:
    return can_view_project_files(user, project) or can_review(user, project)


def _logo(name: str) -> Upload | None:
    organisation = (
        Organisation.objects.filter(logo=name)
        .annotate(public=Exists(Project.objects.public().filter(organisation=OuterRef("pk"))))
        .first()
    )
    if organisation is None:
        return None
    return Upload(name, organisation.public, lambda user: can_view_organisation_files(user, organisation))


def _ceremony_photo(name: str, field: str) -> Upload | None:
    photo = CeremonyPhoto.objects.filter(**{field: name}).select_related("ceremony__fair").first()
    if photo is None:
        return None
    ceremony = photo.ceremony
    public = ceremony.is_published and ceremony.fair.is_published
    return Upload(name, public, lambda user: can_view_ceremony_photos(user, ceremony))


def _resolvers() -> list[tuple[str, Callable[[str], Upload | None]]]:
    return [
        (_prefix(ProjectImage, "image"), lambda name: _project_image(name, "image")),
        (_prefix(ProjectImage, "thumbnail"), lambda name: _project_image(name, "thumbnail")),
        (_prefix(Project, "pdf"), _project_pdf),
        (_prefix(Organisation, "logo"), _logo),
        (_prefix(CeremonyPhoto, "image"), lambda name: _ceremony_photo(name, "image")),
        (_prefix(CeremonyPhoto, "thumbnail"), lambda name: _ceremony_photo(name, "thumbnail")),
    ]


def clean_name(path: str) -> str | None:
    """The stored name the URL path asks for, or None for anything that is not a plain relative name
    (`..`, `.`, empty segments, absolute paths, backslashes, NUL)."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    if any(segment in ("", ".", "..") for segment in path.split("/")):
        return None
    return path


def find_upload(name: str) -> Upload | None:
    """The upload stored under this name, with who may see it; None if no upload owns the name."""
    for prefix, resolve in _resolvers():
        if name.startswith(prefix):
            return resolve(name)
    return None


@require_safe
def serve(request: HttpRequest, path: str) -> HttpResponse:
    name = clean_name(path)
    upload = find_upload(name) if name else None
    # The public check comes first and needs no session: public files are served without
    # touching the user, so responses do not vary on the cookie and caches may keep them.
    if upload is None or not (upload.is_public or upload.may_view(request.user)):
        raise Http404
    response = _send(upload)
    if isinstance(response, HttpResponseRedirect):
        # A presigned URL stops working when it expires: nobody may keep the redirect that long.
        response["Cache-Control"] = _cache_control(upload, max_age=settings.MEDIA_PRESIGNED_SECONDS // 2)
    else:
        response["Cache-Control"] = _cache_control(upload)
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cache_control(upload: Upload, max_age: int = PUBLIC_MAX_AGE) -> str:
    return f"public, max-age={min(max_age, PUBLIC_MAX_AGE)}" if upload.is_public else "private, no-store"


def _presigned_redirect(upload: Upload, content_type: str) -> HttpResponseRedirect:
    """A redirect to the object in the private bucket, signed for MEDIA_PRESIGNED_SECONDS.

    Signing is computed locally (no request to the store). The store answers with the headers
    signed into the URL, so the file keeps its type, attachment name and cache policy.
    """
    parameters = {"ResponseContentType": content_type, "ResponseCacheControl": _cache_control(upload)}
    if upload.download_name:
        parameters["ResponseContentDisposition"] = content_disposition_header(True, upload.download_name)
    url = default_storage.presigned_url(
        upload.name, parameters=parameters, expire=settings.MEDIA_PRESIGNED_SECONDS
    )
    return HttpResponseRedirect(url)


def _send(upload: Upload) -> HttpResponse:
    content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
    if hasattr(default_storage, "presigned_url"):  # DJANGO_MEDIA_STORAGE=s3
        return _presigned_redirect(upload, content_type)
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        # nginx sends the file from an `internal` location (README: "Running like production");
        # it keeps Content-Type, Content-Disposition and Cache-Control from this response.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(upload.name)
        if upload.download_name:
            response["Content-Disposition"] = content_disposition_header(True, upload.download_name)
        return response
    try:
        file = default_storage.open(upload.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        file,
        content_type=content_type,
        as_attachment=bool(upload.download_name),
        filename=upload.download_name,
    )
