"""Appearance streams: what a field looks like in viewers that draw what the file says.

Many viewers (poppler, MuPDF, previews, printers) never lay out a field's value
themselves; they draw the field's normal appearance stream. So every filled field
gets one: text wrapped inside its box, shrunk to fit when it is long, the label of
a chosen option, a tick for a checked box.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from typing import cast

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


#: Widths of words measured so far (1/1000 em), bounded: the words of one program's
#: forms repeat from document to document, and measuring is most of wrapping.
_WORD_WIDTHS: dict[str, float] = {}
_WORD_LIMIT = 50_000


def _words(metrics: Metrics, text: str) -> list[tuple[list[str], list[float], float]]:
    """Each paragraph of ``text`` as its words, their widths (1/1000 em) and its width on one line."""
    known = _WORD_WIDTHS
    width = metrics.width.__getitem__
    space = metrics.width[" "]
    if len(known) > _WORD_LIMIT:
        known.clear()
    out = []
    measure = known.get
    for para in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        texts = para.split(" ")
        found = list(map(measure, texts))  # words seen before: one C-level pass
        widths = cast("list[float]", found) if None not in found else [
            w if w is not None else known.setdefault(word, sum(map(width, word))) for word, w in zip(texts, found)]
        out.append((texts, widths, sum(widths) + space * (len(texts) - 1)))
    return out


def _wrap_words(metrics: Metrics, paras: list[tuple[list[str], list[float], float]], max_width: float) -> list[str]:
    """Lines no wider than ``max_width`` from measured paragraphs (see :func:`wrap`)."""
    width = metrics.width.__getitem__
    space = metrics.width[" "]
    lines: list[str] = []
    for texts, widths, total in paras:
        if total <= max_width:
            lines.append(" ".join(texts))
            continue
        if max(widths) <= max_width:
            # Every word fits a line: each line ends where the running width (words and
            # the spaces after them) passes the line's start plus the box, found by bisection.
            ends = list(accumulate(map(add, widths, repeat(space))))
            start, at = 0, 0.0
            while start < len(texts):
                end = bisect_right(ends, at + max_width + space, lo=start + 1)
                lines.append(" ".join(texts[start:end]))
                start, at = end, ends[end - 1]
            continue
        current: list[str] = []
        current_width = 0.0
        for word, word_width in zip(texts, widths):
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


def wrap(metrics: Metrics, text: str, max_width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (1/1000 em units).

    Explicit line breaks are kept; lines break between words, and a word wider
    than the box breaks between characters.
    """
    return _wrap_words(metrics, _words(metrics, text), max_width)


@functools.lru_cache(maxsize=4096)
def _head(width: float, height: float, size: float, leading: float, baseline: float) -> bytes:
    # Cached: a form has a few dozen boxes, and long text tries only a few sizes in each.
    return (b"/Tx BMC q 1 1 " + number(width - 2) + b" " + number(height - 2) + b" re W n BT "
            + _FONT + b" " + number(size) + b" Tf 0 g " + (number(leading) + b" TL " if leading else b"")
            + number(PAD) + b" " + number(baseline) + b" Td")


def line_head(metrics: Metrics, width: float, height: float, size: float = SIZE) -> tuple[float, bytes]:
    """For a one-line box: the widest text (1/1000 em) drawn at its full size, and the content up
    to the text at that size. A filler computes both once per box; :func:`text_stream` with a text
    no wider gives ``head + b" (" + literal + b") Tj ET Q EMC"``."""
    avail_w = max(width - 2 * PAD, 1.0)
    size = min(size, max(height - 2 * PAD, 1.0) / 1.1)
    baseline = (height - size * (metrics.ascent - metrics.descent) / 1000) / 2 - size * metrics.descent / 1000
    return avail_w * 1000 / size, _head(width, height, size, 0.0, baseline)


def text_stream(metrics: Metrics, width: float, height: float, text: str, *, multiline: bool,
                size: float = SIZE) -> bytes:
    """Content of the appearance of a text or choice field showing ``text``.

    Text is written as literal strings of two-byte glyph ids (:meth:`.Metrics.literal`).
    """
    avail_w = max(width - 2 * PAD, 1.0)
    avail_h = max(height - 2 * PAD, 1.0)
    if multiline:
        paras = _words(metrics, text)
        while True:
            lines = _wrap_words(metrics, paras, avail_w * 1000 / size)
            if len(lines) * size * LEADING <= avail_h + 0.01 or size <= MIN_SIZE:
                break
            size = max(MIN_SIZE, size - 0.5)
        head = _head(width, height, size, size * LEADING, height - PAD - size * metrics.ascent / 1000)
        literal = metrics.literal
        body = b") Tj T* (".join(literal(line) for line in lines)
        return head + b" (" + body + b") Tj ET Q EMC"
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    size = min(size, avail_h / 1.1)
    text_width = metrics.text_width(text)
    if text_width * size / 1000 > avail_w:
        size = max(MIN_SIZE, avail_w * 1000 / text_width)
    baseline = (height - size * (metrics.ascent - metrics.descent) / 1000) / 2 - size * metrics.descent / 1000
    return _head(width, height, size, 0.0, baseline) + b" (" + metrics.literal(text) + b") Tj ET Q EMC"


def check_stream(width: float, height: float) -> bytes:
    """A tick drawn as a filled path: needs no font, looks the same in every viewer."""
    side = min(width, height)
    x0 = (width - side) / 2
    y0 = (height - side) / 2
    points = [(0.18, 0.52), (0.40, 0.26), (0.84, 0.80), (0.74, 0.88), (0.40, 0.45), (0.27, 0.61)]
    path = [f"{x0 + x * side:.2f} {y0 + y * side:.2f}" for x, y in points]
    return ("q 0 g " + path[0] + " m " + " l ".join(path[1:]) + " l h f Q").encode("ascii")
