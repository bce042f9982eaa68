"""Charts of a Party document as standalone inline SVG: no scripts, no links, no fonts.

Each function returns SVG markup marked safe only after every piece of data in it
has been XML-escaped. The charts repeat figures the document's tables already
give, so a reader without them (the Word file, a screen reader) loses nothing.
"""

from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from dluan.document.numbers import number

WIDTH = 600
LABEL_WIDTH = 210
VALUE_WIDTH = 60
ROW_HEIGHT = 22
BAR_HEIGHT = 14
TOP = 30
FONT_SIZE = 11
# A dark fill: white figures inside it and black labels beside it both read at a
# contrast above 4.5:1, and bars stay apart when printed in grey.
BAR_COLOUR = "#1a4f8b"


def _text(value) -> str:
    return escape(str(value))


def _fit(label: str, width: float, font_size: float = FONT_SIZE) -> str:
    """The label shortened with an ellipsis to fit about ``width`` units."""
    room = max(int(width / (font_size * 0.56)), 4)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _svg(title: str, height: int, body: list[str]) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" class="chart" '
        'font-family="Noto Serif, serif">',
        f"<title>{_text(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="0" y="16" font-size="12" font-weight="bold" fill="#000000">'
        f"{_text(title)}</text>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 (all data escaped by _text)


def horizontal_bars(
    title: str,
    items: list[tuple[str, float | None]],
    *,
    maximum: float | None = None,
    suffix: str = "",
    colour: str = BAR_COLOUR,
) -> SafeString:
    """One bar per ``(label, value)``; ``None`` draws no bar and a dash."""
    values = [value for _label, value in items if value is not None]
    scale_max = maximum or max(values, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    for row, (label, value) in enumerate(items):
        y = TOP + row * ROW_HEIGHT
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" '
            f'font-size="{FONT_SIZE}" text-anchor="end" fill="#000000">'
            f"{_text(_fit(str(label), LABEL_WIDTH - 6))}</text>"
        )
        length = 0.0
        if value is not None and value > 0:
            length = round(span * min(value, scale_max) / scale_max, 1)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" '
                f'height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
        shown = number(value) + (suffix if value is not None else "")
        body.append(
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 3}" '
            f'font-size="{FONT_SIZE}" fill="#000000">{_text(shown)}</text>'
        )
    height = TOP + len(items) * ROW_HEIGHT + 4
    return _svg(title, height, body)


def stacked_bars(
    title: str,
    rows: list[tuple[str, list[int]]],
    series: list[tuple[str, str]],
) -> SafeString:
    """One bar per row, split into ``series`` (``(label, colour)``), with a legend."""
    scale_max = max((sum(values) for _label, values in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    legend_x = 0
    legend_y = TOP + 2
    for label, colour in series:
        body.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{colour}"/>'
        )
        shown = _fit(str(label), 130, 10)
        body.append(
            f'<text x="{legend_x + 14}" y="{legend_y}" font-size="10" '
            f'fill="#000000">{_text(shown)}</text>'
        )
        legend_x += 150
    top = TOP + 12
    for row, (label, values) in enumerate(rows):
        y = top + row * ROW_HEIGHT
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" '
            f'font-size="{FONT_SIZE}" text-anchor="end" fill="#000000">'
            f"{_text(_fit(str(label), LABEL_WIDTH - 6))}</text>"
        )
        x = float(LABEL_WIDTH)
        for value, (_name, colour) in zip(values, series, strict=False):
            if not value:
                continue
            length = round(span * value / scale_max, 1)
            body.append(
                f'<rect x="{x}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
                f'fill="{colour}"/>'
            )
            if length >= 18:
                body.append(
                    f'<text x="{round(x + length / 2, 1)}" y="{y + BAR_HEIGHT - 3}" '
                    f'font-size="10" text-anchor="middle" fill="#ffffff">'
                    f"{_text(number(value))}</text>"
                )
            x += length
        body.append(
            f'<text x="{round(x + 4, 1)}" y="{y + BAR_HEIGHT - 3}" '
            f'font-size="{FONT_SIZE}" fill="#000000">'
            f"{_text(number(sum(values)))}</text>"
        )
    height = top + len(rows) * ROW_HEIGHT + 4
    return _svg(title, height, body)
