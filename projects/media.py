"""Checks and clean-up for what NGOs upload with a project: photos, PDFs and video links.

Uploaded files are untrusted: images are decoded and re-encoded from their pixels (so nothing the
uploader smuggled into the file, and no EXIF/GPS metadata, reaches other visitors), PDFs must parse
and are rewritten page by page (no scripts, actions, attachments or appended data survive), and
video links are reduced to a provider and an id, from which we build our own URLs.
"""

import re
import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 2000
THUMBNAIL_SIDE = 480
# Our own limit, checked explicitly: Pillow's Image.MAX_IMAGE_PIXELS is global state that other
# code (or tests) may change. 40 MP is far above any phone photo; one RGBA copy is 160 MB.
MAX_IMAGE_PIXELS = 40_000_000
# Pillow format names; Image.open(formats=...) identifies the file from its bytes, not its name.
ALLOWED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")

JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80

_SRGB = ImageCms.createProfile("sRGB")


class SanitisedPdf(ContentFile):
    """What `sanitise_pdf` returns, so that a form which already rewrote the upload (to show its
    errors on the field) hands it to a service that does not rewrite it again."""


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


@dataclass(frozen=True)
class VideoLink:
    provider: str  # "youtube" or "vimeo"
    video_id: str
    canonical_url: str
    embed_url: str

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]


# --- images -----------------------------------------------------------------------------------


def reencode_image(upload: File) -> ProcessedImage:
    """Decode an uploaded photo and re-encode it without metadata, plus a thumbnail.

    Raises ValidationError (codes: image_too_large, image_format, image_too_many_pixels,
    image_corrupt). The result is JPEG, or PNG when the image really has transparent pixels.
    """
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)s MB."),
            code="image_too_large",
            params={"limit": MAX_IMAGE_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)

    image = _load_clean(data)
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)

    transparent = image.mode == "RGBA"
    main = _encode(image, "PNG" if transparent else "JPEG")

    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if transparent:
        # JPEG has no alpha: put the picture on the white page it will be shown on.
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    return ProcessedImage(
        image=main,
        thumbnail=_encode(thumb, "JPEG", quality=THUMBNAIL_QUALITY),
        width=image.width,
        height=image.height,
    )


def _load_clean(data: bytes) -> Image.Image:
    """Open, verify, load and clean the image, turning every failure into a ValidationError."""
    not_an_image = ValidationError(_("This file is not a JPEG, PNG or WebP image."), code="image_format")
    too_many_pixels = ValidationError(
        _("The image is too large: at most %(limit)s megapixels are allowed."),
        code="image_too_many_pixels",
        params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
    )
    corrupt = ValidationError(
        _("The image file is damaged or incomplete. Please upload it again."), code="image_corrupt"
    )
    # Pillow only warns about a possible decompression bomb below twice its limit; refuse those
    # too. (catch_warnings touches process-wide filters: fine for gunicorn's sync workers.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # verify() checks the file's structure but leaves the image unusable, so reopen.
            with Image.open(BytesIO(data), formats=ALLOWED_IMAGE_FORMATS) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise too_many_pixels
                probe.verify()
            with Image.open(BytesIO(data), formats=ALLOWED_IMAGE_FORMATS) as image:
                image.load()
                return _clean_copy(image)
        except ValidationError:
            raise
        except UnidentifiedImageError as exc:
            raise not_an_image from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels from exc
        except Exception as exc:
            # Decoders raise many exception types on hostile or truncated input
            # (OSError, SyntaxError, ValueError, struct.error, ...); all mean the same to the user.
            raise corrupt from exc


def _clean_copy(image: Image.Image) -> Image.Image:
    """Return the upright pixels in a fresh RGB or RGBA image that carries no metadata."""
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if image.has_transparency_data else "RGB"
    converted = None
    if icc_profile := image.info.get("icc_profile"):
        # We drop the profile, so bring the colours into sRGB, which browsers assume without one.
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken or unusable profile: convert the pixels as they are
    image = converted if converted is not None else image.convert(mode)
    if mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an alpha channel with nothing transparent in it
    # A new image copies only pixels: no EXIF, GPS, XMP, ICC, comments or text chunks survive.
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _encode(image: Image.Image, fmt: str, *, quality: int = JPEG_QUALITY) -> ContentFile:
    buffer = BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=quality, progressive=True, optimize=True)
        extension = "jpg"
    else:
        image.save(buffer, "PNG", optimize=True)
        extension = "png"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


# --- PDF --------------------------------------------------------------------------------------


def validate_pdf(upload: File) -> None:
    """Raise ValidationError unless the upload is a readable, unencrypted PDF of at most 10 MB.

    Codes: pdf_too_large, pdf_format, pdf_corrupt, pdf_encrypted, pdf_empty. Leaves the file rewound.
    """
    _read_pdf(upload)


def sanitise_pdf(upload: File) -> SanitisedPdf:
    """Check the upload like validate_pdf() and return the document rewritten page by page.

    Only the pages (their content, resources and plain web links) are copied into a new file,
    so nothing else the uploader put in survives: no document JavaScript, no OpenAction or
    additional actions (/AA) on the document or its pages, no form fields, no embedded files
    or attachments, no outlines, no metadata, and nothing appended after the end of the file
    (a ZIP or HTML polyglot). Page and resource dictionaries keep only the keys drawing needs;
    inside fonts and images, pypdf copies what they reference, but no viewer runs anything from
    there: actions fire only from the catalogue, pages and annotations, which are rebuilt.
    The result has a random name. Raises the same ValidationErrors.
    """
    reader = _read_pdf(upload)
    try:
        writer = PdfWriter()
        for page in reader.pages:
            links = _web_links(page)
            # Keys are kept by name, not removed by name: anything we do not know is dropped,
            # along with whatever it points to (actions and files hung on made-up keys).
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else None
            if isinstance(resources, DictionaryObject):
                for key in [key for key in resources if key not in _RESOURCE_KEYS]:
                    del resources[key]
            unknown = [key for key in page if key not in _PAGE_KEYS]
            clean = writer.add_page(page, excluded_keys=unknown)
            for rect, uri in links:
                writer.add_annotation(clean, _link_annotation(rect, uri))
        buffer = BytesIO()
        writer.write(buffer)
    except Exception as exc:
        # A file pypdf could open may still break while its pages are copied.
        raise _pdf_corrupt() from exc
    return SanitisedPdf(buffer.getvalue(), name=f"{uuid.uuid4().hex}.pdf")


# What a page needs to be drawn; everything else (/AA actions, /Annots — web links are rebuilt
# from scratch —, /Metadata, /PieceInfo, made-up keys) stays behind. /Parent is pypdf's own.
_PAGE_KEYS = frozenset(
    {"/Type", "/Parent", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate"}
    | {"/Resources", "/Contents", "/Group", "/UserUnit"}
)
_RESOURCE_KEYS = frozenset(
    {"/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/Properties", "/ProcSet"}
)
_WEB_SCHEMES = ("http://", "https://", "mailto:")


def _web_links(page) -> list[tuple[list[float], str]]:
    """(rectangle, address) of the page's links to web pages or e-mail; every other annotation goes."""
    links = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if annotation.get("/Subtype") != "/Link" or not isinstance(action, DictionaryObject):
            continue
        uri = action.get("/URI")
        if action.get("/S") != "/URI" or not isinstance(uri, (str, bytes)):
            continue
        uri = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
        rect = annotation.get("/Rect")
        if uri.lower().startswith(_WEB_SCHEMES) and rect is not None and len(rect) == 4:
            links.append(([float(value) for value in rect], uri))
    return links


def _link_annotation(rect: list[float], uri: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(value) for value in rect]),
            NameObject("/Border"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)]),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(uri)}
            ),
        }
    )


def _pdf_corrupt() -> ValidationError:
    return ValidationError(
        _("The PDF file is damaged or cannot be read. Please export it again and re-upload it."),
        code="pdf_corrupt",
    )


def _read_pdf(upload: File) -> PdfReader:
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The PDF is larger than %(limit)s MB."),
            code="pdf_too_large",
            params={"limit": MAX_PDF_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    try:
        data = upload.read()
    finally:
        upload.seek(0)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("This file is not a PDF document."), code="pdf_format")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        # Parsing the first page's box proves pypdf can walk the page tree.
        has_pages = encrypted or (len(reader.pages) > 0 and reader.pages[0].mediabox is not None)
    except Exception as exc:
        # pypdf, even in non-strict mode, raises assorted errors on broken files.
        raise _pdf_corrupt() from exc
    if encrypted:
        raise ValidationError(
            _("The PDF is password-protected. Please upload a version without a password."),
            code="pdf_encrypted",
        )
    if not has_pages:
        raise ValidationError(_("The PDF has no pages."), code="pdf_empty")
    return reader


# --- video links ------------------------------------------------------------------------------

# Exact host names: a suffix or substring test would let youtube.com.evil.kz or evilyoutube.com in.
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
_YOUTU_BE_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com"})
_VIMEO_PLAYER_HOSTS = frozenset({"player.vimeo.com"})
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,20}")
# youtube.com/<prefix>/<id> paths that name a single video.
_YOUTUBE_PATH_PREFIXES = frozenset({"shorts", "embed", "live"})
_MAX_URL_LENGTH = 2048


def parse_video_url(url: str) -> VideoLink:
    """Recognise a YouTube or Vimeo video link and return its provider, id and our own URLs.

    Raises ValidationError with code video_host (not a YouTube/Vimeo link) or video_id (a
    YouTube/Vimeo link that names no video).
    """
    wrong_host = ValidationError(_("Only YouTube and Vimeo links are accepted."), code="video_host")
    if not isinstance(url, str) or len(url) > _MAX_URL_LENGTH:
        raise wrong_host
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname  # lower-cased, without user info or port
    except ValueError as exc:  # e.g. a malformed IPv6 host
        raise wrong_host from exc
    if parts.scheme not in ("http", "https") or not host:
        raise wrong_host

    segments = [segment for segment in parts.path.split("/") if segment]
    video_id = None
    if host in _YOUTUBE_HOSTS:
        provider = "youtube"
        if segments == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) == 2 and segments[0] in _YOUTUBE_PATH_PREFIXES:
            video_id = segments[1]
    elif host in _YOUTU_BE_HOSTS:
        provider = "youtube"
        if len(segments) == 1:
            video_id = segments[0]
    elif host in _VIMEO_HOSTS:
        provider = "vimeo"
        if len(segments) == 1:
            video_id = segments[0]
    elif host in _VIMEO_PLAYER_HOSTS:
        provider = "vimeo"
        if len(segments) == 2 and segments[0] == "video":
            video_id = segments[1]
    else:
        raise wrong_host

    id_pattern = _YOUTUBE_ID if provider == "youtube" else _VIMEO_ID
    if video_id is None or not id_pattern.fullmatch(video_id):
        raise ValidationError(
            _(
                "This YouTube or Vimeo link does not point to a video. Please copy the link from the video's page."
            ),
            code="video_id",
        )
    if provider == "youtube":
        return VideoLink(
            provider=provider,
            video_id=video_id,
            canonical_url=f"https://www.youtube.com/watch?v={video_id}",
            # The no-cookie domain sets no tracking cookies until the visitor presses play.
            embed_url=f"https://www.youtube-nocookie.com/embed/{video_id}",
        )
    return VideoLink(
        provider=provider,
        video_id=video_id,
        canonical_url=f"https://vimeo.com/{video_id}",
        # dnt=1: the player does not track the visitor.
        embed_url=f"https://player.vimeo.com/video/{video_id}?dnt=1",
    )


def validate_video_url(url: str) -> None:
    """Validator form of parse_video_url(), for model and form fields."""
    parse_video_url(url)
