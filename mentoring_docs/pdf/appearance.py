"""Appearance streams: what a field looks like in viewers that draw what the file says.

Many viewers (poppler, MuPDF, previews, printers) never lay out a field's value
themselves; they draw the field's normal appearance stream. So every filled field
gets one: text wrapped inside its box, shrunk to fit when it is long, the label of
a chosen option, a tick for a checked box.
"""

from __future__ import annotations

from .font import RESOURCE_NAME, Metrics
from .syntax import number

#: Font size of values; long text shrinks down to MIN_SIZE to fit its box.
SIZE = 10.0
MIN_SIZE = 6.0
#: Line spacing as a multiple of the font size.
LEADING = 1.15
#: Inner padding of a box, in points.
PAD = 2.0

_FONT = b"/" + RESOURCE_NAME.encode("ascii")


def wrap(metrics: Metrics, text: str, max_width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (1/1000 em units).

    Explicit line breaks are kept; lines break between words, and a word wider
    than the box breaks between characters.
    """
    width = metrics.width.__getitem__
    space = metrics.width[" "]
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        if sum(map(width, para)) <= max_width:
            lines.append(para)
            continue
        current: list[str] = []
        current_width = 0.0
        for word in para.split(" "):
            word_width = sum(map(width, word))
            if current and current_width + space + word_width <= max_width:
                current.append(word)
                current_width += space + word_width
                continue
            if current:
                lines.append(" ".join(current))
            if word_width <= max_width:
                current, current_width = [word], word_width
                continue
            chunk: list[str] = []
            chunk_width = 0.0
            for char in word:
                char_width = width(char)
                if chunk and chunk_width + char_width > max_width:
                    lines.append("".join(chunk))
                    chunk, chunk_width = [], 0.0
                chunk.append(char)
                chunk_width += char_width
            current, current_width = ["".join(chunk)], chunk_width
        lines.append(" ".join(current))
    return lines


def text_stream(metrics: Metrics, width: float, height: float, text: str, *, multiline: bool,
                size: float = SIZE) -> bytes:
    """Content of the appearance of a text or choice field showing ``text``."""
    avail_w = max(width - 2 * PAD, 1.0)
    avail_h = max(height - 2 * PAD, 1.0)
    if multiline:
        while True:
            lines = wrap(metrics, text, avail_w * 1000 / size)
            if len(lines) * size * LEADING <= avail_h + 0.01 or size <= MIN_SIZE:
                break
            size = max(MIN_SIZE, size - 0.5)
        leading = size * LEADING
        baseline = height - PAD - size * metrics.ascent / 1000
    else:
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
        size = min(size, avail_h / 1.1)
        text_width = metrics.text_width(text)
        if text_width * size / 1000 > avail_w:
            size = max(MIN_SIZE, avail_w * 1000 / text_width)
        lines = [text]
        leading = 0.0
        baseline = (height - size * (metrics.ascent - metrics.descent) / 1000) / 2 - size * metrics.descent / 1000
    parts = [
        b"/Tx BMC q 1 1 " + number(width - 2) + b" " + number(height - 2) + b" re W n BT "
        + _FONT + b" " + number(size) + b" Tf 0 g " + number(leading) + b" TL "
        + number(PAD) + b" " + number(baseline) + b" Td"
    ]
    first = True
    for line in lines:
        if not first:
            parts.append(b"T*")
        first = False
        if line:
            parts.append(b"<" + metrics.encode(line) + b"> Tj")
    parts.append(b"ET Q EMC")
    return b"\n".join(parts)


def check_stream(width: float, height: float) -> bytes:
    """A tick drawn as a filled path: needs no font, looks the same in every viewer."""
    side = min(width, height)
    x0 = (width - side) / 2
    y0 = (height - side) / 2
    points = [(0.18, 0.52), (0.40, 0.26), (0.84, 0.80), (0.74, 0.88), (0.40, 0.45), (0.27, 0.61)]
    path = [f"{x0 + x * side:.2f} {y0 + y * side:.2f}" for x, y in points]
    return ("q 0 g " + path[0] + " m " + " l ".join(path[1:]) + " l h f Q").encode("ascii")
