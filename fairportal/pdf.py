"""Fonts for the PDFs the portal prints (certificates, protocols).

Open Sans from the `ttf-opensans` package: Cyrillic with every Kazakh letter (Ә Ғ Қ Ң Ө Ұ Ү Һ І),
embedded in each PDF so it prints the same anywhere. Nothing is fetched at run time.
"""

from functools import cache

import ttf_opensans
from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "OpenSans", "OpenSans-Bold"
INK = HexColor("#00618a")  # the site's brand blue


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(ttf_opensans.OPENSANS_REGULAR.path)))
    pdfmetrics.registerFont(TTFont(BOLD, str(ttf_opensans.OPENSANS_BOLD.path)))
    # <b> in a platypus Paragraph picks the bold face of the family.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
