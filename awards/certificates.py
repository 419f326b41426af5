"""A printable certificate for an award: one A4 landscape page, in the requested language.

Drawn with ReportLab in Open Sans, which the `ttf-opensans` package ships (Cyrillic with
every Kazakh letter: Ә Ғ Қ Ң Ө Ұ Ү Һ І), embedded in the PDF so it prints the same
anywhere. Nothing is fetched at run time.

Its corner carries a QR code of the certificate's verification address (settings.SITE_URL, the
certificate's language, the award's random code) and the same address in print, for whoever
types it: the page there says whether the certificate is real and still valid.
"""

import io

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from awards.models import Award
from fairportal.pdf import BOLD, INK, REGULAR, register_fonts
from fairportal.text import money, quoted

GOLD = HexColor("#c99a2e")
CITATION_CHARS = 290  # four lines in the width the QR code leaves
QR_SIZE = 24 * mm


def verification_url(award: Award, language: str | None = None) -> str:
    """The absolute address of the award's verification page, in `language` (default: the active one)."""
    with translation.override(language or translation.get_language()):
        return settings.SITE_URL + reverse("awards:verify_certificate", args=[award.verification_code])


def verification_qr_image(url: str):
    """The QR code of `url` as a black-and-white image, with the standard quiet zone.

    Error correction M (15 %): a creased or stamped certificate still scans.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image().get_image()


def _centred(pdf: canvas.Canvas, text: str, y: float, font: str, size: float, width: float) -> float:
    """Draw `text` centred, wrapped to `width`; return the y below it."""
    for line in simpleSplit(text, font, size, width):
        pdf.setFont(font, size)
        pdf.drawCentredString(A4[1] / 2, y, line)
        y -= size * 1.3
    return y


def certificate_pdf(award: Award) -> bytes:
    """The certificate in the active language (texts fall back as on the site)."""
    register_fonts()
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    fair, project = award.fair, award.project
    pdf.setTitle(f"{award.title} — {project.title}")
    pdf.setAuthor(fair.organiser)
    pdf.setSubject(str(fair))

    # A double frame: ink outside, gold inside.
    pdf.setStrokeColor(INK)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1.5)
    pdf.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    text_width = width - 70 * mm
    pdf.setFillColor(INK)
    y = _centred(pdf, fair.organiser, height - 38 * mm, REGULAR, 13, text_width)
    y = _centred(pdf, _("Certificate").upper(), y - 8 * mm, BOLD, 40, text_width)
    pdf.setFillColor(GOLD)
    y = _centred(pdf, award.title, y - 2 * mm, BOLD, 28, text_width)
    pdf.setFillColor(HexColor("#1b1f24"))
    details = []
    if award.place:
        details.append(str(award.get_place_display()))
    details.append(str(award.get_kind_display()))
    if award.nomination:
        details.append(award.nomination.title)
    y = _centred(pdf, " · ".join(details), y - 2 * mm, REGULAR, 13, text_width)
    y = _centred(pdf, _("is awarded to the project"), y - 8 * mm, REGULAR, 13, text_width)
    # Titles often carry their own «quotes» already («Бірге» шеберханасы); never wrapped twice.
    title = quoted(project.title)
    y = _centred(pdf, title, y - 3 * mm, BOLD, 22, text_width)
    y = _centred(pdf, project.organisation.name, y - 1 * mm, REGULAR, 16, text_width)
    if award.grant_amount:
        y = _centred(
            pdf,
            _("Grant: %(amount)s") % {"amount": money(award.grant_amount)},
            y - 4 * mm,
            BOLD,
            14,
            text_width,
        )
    if award.prize:
        y = _centred(pdf, award.prize, y - 1 * mm, REGULAR, 12, text_width)
    if award.citation:
        # Four lines at most, so a long citation never runs into the footer; the web page has it all.
        # Narrower than the rest: the footer's QR code sits in the lower right corner.
        _centred(
            pdf, Truncator(award.citation).chars(CITATION_CHARS), y - 5 * mm, REGULAR, 11, width - 120 * mm
        )

    ceremony = award.ceremony
    pdf.setFont(REGULAR, 12)
    pdf.drawString(30 * mm, 32 * mm, str(fair))
    place = f"{ceremony.city}, " if ceremony.city else ""
    pdf.drawString(
        30 * mm, 26 * mm, place + formats.date_format(timezone.localtime(ceremony.held_at), "DATE_FORMAT")
    )
    _draw_verification(pdf, award, right=width - 24 * mm, bottom=21 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_verification(pdf: canvas.Canvas, award: Award, *, right: float, bottom: float) -> None:
    """The QR code in the lower right corner, the address printed beneath it, a line above."""
    url = verification_url(award)
    pdf.drawImage(ImageReader(verification_qr_image(url)), right - QR_SIZE, bottom + 8 * mm, QR_SIZE, QR_SIZE)
    pdf.setFillColor(HexColor("#1b1f24"))
    pdf.setFont(REGULAR, 8)
    pdf.drawRightString(right - QR_SIZE - 3 * mm, bottom + 8 * mm + QR_SIZE / 2, _("Check this certificate:"))
    pdf.setFont(BOLD, 9)
    # The whole address on one line, exactly as encoded: it is what a reader types.
    pdf.drawRightString(right, bottom + 3 * mm, url)
