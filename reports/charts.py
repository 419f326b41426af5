"""Charts as inline SVG, drawn on the server: no JavaScript and no library on the page.

Pure functions from numbers to markup. Every chart is an image with an accessible name
(`role="img"`, a `<title>` it is labelled by); the table next to it on the page carries the
same numbers and is what screen readers and printouts rely on. Colours come from classes in
static/css/admin.css (the CSP allows no style attributes), so the admin's dark theme and the
print stylesheet can change them; geometry uses presentation attributes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Drawing units of the viewBox; the SVG scales to its box (CSS gives the width).
WIDTH = 500
LABEL_HEIGHT = 21
BAR_HEIGHT = 16
ROW_GAP = 8
SHADES = 5  # steps of the cartogram's scale, 0 = nothing


@dataclass(frozen=True)
class Segment:
    value: int
    css_class: str = "fp-bar"


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]

    @property
    def total(self) -> int:
        return sum(segment.value for segment in self.segments)


@dataclass(frozen=True)
class Tile:
    code: str
    label: str
    value: int
    is_city: bool = False


def _shorten(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open_svg(*, chart_id: str, title: str, height: int, css_class: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="fp-chart {}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title" focusable="false"><title id="{}-title">{}</title>',
        css_class,
        WIDTH,
        height,
        chart_id,
        chart_id,
        title,
    )


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, each under its label (labels may be long: nominations, names); a bar of
    several segments is stacked left to right."""
    top = max((bar.total for bar in bars), default=0) or 1
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = max(1, len(bars)) * row_height + ROW_GAP
    plot_width = WIDTH - 60
    parts = [_open_svg(chart_id=chart_id, title=title, height=height, css_class="fp-chart-bars")]
    for row, bar in enumerate(bars):
        y = ROW_GAP + row * row_height
        parts.append(
            format_html(
                '<text class="fp-chart-label" x="0" y="{}">{}</text>',
                y + LABEL_HEIGHT - 4,
                _shorten(bar.label, 70),
            )
        )
        x = 0.0
        for segment in bar.segments:
            width = round(plot_width * segment.value / top, 1)
            if width > 0:
                parts.append(
                    format_html(
                        '<rect class="{}" x="{}" y="{}" width="{}" height="{}"/>',
                        segment.css_class,
                        x,
                        y + LABEL_HEIGHT,
                        width,
                        BAR_HEIGHT,
                    )
                )
            x += width
        parts.append(
            format_html(
                '<text class="fp-chart-value" x="{}" y="{}">{}</text>',
                round(x + 4, 1),
                y + LABEL_HEIGHT + BAR_HEIGHT - 4,
                number_format(bar.total, force_grouping=True),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


def time_series(*, chart_id: str, title: str, points: Sequence[tuple[str, int]]) -> SafeString:
    """Columns over time (a day or a week each), the first and last period named under the axis."""
    height, bottom, left = 180, 150, 40
    top_value = max((value for _, value in points), default=0) or 1
    plot_width = WIDTH - left - 10
    step = plot_width / max(1, len(points))
    parts = [
        _open_svg(chart_id=chart_id, title=title, height=height, css_class="fp-chart-series"),
        format_html(
            '<line class="fp-chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>', left, bottom, WIDTH - 10, bottom
        ),
        format_html(
            '<text class="fp-chart-label" x="{}" y="{}" text-anchor="end">{}</text>', left - 4, 16, top_value
        ),
        format_html(
            '<text class="fp-chart-label" x="{}" y="{}" text-anchor="end">0</text>', left - 4, bottom
        ),
    ]
    for index, (_, value) in enumerate(points):
        column = round((bottom - 10) * value / top_value, 1)
        if column > 0:
            parts.append(
                format_html(
                    '<rect class="fp-bar" x="{}" y="{}" width="{}" height="{}"/>',
                    round(left + index * step + step * 0.1, 1),
                    round(bottom - column, 1),
                    round(max(step * 0.8, 1), 1),
                    column,
                )
            )
    if points:
        parts.append(
            format_html(
                '<text class="fp-chart-label" x="{}" y="{}">{}</text>', left, bottom + 20, points[0][0]
            )
        )
        if len(points) > 1:
            parts.append(
                format_html(
                    '<text class="fp-chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                    WIDTH - 10,
                    bottom + 20,
                    points[-1][0],
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


# Kazakhstan's 17 regions and 3 cities of republican significance on a grid, roughly where
# they lie (column west to east, row north to south); codes as in projects/0002.
KAZAKHSTAN_TILES: dict[str, tuple[int, int]] = {
    "kostanay": (2, 0),
    "north-kazakhstan": (3, 0),
    "pavlodar": (4, 0),
    "west-kazakhstan": (0, 1),
    "aktobe": (1, 1),
    "akmola": (2, 1),
    "astana": (3, 1),
    "abai": (4, 1),
    "east-kazakhstan": (5, 1),
    "atyrau": (0, 2),
    "kyzylorda": (1, 2),
    "ulytau": (2, 2),
    "karaganda": (3, 2),
    "jetisu": (5, 2),
    "mangystau": (0, 3),
    "turkistan": (2, 3),
    "jambyl": (3, 3),
    "almaty-region": (4, 3),
    "shymkent": (2, 4),
    "almaty": (4, 4),
}
TILE = 96  # a tile's side in drawing units


def shade_of(value: int, top: int) -> int:
    """0 for nothing, else 1…SHADES-1 by the share of the largest value."""
    if value <= 0 or top <= 0:
        return 0
    return min(SHADES - 1, 1 + (SHADES - 2) * value // top)


def shade_ranges(top: int) -> list[tuple[int, int, int]]:
    """(shade, lowest, highest value) of each step the cartogram uses, for its legend."""
    ranges = [(0, 0, 0)]
    for shade in range(1, SHADES):
        values = [value for value in range(1, top + 1) if shade_of(value, top) == shade]
        if values:
            ranges.append((shade, values[0], values[-1]))
    return ranges


def tile_cartogram(*, chart_id: str, title: str, tiles: Sequence[Tile]) -> SafeString:
    """One square per region where it roughly lies, shaded by its count, with the count in it."""
    columns = 1 + max(col for col, _ in KAZAKHSTAN_TILES.values())
    rows = 1 + max(row for _, row in KAZAKHSTAN_TILES.values())
    width, height = columns * TILE, rows * TILE
    top = max((tile.value for tile in tiles), default=0)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="fp-chart fp-chart-map" viewBox="0 0 {} {}" '
            'role="img" aria-labelledby="{}-title" focusable="false"><title id="{}-title">{}</title>',
            width,
            height,
            chart_id,
            chart_id,
            title,
        )
    ]
    for tile in tiles:
        if tile.code not in KAZAKHSTAN_TILES:
            continue
        col, row = KAZAKHSTAN_TILES[tile.code]
        x, y = col * TILE, row * TILE
        shade = shade_of(tile.value, top)
        parts.append(
            format_html(
                '<g class="fp-tile fp-shade-{}{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6"/>'
                '<text class="fp-tile-name" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="fp-tile-value" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                shade,
                " fp-tile-city" if tile.is_city else "",
                x + 3,
                y + 3,
                TILE - 6,
                TILE - 6,
                x + TILE / 2,
                y + 32,
                _shorten(tile.label, 16),
                x + TILE / 2,
                y + 68,
                tile.value,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


def region_short_name(name: str) -> str:
    """A name that fits a tile: "Абай облысы" -> "Абай", and the usual initials for the three
    "…Kazakhstan" regions ("Шығыс Қазақстан облысы" -> "ШҚО", "Восточно-Казахстанская область" -> "ВКО")."""
    name = str(name)
    if any(word in name for word in ("Қазақстан", "Казахстан", "Kazakhstan")):
        return "".join(part[0] for part in name.replace("-", " ").split()).upper()
    for suffix in (" облысы", " область", " Region"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
