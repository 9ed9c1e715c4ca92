"""Shaping one paragraph: bidi levels (python-bidi), font runs (the fallback chain), glyphs (HarfBuzz).

:func:`shape` turns a paragraph of logical text into runs of positioned glyphs,
each run one font, one direction and one script, shaped with the whole paragraph
as context (so Arabic joins across a font change and marks stay on their base).
It also gives each character's share of the advance and where clusters start,
which is what line breaking needs (:mod:`.textlayout`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from bidi import get_display

from .fontset import Face, FontChain

#: Characters that make a paragraph need the bidi algorithm.
_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI"})
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_UNREADABLE = ("python-bidi did not report embedding levels as expected; "
               "install a python-bidi version this package supports (see pyproject.toml)")


@dataclass
class Glyph:
    """One positioned glyph; lengths in 1/1000 em."""

    face: Face
    gid: int
    cluster: int        # index in the paragraph of the first character it draws
    advance: float
    x_offset: float
    y_offset: float
    first: bool         # the first glyph of its cluster in this run
    rtl: bool           # shaped right to left (its cluster's characters read right to left)


@dataclass
class Run:
    """Consecutive characters drawn with one font, in one direction and one script."""

    face: Face
    level: int
    start: int
    end: int
    glyphs: list[Glyph] = field(default_factory=list)   # in visual order


@dataclass
class Shaped:
    """A shaped paragraph."""

    text: str
    runs: list[Run]
    advance: list[float]          # per character; a cluster's advance sits on its first character
    cluster_start: list[bool]     # a line may break before this character
    rtl: bool                     # the paragraph's base direction is right-to-left
    missing: list[str]            # characters no font has (drawn as the bundled font's box)


def needs_bidi(text: str) -> bool:
    """Whether ``text`` has right-to-left characters or explicit direction marks."""
    bidirectional = unicodedata.bidirectional
    return not text.isascii() and any(bidirectional(c) in _RTL_CLASSES for c in text)


def bidi_levels(text: str) -> tuple[list[int], int]:
    """Embedding level of each character and the paragraph's level (Unicode bidi algorithm).

    python-bidi documents one call that gives the resolved levels: ``get_display``
    with ``debug=True`` returns "the calculated levels" of its Rust implementation
    (the ``unicode-bidi`` crate: isolates, bracket pairs). Only the layout of that
    report is unspecified, so it is read strictly: a ``levels:`` list of ``Level(n)``
    entries, one per UTF-8 byte (or per character), then ``paragraphs:``. Anything
    else raises instead of drawing in a wrong order; ``tests/test_pdf_bidi.py``
    checks these levels against the reordering python-bidi's ``get_display`` gives.
    """
    info = get_display(text, debug=True)
    _head, sep, rest = str(info).partition("levels:")
    levels_text, sep2, paragraphs = rest.partition("paragraphs:")
    found = [int(v) for v in _LEVEL.findall(levels_text)]
    para = _LEVEL.findall(paragraphs)
    if not sep or not sep2 or not para:
        raise RuntimeError(_UNREADABLE)
    if len(found) == len(text):
        return found, int(para[0])
    if len(found) != len(text.encode("utf-8")):
        raise RuntimeError(_UNREADABLE)
    out = []
    pos = 0
    for ch in text:
        out.append(found[pos])
        pos += len(ch.encode("utf-8"))
    return out, int(para[0])


@functools.lru_cache(maxsize=4096)
def _script(code: int) -> int:
    """A coarse script bucket: runs split where it changes (0 for Latin, Greek, Cyrillic)."""
    if code < 0x0590 or 0x1D00 <= code < 0x2000:
        return 0
    if 0x2E80 <= code < 0xA000 or 0xF900 <= code < 0xFB00 or 0xFF00 <= code < 0xFFF0 or code >= 0x20000:
        return 0x2E80  # Han, kana and CJK punctuation shape alike
    if 0xAC00 <= code < 0xD7B0 or 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190:
        return 0xAC00
    if 0xFB50 <= code < 0xFE00 or 0xFE70 <= code < 0xFF00 or 0x0750 <= code < 0x0780 or 0x08A0 <= code < 0x0900:
        return 0x0600
    if 0xFB1D <= code < 0xFB50:
        return 0x0580
    return code >> 7 << 7


@functools.lru_cache(maxsize=4096)
def _inherits(ch: str) -> bool:
    """Marks, joiners, spaces, digits and punctuation keep the font and script of what precedes them."""
    cat = unicodedata.category(ch)
    return cat[0] in "MZPNS" or cat == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F


def shape(text: str, chain: FontChain) -> Shaped:
    """Shape one paragraph (no line breaks in ``text``)."""
    import uharfbuzz as hb  # here: HarfBuzz loads with the first value that needs shaping

    n = len(text)
    if needs_bidi(text):
        levels, base = bidi_levels(text)
    else:
        levels, base = [0] * n, 0
    faces: list[Face] = []
    scripts: list[int] = []
    missing: list[str] = []
    bundled = chain.bundled
    prev_face: Face | None = None
    prev_script = 0
    for ch in text:
        code = ord(ch)
        if prev_face is not None and _inherits(ch) and prev_face.has(code):
            faces.append(prev_face)
            scripts.append(prev_script)
            continue
        face = chain.face_for(code)
        if face is None:
            missing.append(ch)
            face = prev_face or bundled
        script = prev_script if _inherits(ch) else _script(code)
        faces.append(face)
        scripts.append(script)
        prev_face, prev_script = face, script
    runs: list[Run] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or faces[i] is not faces[start] or levels[i] != levels[start] or scripts[i] != scripts[start]:
            runs.append(Run(faces[start], levels[start], start, i))
            start = i
    codes = [ord(c) for c in text]
    advance = [0.0] * n
    cluster_start = [False] * (n + 1)
    cluster_start[n] = True
    for run in runs:
        buf = hb.Buffer()
        buf.add_codepoints(codes, run.start, run.end - run.start)
        buf.direction = "rtl" if run.level % 2 else "ltr"
        buf.guess_segment_properties()
        hb.shape(run.face.font, buf)
        scale = 1000 / run.face.upem
        seen: set[int] = set()
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
            cluster = info.cluster
            first = cluster not in seen
            seen.add(cluster)
            run.glyphs.append(Glyph(run.face, info.codepoint, cluster, pos.x_advance * scale,
                                    pos.x_offset * scale, pos.y_offset * scale, first, run.level % 2 == 1))
            advance[cluster] += pos.x_advance * scale
            cluster_start[cluster] = True
    return Shaped(text, runs, advance, cluster_start, base % 2 == 1, missing)


def visual_line(shaped: Shaped, start: int, end: int) -> list[Glyph]:
    """The glyphs of characters ``start:end`` in the order they are drawn, left to right."""
    pieces: list[tuple[int, list[Glyph]]] = []
    for run in shaped.runs:
        if run.end <= start or run.start >= end:
            continue
        glyphs = [g for g in run.glyphs if start <= g.cluster < end]
        if glyphs:
            pieces.append((run.level, glyphs))
    if not pieces:
        return []
    # Rule L2: from the highest level down to the lowest odd one, reverse every
    # sequence of runs at that level or higher. Each run is already in visual order.
    highest = max(level for level, _ in pieces)
    lowest_odd = min((level for level, _ in pieces if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(pieces):
            if pieces[i][0] >= level:
                j = i
                while j < len(pieces) and pieces[j][0] >= level:
                    j += 1
                pieces[i:j] = pieces[i:j][::-1]
                i = j
            else:
                i += 1
    return [g for _, glyphs in pieces for g in glyphs]
