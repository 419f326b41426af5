"""A batch of voting cards as an A4 PDF of ten cut-out cards per page, in Kazakh and Russian.

Each card: a QR code of its page (`cards.card_url`), the typed code, the fair's title and a
one-line instruction in both languages, whatever language the organiser's admin is in (visitors
at one stand speak either). Open Sans from `ttf-opensans` has every Kazakh letter; the font
is embedded so the sheet prints the same anywhere.
"""

import io

import qrcode
import qrcode.constants
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from fairportal.pdf import BOLD, INK, REGULAR, register_fonts
from voting import cards
from voting.models import CardBatch

COLUMNS, ROWS = 2, 5
CARD_WIDTH, CARD_HEIGHT = A4[0] / COLUMNS, A4[1] / ROWS
QR_SIZE = 44 * mm
PADDING = 6 * mm


def _qr_image(url: str) -> ImageReader:
    # Error correction M survives a crease or a thumb; the quiet zone is part of the image.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return ImageReader(code.make_image(fill_color="black", back_color="white").get_image())


def _fitted(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """The text and a font size at which it fits `width`: smaller down to 6.5 pt, then cut short."""
    while size > 6.5 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    while len(text) > 1 and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2].rstrip() + "…"
    return text, size


def _instruction(language: str) -> str:
    with translation.override(language):
        return gettext("Scan with your phone's camera and vote once, or type the code at %(site)s") % {
            "site": settings.SITE_URL.removeprefix("https://").removeprefix("http://") + "/vote/card/"
        }


def _draw_card(pdf: canvas.Canvas, batch: CardBatch, number: int, code: str, x: float, y: float) -> None:
    """One card with its lower left corner at (x, y)."""
    # Dashed cut lines around every card.
    pdf.setStrokeColor(HexColor("#9aa5b1"))
    pdf.setDash(3, 3)
    pdf.setLineWidth(0.5)
    pdf.rect(x, y, CARD_WIDTH, CARD_HEIGHT)
    pdf.setDash()

    pdf.drawImage(
        _qr_image(cards.card_url(code)), x + PADDING / 2, y + (CARD_HEIGHT - QR_SIZE) / 2, QR_SIZE, QR_SIZE
    )
    left = x + QR_SIZE + PADDING
    top = y + CARD_HEIGHT - PADDING - 3 * mm
    fair = batch.fair
    width = CARD_WIDTH - QR_SIZE - 1.5 * PADDING
    pdf.setFillColor(INK)
    for offset, font, title in ((0, BOLD, fair.title_kk), (4 * mm, REGULAR, fair.title_ru)):
        line, size = _fitted(title, font, 8.5, width)
        pdf.setFont(font, size)
        pdf.drawString(left, top - offset, line)
    pdf.setFillColor(HexColor("#1b1f24"))
    pdf.setFont(BOLD, 15)
    pdf.drawString(left, top - 14 * mm, code)
    pdf.setFont(REGULAR, 6.5)
    text = pdf.beginText(left, top - 21 * mm)
    text.setFont(REGULAR, 6.5)
    for language in ("kk", "ru"):
        for line in simpleSplit(_instruction(language), REGULAR, 6.5, width):
            text.textLine(line)
    pdf.drawText(text)
    pdf.setFillColor(HexColor("#6c757d"))
    pdf.setFont(REGULAR, 6)
    pdf.drawString(left, y + PADDING / 2, _fitted(f"{batch.label} · №{number}", REGULAR, 6, width)[0])


def cards_pdf(batch: CardBatch) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{batch.fair.title_kk} — {batch.label}")
    pdf.setAuthor(batch.fair.organiser_kk)
    per_page = COLUMNS * ROWS
    for index, (number, code) in enumerate(cards.card_codes(batch)):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        _draw_card(pdf, batch, number, code, column * CARD_WIDTH, A4[1] - (row + 1) * CARD_HEIGHT)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
