"""Make the font the PDF forms embed: DejaVu Sans cut down to the scripts we render.

Run once by a developer (needs fontTools); the result is committed as
``mentoring_docs/fonts/DejaVuSans-forms.ttf``. The full DejaVu Sans is 740 KB; this
subset (Latin with its extensions, Greek, Cyrillic, punctuation, currency and a few
symbols) keeps every filled PDF small while rendering the names and text of most
European programs. Scripts it lacks (CJK, Arabic, Hebrew, Indic...) are still stored
in the form exactly; see README.

    python tools/subset_font.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
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
OUT = Path(__file__).resolve().parent.parent / "mentoring_docs" / "fonts" / "DejaVuSans-forms.ttf"


def main(source: str) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.hinting = False  # form text is small and screen-rendered; hints double the size
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True  # a visible box for characters the subset lacks
    options.glyph_names = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for low, high in RANGES for u in range(low, high + 1)])
    subsetter.subset(font)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
