"""QR codes drawn here as inline SVG: no image service ever sees a secret, no JavaScript needed."""

import qrcode
import qrcode.image.svg


def svg(data: str) -> str:
    """An SVG `<svg>` element (no XML declaration) for `data`, sized by CSS through its viewBox.

    Hidden from screen readers: the page gives the same key as text beside it.
    """
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    root = image._img  # the ElementTree root; qrcode has no public way to set attributes
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    root.set("class", "qr-code")
    return image.to_string(encoding="unicode")
