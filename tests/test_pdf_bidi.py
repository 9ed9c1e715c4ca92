"""The bidi levels the PDF filler draws by agree with python-bidi's own reordering.

:func:`mentoring_docs.pdf.shaping.bidi_levels` reads the levels from python-bidi's
``debug=True`` report, whose layout python-bidi does not promise. These tests fail
loudly when a python-bidi release changes that report (or what it means): the
levels, reordered by rule L2, must give exactly the visual string python-bidi's
documented ``get_display`` returns.
"""

from __future__ import annotations

import unicodedata

import pytest
from bidi import get_display

from mentoring_docs.pdf.shaping import bidi_levels

PARAGRAPHS = [
    "Ahmed أحمد 2026",
    "أحمد الخطيب",
    "צוות נתונים 2026",
    "أحمد (Ahmed) 12.5% من الهدف",
    "يقدم المرشد خبرته 8 سنوات، ABC-12 ثم",
    "שלום, world! 3.14 ש",
    "Ahmed, الخطيب۱۲(۱۲)%",
    "(שלום王芳-)2026Ahmed",
    "abc \u2067أحمد\u2069 def",          # an isolate, as chat apps paste names
    "می\u200cخواهم ۱۴۰۲ Tehran",          # Persian with a zero-width non-joiner
    "a\u202bב 12\u202cc",                   # an explicit embedding
    "مرحبا 😀 王芳 𠀋 نص",                 # characters beyond the BMP (four UTF-8 bytes)
]


def _visual(text: str, levels: list[int]) -> str:
    """``text`` in display order by rule L2, mirrored characters masked (L4 is not ours)."""
    order = list(range(len(text)))
    for level in range(max(levels), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return _masked("".join(text[k] for k in order if not _removed(text[k])))


def _removed(ch: str) -> bool:
    """Explicit embedding controls: python-bidi drops them from the display string (rule X9)."""
    return unicodedata.bidirectional(ch) in ("RLE", "LRE", "RLO", "LRO", "PDF")


def _masked(text: str) -> str:
    return "".join("?" if unicodedata.mirrored(c) else c for c in text)


@pytest.mark.parametrize("text", PARAGRAPHS)
def test_levels_reorder_as_python_bidi_displays(text: str) -> None:
    levels, base = bidi_levels(text)
    assert len(levels) == len(text)
    assert base in (0, 1)
    assert _visual(text, levels) == _masked("".join(c for c in str(get_display(text)) if not _removed(c)))


def test_levels_of_a_mixed_paragraph_are_the_expected_ones() -> None:
    # Latin at 0, Arabic at 1, the number after it at 2 (rules W2 and I2).
    assert bidi_levels("Ahmed أحمد 2026") == ([0] * 6 + [1] * 5 + [2] * 4, 0)
    assert bidi_levels("أحمد Ahmed") == ([1] * 5 + [2] * 5, 1)
