import os
import re
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

from projects.media import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_SIDE,
    MAX_PDF_BYTES,
    THUMBNAIL_SIDE,
    VideoLink,
    parse_video_url,
    reencode_image,
    validate_pdf,
    validate_video_url,
)


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; the site's default language is Kazakh.
    with translation.override("en"):
        yield


RED = (255, 0, 0)
BLUE = (0, 0, 255)
ORIENTATION = 0x0112
GPS_IFD = 0x8825


# --- helpers ----------------------------------------------------------------------------------


def encode(image, fmt, **options):
    buffer = BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def opened(content_file):
    content_file.seek(0)
    return Image.open(BytesIO(content_file.read()))


def noise_jpeg(size=(400, 300)):
    # Random pixels do not compress, so the file is big enough to cut in half meaningfully.
    return encode(Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)), "JPEG", quality=95)


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def black_1bit_png(width, height):
    """A valid 1-bit greyscale PNG built row by row: huge dimensions, a few kilobytes of file."""
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed pixels, all zero
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def assert_invalid(code, func, *args):
    with pytest.raises(ValidationError) as excinfo:
        func(*args)
    assert excinfo.value.code == code
    return excinfo.value.messages[0]


def pdf_bytes(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- images -----------------------------------------------------------------------------------


def test_exif_orientation_applied_and_all_metadata_dropped():
    # Stored sideways (red left, blue right) with "rotate 90° clockwise to display" in EXIF.
    source = Image.new("RGB", (200, 100), RED)
    source.paste(BLUE, (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (43.0, 14.0, 0.0), 3: "E", 4: (76.0, 55.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(source, "JPEG", exif=exif.tobytes(), icc_profile=icc, comment=b"secret")
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input really carries GPS

    result = reencode_image(upload(data))

    image = opened(result.image)
    assert image.format == "JPEG"
    assert (result.width, result.height) == image.size == (100, 200)
    assert not image.getexif()
    assert not {"exif", "icc_profile", "comment"} & image.info.keys()
    # Turned clockwise: the stored left edge (red) is now at the top.
    assert_close(image.getpixel((50, 20)), RED)
    assert_close(image.getpixel((50, 180)), BLUE)


def assert_close(pixel, expected, tolerance=40):
    assert all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True)), pixel


def test_large_image_scaled_down_and_thumbnail_made():
    result = reencode_image(upload(encode(Image.new("RGB", (4000, 3000), "green"), "JPEG")))

    assert (result.width, result.height) == (MAX_IMAGE_SIDE, 1500)
    assert opened(result.image).size == (2000, 1500)
    thumbnail = opened(result.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_SIDE, 360)


@pytest.mark.parametrize("size", [(1000, 3000), (3000, 1000), (2001, 2001)])
def test_longer_side_limited(size):
    result = reencode_image(upload(encode(Image.new("RGB", size, "green"), "PNG"), "photo.png"))

    assert max(result.width, result.height) == MAX_IMAGE_SIDE
    assert max(opened(result.thumbnail).size) == THUMBNAIL_SIDE


def test_small_image_not_enlarged():
    result = reencode_image(upload(encode(Image.new("RGB", (300, 200), "green"), "JPEG")))

    assert (result.width, result.height) == (300, 200)
    assert opened(result.thumbnail).size == (300, 200)


def test_files_get_random_names():
    result = reencode_image(upload(encode(Image.new("RGB", (30, 20), "green"), "JPEG"), "../../etc/x.jpg"))

    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.image.name)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.thumbnail.name)
    assert result.image.name != result.thumbnail.name


def test_png_with_transparency_stays_png_and_thumbnail_is_flattened_on_white():
    source = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    source.paste((0, 0, 255, 255), (100, 50, 200, 150))
    text = PngInfo()
    text.add_text("Comment", "private note")

    result = reencode_image(upload(encode(source, "PNG", pnginfo=text), "logo.png", "image/png"))

    image = opened(result.image)
    assert result.image.name.endswith(".png")
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    assert "Comment" not in image.info
    thumbnail = opened(result.thumbnail)
    assert result.thumbnail.name.endswith(".jpg")
    assert thumbnail.format == "JPEG"
    assert_close(thumbnail.getpixel((0, 0)), (255, 255, 255))
    assert_close(thumbnail.getpixel((150, 100)), BLUE)


def test_palette_png_with_transparent_index_stays_png():
    source = Image.new("P", (60, 40), 0)
    source.putpalette([255, 255, 255, 255, 0, 0])
    source.paste(1, (20, 10, 40, 30))

    result = reencode_image(upload(encode(source, "PNG", transparency=0), "icon.png", "image/png"))

    assert opened(result.image).format == "PNG"


def test_opaque_png_with_alpha_channel_becomes_jpeg():
    source = Image.new("RGBA", (300, 200), (0, 128, 0, 255))

    result = reencode_image(upload(encode(source, "PNG"), "photo.png", "image/png"))

    assert opened(result.image).format == "JPEG"
    assert result.image.name.endswith(".jpg")


def test_webp_accepted():
    result = reencode_image(
        upload(encode(Image.new("RGB", (640, 480), "green"), "WEBP"), "p.webp", "image/webp")
    )

    assert opened(result.image).format == "JPEG"
    assert (result.width, result.height) == (640, 480)


def test_gif_refused():
    data = encode(Image.new("RGB", (64, 64), "green"), "GIF")

    message = assert_invalid("image_format", reencode_image, upload(data, "anim.gif", "image/gif"))
    assert message == "This file is not a JPEG, PNG or WebP image."


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"#!/bin/sh\nrm -rf /\n",
        b"%PDF-1.7\n",
        b"",
    ],
)
def test_non_image_named_png_refused(data):
    message = assert_invalid("image_format", reencode_image, upload(data, "photo.png", "image/png"))
    assert message == "This file is not a JPEG, PNG or WebP image."


def test_file_over_5_mb_refused_before_decoding():
    data = encode(Image.new("RGB", (64, 64), "green"), "JPEG")
    data += bytes(MAX_IMAGE_BYTES + 1 - len(data))

    message = assert_invalid("image_too_large", reencode_image, upload(data))
    assert "5 MB" in message


def test_file_of_exactly_5_mb_accepted():
    data = encode(Image.new("RGB", (64, 64), "green"), "JPEG")
    data += bytes(MAX_IMAGE_BYTES - len(data))  # JPEG decoders ignore bytes after the end marker

    assert reencode_image(upload(data)).width == 64


def test_hand_built_png_is_a_real_image():
    # The bomb tests below rely on black_1bit_png() making valid PNGs.
    assert reencode_image(upload(black_1bit_png(64, 48), "x.png")).width == 64


@pytest.mark.parametrize(
    "size",
    [
        (8000, 6000),  # 48 MP: above our 40 MP limit, below anything Pillow itself notices
        (10000, 10000),  # 100 MP: Pillow only warns, we refuse
        (20000, 20000),  # 400 MP: Pillow raises DecompressionBombError
    ],
)
def test_decompression_bomb_refused(size):
    data = black_1bit_png(*size)
    assert len(data) < 100_000  # tiny file, huge image

    message = assert_invalid("image_too_many_pixels", reencode_image, upload(data, "bomb.png", "image/png"))
    assert "40 megapixels" in message


def test_truncated_jpeg_refused():
    data = noise_jpeg()

    message = assert_invalid("image_corrupt", reencode_image, upload(data[: len(data) // 2]))
    assert "damaged" in message


def test_png_with_bad_checksum_refused():
    data = bytearray(encode(Image.frombytes("RGB", (50, 50), os.urandom(50 * 50 * 3)), "PNG"))
    data[-20] ^= 0xFF  # inside the last IDAT chunk

    assert_invalid("image_corrupt", reencode_image, upload(bytes(data), "p.png", "image/png"))


# --- PDF --------------------------------------------------------------------------------------


def test_valid_pdf_accepted_and_rewound():
    data = pdf_bytes(pages=2)
    pdf = upload(data, "report.pdf", "application/pdf")
    pdf.read(10)

    validate_pdf(pdf)

    assert pdf.tell() == 0
    assert pdf.read() == data


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"junk " * 1000,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
)
def test_fake_pdf_refused(data):
    pdf = upload(data, "report.pdf", "application/pdf")

    message = assert_invalid("pdf_corrupt", validate_pdf, pdf)
    assert "damaged" in message
    assert pdf.tell() == 0


def test_pdf_without_pages_refused():
    assert_invalid("pdf_empty", validate_pdf, upload(pdf_bytes(pages=0), "empty.pdf", "application/pdf"))


@pytest.mark.parametrize("data", [b"Just a text file named .pdf\n", b"", b"<html>%PDF-1.7</html>"])
def test_non_pdf_refused(data):
    message = assert_invalid("pdf_format", validate_pdf, upload(data, "report.pdf", "application/pdf"))
    assert message == "This file is not a PDF document."


def test_encrypted_pdf_refused():
    data = pdf_bytes(password="secret")

    message = assert_invalid("pdf_encrypted", validate_pdf, upload(data, "report.pdf", "application/pdf"))
    assert "password" in message


def test_pdf_over_10_mb_refused():
    data = pdf_bytes()
    data += b"\n%" + b"x" * (MAX_PDF_BYTES - len(data))  # a trailing comment: still a PDF

    message = assert_invalid("pdf_too_large", validate_pdf, upload(data, "big.pdf", "application/pdf"))
    assert "10 MB" in message


# --- video links ------------------------------------------------------------------------------

YOUTUBE_ID = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"http://youtube.com/watch?v={YOUTUBE_ID}&t=42s",
        f"https://www.youtube.com/watch?feature=share&v={YOUTUBE_ID}",
        f"https://m.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}?si=tracking",
        f"https://www.youtube.com/shorts/{YOUTUBE_ID}",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}",
        f"  https://WWW.YouTube.com/watch?v={YOUTUBE_ID}  ",
        "https://www.youtube.com/watch?v=a-b_C1d2E3f",
    ],
)
def test_youtube_links(url):
    link = parse_video_url(url)

    assert link.provider == "youtube"
    assert re.fullmatch(r"[A-Za-z0-9_-]{11}", link.video_id)
    assert link.canonical_url == f"https://www.youtube.com/watch?v={link.video_id}"
    assert link.embed_url == f"https://www.youtube-nocookie.com/embed/{link.video_id}"
    validate_video_url(url)


def test_youtube_link_fields():
    assert parse_video_url(f"https://youtu.be/{YOUTUBE_ID}") == VideoLink(
        provider="youtube",
        video_id=YOUTUBE_ID,
        canonical_url=f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        embed_url=f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/76979871",
        "http://www.vimeo.com/76979871/",
        "https://player.vimeo.com/video/76979871",
        "https://player.vimeo.com/video/76979871?h=abc&autoplay=1",
    ],
)
def test_vimeo_links(url):
    assert parse_video_url(url) == VideoLink(
        provider="vimeo",
        video_id="76979871",
        canonical_url="https://vimeo.com/76979871",
        embed_url="https://player.vimeo.com/video/76979871?dnt=1",
    )
    validate_video_url(url)


@pytest.mark.parametrize(
    "url",
    [
        f"https://youtube.com.evil.kz/watch?v={YOUTUBE_ID}",
        f"https://evilyoutube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com@evil.kz/watch?v={YOUTUBE_ID}",
        f"https://evil.kz/?next=https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"javascript:alert(1)//www.youtube.com/watch?v={YOUTUBE_ID}",
        "javascript://www.youtube.com/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        f"ftp://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"www.youtube.com/watch?v={YOUTUBE_ID}",
        "https://rutube.ru/video/0123456789abcdef0123456789abcdef/",
        "https://vimeo.com.evil.kz/76979871",
        "https://[::1",
        "",
        None,
    ],
)
def test_other_links_refused(url):
    message = assert_invalid("video_host", parse_video_url, url)
    assert message == "Only YouTube and Vimeo links are accepted."
    assert_invalid("video_host", validate_video_url, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?v=",
        "https://www.youtube.com/watch?v=tooShort",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}x",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
        "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}/extra",
        "https://youtu.be/",
        "https://vimeo.com/channels/staffpicks",
        "https://player.vimeo.com/video/abc",
        "https://vimeo.com/٧٦٩٧٩٨٧١",
    ],
)
def test_youtube_or_vimeo_link_without_video_refused(url):
    message = assert_invalid("video_id", parse_video_url, url)
    assert "does not point to a video" in message
