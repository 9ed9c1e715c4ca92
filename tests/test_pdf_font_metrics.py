"""The font metrics our PDF fills read with struct are the very values reportlab's font reader gives.

The committed blank forms were built with reportlab's ``TTFontFile`` numbers (their bytes
depend on them: widths, the font descriptor, the ToUnicode map), and a fill measures text
with the same numbers, so every value is compared for both bundled fonts.
"""

from __future__ import annotations

import io
import struct

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from mentoring_docs.pdf.font import FONT_FILE, FORMS_FONT_FILE, Metrics, font_bytes


@pytest.fixture(scope="module", params=[FONT_FILE, FORMS_FONT_FILE])
def pair(request: pytest.FixtureRequest) -> tuple[Metrics, TTFontFile, bytes]:
    data = font_bytes(request.param)
    return Metrics(data), TTFontFile(io.BytesIO(data)), data


def _long_metrics(data: bytes) -> int:
    """numberOfHMetrics of the hhea table: glyphs past it repeat the last advance."""
    count = struct.unpack_from(">H", data, 4)[0]
    for i in range(count):
        tag, _sum, offset, _len = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        if tag == b"hhea":
            return int(struct.unpack_from(">H", data, offset + 34)[0])
    raise AssertionError("no hhea table")


def test_character_map_is_reportlabs_in_the_same_order(pair: tuple[Metrics, TTFontFile, bytes]) -> None:
    ours, theirs, _data = pair
    assert list(ours.cmap.items()) == list(theirs.charToGlyph.items())
    assert ours.cmap[0xA0] == ours.cmap[0x20]  # the no-break space is drawn as the space


def test_every_glyph_width_is_reportlabs(pair: tuple[Metrics, TTFontFile, bytes]) -> None:
    ours, theirs, data = pair
    upem = theirs.unitsPerEm
    assert len(ours.glyph_widths) == theirs.numGlyphs
    long_metrics = _long_metrics(data)
    assert ours.glyph_widths[:long_metrics] == tuple(round(advance * 1000 / upem)
                                                     for advance, _lsb in theirs.hmetrics[:long_metrics])
    # Past the long metrics reportlab's hmetrics hold the advance already in 1/1000 em.
    assert ours.glyph_widths[long_metrics:] == tuple(round(advance) for advance, _lsb in theirs.hmetrics[long_metrics:])
    assert ours.width.notdef == round(theirs.defaultWidth)
    for code, width in theirs.charWidths.items():
        assert ours.width[chr(code)] == round(width), hex(code)


def test_descriptor_values_are_reportlabs(pair: tuple[Metrics, TTFontFile, bytes]) -> None:
    ours, theirs, _data = pair
    assert ours.ascent == round(theirs.ascent)
    assert ours.descent == round(theirs.descent)
    assert ours.cap_height == round(theirs.capHeight)
    assert ours.bbox == tuple(round(v) for v in theirs.bbox)
    assert ours.stem_v == int(theirs.stemV)
    assert ours.italic_angle == float(theirs.italicAngle)
    assert (ours.ascent, ours.descent, ours.stem_v) == (760, -240, 87)  # DejaVu Sans, weight 400


def test_a_file_that_is_not_truetype_is_refused() -> None:
    with pytest.raises(ValueError, match="not a TrueType font"):
        Metrics(b"OTTO" + bytes(100))
