"""Appearance streams for text in any script: shaped, in visual order, wrapped, shrunk to fit.

The fast path (:func:`.appearance.text_stream`) draws text the embedded
Windows-1252 font can draw character by character. Everything else comes here: each paragraph is shaped
(:mod:`.shaping`), broken into lines where the script allows (after spaces;
between CJK ideographs and kana; never inside a cluster), shrunk until it fits
like the fast path, and drawn run by run with the fonts of the fallback chain.
Right-to-left values are right-aligned. Clusters that are not one glyph for one
character carry their text (``/ActualText``), so that copying, searching and
``pdftotext`` give the characters of the value.
"""

from __future__ import annotations

from dataclasses import dataclass


from .appearance import LEADING, MIN_SIZE, PAD, SIZE
from .docfonts import DocumentFonts, Drawing
from .font import metrics
from .fontset import FontChain
from .shaping import Glyph, Shaped, shape, visual_line
from .syntax import number

# Characters before which a line never breaks (closing punctuation of CJK text).
_NO_BREAK_BEFORE = frozenset("、。，．・：；？！）」』】〕〉》ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.;:!?)]}%")


def _breaks_around(code: int) -> bool:
    """CJK ideographs, kana and fullwidth forms may break on either side."""
    return 0x2E80 <= code < 0xA000 or 0xF900 <= code < 0xFB00 or 0xFF00 <= code < 0xFFF0 or code >= 0x20000


@dataclass
class Missing:
    """Characters no font of the chain has, by field path (for the document's warning)."""

    chars: dict[str, list[str]]

    def add(self, path: str, chars: list[str]) -> None:
        have = self.chars.setdefault(path, [])
        have.extend(c for c in dict.fromkeys(chars) if c not in have)


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end


def break_lines(shaped: Shaped, max_width: float) -> list[tuple[int, int]]:
    """Lines of ``shaped`` as character ranges no wider than ``max_width`` (1/1000 em) where possible."""
    text = shaped.text
    n = len(text)
    prefix = [0.0]
    for adv in shaped.advance:
        prefix.append(prefix[-1] + adv)
    if prefix[-1] <= max_width:
        return [(0, n)]
    starts = shaped.cluster_start
    lines: list[tuple[int, int]] = []
    start = 0
    while start < n:
        best = -1
        i = start + 1
        while i <= n:
            if not starts[i]:
                i += 1
                continue
            if i < n:
                prev, cur = text[i - 1], text[i]
                allowed = (prev == " " and cur != " ") or (
                    (_breaks_around(ord(prev)) or _breaks_around(ord(cur))) and cur not in _NO_BREAK_BEFORE
                    and cur != " ")
                if not allowed:
                    i += 1
                    continue
            if prefix[_trim(text, start, i)] - prefix[start] <= max_width:
                best = i
                i += 1
                continue
            break
        if best == -1:
            # One word wider than the box: break it between clusters.
            best = start + 1
            while best < n and (not starts[best] or text[best] == " "):
                best += 1
            j = best
            while j < n:
                j += 1
                while j < n and not starts[j]:
                    j += 1
                if prefix[j] - prefix[start] > max_width:
                    break
                best = j
        lines.append((start, _trim(text, start, best)))
        start = best
        while start < n and text[start] == " ":
            start += 1
    return lines or [(0, 0)]


def text_stream(chain: FontChain, fonts: DocumentFonts, width: float, height: float, text: str, *,
                multiline: bool, size: float = SIZE, path: str = "", missing: Missing | None = None) -> Drawing:
    """Content of the appearance of a text field showing ``text`` in any script.

    Glyphs drawn are noted in ``fonts`` (which turns the drawing into bytes once the
    document's fonts are subset); characters no font has go to ``missing`` under ``path``.
    """
    avail_w = max(width - 2 * PAD, 1.0)
    avail_h = max(height - 2 * PAD, 1.0)
    if multiline:
        paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")
    else:
        paragraphs = [text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")]
    shaped = [shape(p, chain) for p in paragraphs]
    lost = [c for s in shaped for c in s.missing]
    if lost and missing is not None:
        missing.add(path, lost)
    rtl = next((s.rtl for s in shaped if s.text.strip()), False)
    # The bundled font's vertical metrics, as on the fast path: lines sit alike in every field.
    ascent, descent = metrics().ascent, metrics().descent
    if multiline:
        while True:
            lines = [(s, a, b) for s in shaped for a, b in break_lines(s, avail_w * 1000 / size)]
            if len(lines) * size * LEADING <= avail_h + 0.01 or size <= MIN_SIZE:
                break
            size = max(MIN_SIZE, size - 0.5)
        leading = size * LEADING
        baseline = height - PAD - size * ascent / 1000
    else:
        s = shaped[0]
        size = min(size, avail_h / 1.1)
        total = sum(s.advance)
        if total * size / 1000 > avail_w:
            size = max(MIN_SIZE, avail_w * 1000 / total)
        lines = [(s, 0, len(s.text))]
        leading = 0.0
        baseline = (height - size * (ascent - descent) / 1000) / 2 - size * descent / 1000
    parts: Drawing = [b"/Tx BMC q 1 1 " + number(width - 2) + b" " + number(height - 2) + b" re W n 0 g"]
    y = baseline
    for s, a, b in lines:
        glyphs = visual_line(s, a, b)
        if glyphs:
            line_width = sum(g.advance for g in glyphs) * size / 1000
            x = width - PAD - line_width if rtl else PAD
            parts += _line(fonts, glyphs, s.text, a, b, x, y, size)
        y -= leading
    parts.append(b"Q EMC")
    return parts


def _line(fonts: DocumentFonts, glyphs: list[Glyph], text: str, start: int, end: int, x: float, y: float,
          size: float) -> Drawing:
    """One line: its glyphs as TJ arrays (positions exact to the shaper's).

    A glyph that stands for exactly one character gets it from the font's ToUnicode
    map. Any other cluster (a conjunct, a ligature, a vowel drawn before its
    consonant, a glyph shared by two characters) is marked with its text
    (``/ActualText``), so that extraction gives the characters, not the glyphs.
    Right-to-left clusters are marked in the order they are drawn: extractors put
    right-to-left text back in logical order themselves.
    """
    ends = sorted({g.cluster for g in glyphs} | {end})
    next_cluster = {c: ends[i + 1] for i, c in enumerate(ends[:-1])}
    out: Drawing = [b"BT 1 0 0 1 " + number(x) + b" " + number(y) + b" Tm"]
    face = None
    rise = 0.0
    pen = 0.0       # where the shaper puts the next glyph, 1/1000 em
    at = 0.0        # where the viewer's text position is
    items: Drawing = []

    def flush() -> None:
        if items:
            out.append(b"[")
            out.extend(items)
            out.append(b"] TJ")
            items.clear()

    i = 0
    while i < len(glyphs):
        j = i + 1
        while j < len(glyphs) and glyphs[j].cluster == glyphs[i].cluster:
            j += 1
        cluster = glyphs[i].cluster
        chars = text[cluster:next_cluster.get(cluster, end)]
        plain = j - i == 1 and len(chars) == 1 and fonts.claim(glyphs[i].face, glyphs[i].gid, chars)
        if not plain:
            flush()
            shown = chars[::-1] if glyphs[i].rtl else chars
            out.append(b"/Span << /ActualText <feff" + shown.encode("utf-16-be").hex().encode("ascii")
                       + b"> >> BDC")
        for g in glyphs[i:j]:
            if g.face is not face:
                flush()
                face = g.face
                out.append(b"/" + fonts.name(face) + b" " + number(size) + b" Tf")
            if g.y_offset != rise:
                flush()
                rise = g.y_offset
                out.append(number(rise * size / 1000) + b" Ts")
            target = pen + g.x_offset
            if abs(target - at) > 0.05:
                items.append(number(at - target))
            items.append(fonts.glyph(face, g.gid))
            at = target + fonts.width(face, g.gid)
            pen += g.advance
        if not plain:
            flush()
            out.append(b"EMC")
        i = j
    flush()
    if rise:
        out.append(b"0 Ts")
    out.append(b"ET")
    return out
