"""Make the fonts the PDF forms use: DejaVu Sans cut down to what the forms draw.

Run by a developer (needs fontTools); the results are committed:

- ``mentoring_docs/fonts/DejaVuSans-forms.ttf``: Latin with its extensions, Greek,
  Cyrillic, punctuation, currency and a few symbols, from the full DejaVu Sans
  (740 KB). Values in these scripts that the form's own font lacks are drawn from
  it, subset per document to the glyphs used.
- ``mentoring_docs/fonts/DejaVuSans-latin.ttf``: the characters of Windows-1252
  (ASCII, Latin-1, the curly quotes, dashes, the euro sign...), cut from the file
  above. Every blank form embeds this one, so it is kept small: most values of
  most programs draw with it alone, on the fast path.

Scripts neither has (CJK, Arabic, Hebrew, Indic...) are drawn with other fonts and
still stored in the form exactly; see README.

    python tools/subset_font.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf   # both files
    python tools/subset_font.py --latin                                          # the Latin one only
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A/B
    (0x0250, 0x02FF), (0x0300, 0x036F),  # IPA, spacing modifiers, combining marks
    (0x0370, 0x03FF), (0x0400, 0x052F),  # Greek, Cyrillic + supplement
    (0x1E00, 0x1EFF),                    # Latin Extended Additional (Vietnamese...)
    (0x2000, 0x206F), (0x20A0, 0x20CF),  # general punctuation, currency
    (0x2100, 0x214F), (0x2190, 0x21FF),  # letterlike symbols, arrows
    (0x2200, 0x22FF), (0x25A0, 0x25FF),  # math operators, geometric shapes
    (0x2610, 0x2612), (0x2713, 0x2714),  # ballot boxes, check marks
    (0xFB00, 0xFB06), (0xFFFD, 0xFFFD),  # ligatures, replacement character
]
FONTS = Path(__file__).resolve().parent.parent / "mentoring_docs" / "fonts"
OUT = FONTS / "DejaVuSans-forms.ttf"
LATIN_OUT = FONTS / "DejaVuSans-latin.ttf"


def latin_codepoints() -> list[int]:
    """The characters of Windows-1252 that print (and the no-break space): the form font's repertoire."""
    chars = bytes(range(0x20, 0x7F)).decode("ascii") + bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")
    return sorted({ord(c) for c in chars if c.isprintable() or c == "\xa0"} - {0xAD})


def _options(names: list[int] | list[str], drop: tuple[str, ...] = ()) -> subset.Options:
    options = subset.Options()
    options.hinting = False  # form text is small and screen-rendered; hints double the size
    options.layout_features = []
    options.name_IDs = names
    options.notdef_outline = True  # a visible box for characters the subset lacks
    options.glyph_names = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", *drop]
    return options


def main(source: str) -> None:
    font = TTFont(source)
    subsetter = subset.Subsetter(_options(["*"]))
    subsetter.populate(unicodes=[u for low, high in RANGES for u in range(low, high + 1)])
    subsetter.subset(font)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    latin()


def latin() -> None:
    """Cut the Latin font from the committed forms font (names kept: copyright, family, PostScript name)."""
    font = TTFont(OUT, recalcTimestamp=False)  # the same bytes on every run, for the same forms font
    # No math layout or grid-fitting table either: a PDF viewer uses neither.
    subsetter = subset.Subsetter(_options([0, 1, 2, 3, 4, 5, 6], drop=("MATH", "gasp")))
    subsetter.populate(unicodes=latin_codepoints())
    subsetter.subset(font)
    font.save(LATIN_OUT)
    print(f"wrote {LATIN_OUT} ({LATIN_OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--latin"]:
        latin()
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
