"""The font our PDF forms write values in: an embedded DejaVu Sans subset.

Filled values are drawn with this font as a Type0 (CID, Identity-H) font whose
code for a character is its glyph id, so any glyph of the font can be drawn and
nothing depends on a viewer's fonts. Every blank form embeds it, so it holds only
the characters of Windows-1252 (Latin-1, curly quotes, dashes, the euro sign: about
230 glyphs, 11 KiB compressed); the wider DejaVu subset shipped next to it
(:data:`FORMS_FONT_FILE`: Latin extensions, Greek, Cyrillic) is subset per document
for the values that need it (:mod:`.fontset`, :mod:`.docfonts`). The font sits in the form's resources
(``/DR``) under :data:`RESOURCE_NAME`; our appearance streams name it there. The
form's default appearance (``/DA``) names Helvetica instead, for other fillers
(see :mod:`.assemble`).

Values the subset cannot draw alone (other scripts, right-to-left text) are drawn
with fonts of the fallback chain (:mod:`.fontset`, :mod:`.textlayout`).
"""

from __future__ import annotations

import codecs
import functools
import io
from importlib import resources

from reportlab.pdfbase.ttfonts import TTFontFile

#: Name of the font in the form's /DR resources and in every appearance stream.
RESOURCE_NAME = "MDSans"
#: PostScript name of the embedded subset ("six capitals +" marks a subset).
BASE_FONT = "MDOCSA+DejaVuSans"
FONT_FILE = "DejaVuSans-latin.ttf"
#: The wider subset: what the embedded font lacks, drawn from this one per document.
FORMS_FONT_FILE = "DejaVuSans-forms.ttf"


class _Widths(dict[str, int]):
    """Advance width (1/1000 em) by character; unknown characters are .notdef boxes."""

    notdef = 600

    def __missing__(self, key: str) -> int:
        return self.notdef


class _GlyphHex(dict[int, str]):
    """Four hex digits of the glyph id by code point (a str.translate table)."""

    def __missing__(self, key: int) -> str:
        return "0000"


class _GlyphBytes(dict[int, str]):
    """The glyph id's two bytes by code point, escaped for a literal string (a str.translate table
    whose result is encoded as Latin-1); unknown characters are the .notdef glyph."""

    def __missing__(self, key: int) -> str:
        return "\0\0"


#: How a byte is written inside a literal string: only the backslash and the
#: parentheses are special, and a raw CR would be read back as LF.
_ESCAPED = {0x28: "\\(", 0x29: "\\)", 0x5C: "\\\\", 0x0D: "\\r"}


def _literal_bytes(gid: int) -> str:
    return "".join(_ESCAPED.get(b, chr(b)) for b in (gid >> 8, gid & 0xFF))


class Metrics:
    """What drawing text needs to know about the font, read from its file once."""

    def __init__(self, data: bytes) -> None:
        ttf = TTFontFile(io.BytesIO(data))  # reportlab's parser: already a dependency
        self.data = data
        upem = ttf.unitsPerEm
        widths = [round(advance * 1000 / upem) for advance, _lsb in ttf.hmetrics]
        widths += [widths[-1]] * (ttf.numGlyphs - len(widths))
        #: advance width of each glyph id, 1/1000 em
        self.glyph_widths: tuple[int, ...] = tuple(widths)
        self.width = _Widths()
        self.width.notdef = widths[0]
        self.hexgid = _GlyphHex()
        self.glyph_bytes = _GlyphBytes()
        #: code point -> glyph id, for the characters the font has
        self.cmap: dict[int, int] = dict(ttf.charToGlyph)
        for code, gid in self.cmap.items():
            self.width[chr(code)] = widths[gid]
            self.hexgid[code] = "%04x" % gid
            self.glyph_bytes[code] = _literal_bytes(gid)
        # Glyph ids under 256 (all of them in the embedded Latin font): a charmap codec turns
        # text into one byte per glyph in C, and UTF-16 puts the zero high byte in front.
        table = ["\ufffe"] * 256
        for code, gid in sorted(self.cmap.items()):
            if gid < 256 and table[gid] == "\ufffe":
                table[gid] = chr(code)
        self._charmap = codecs.charmap_build("".join(table)) if max(self.cmap.values(), default=0) < 256 else None
        #: characters drawn with the glyph of another one (the no-break space with the space's)
        self._aliases = [(chr(code), table[gid]) for code, gid in sorted(self.cmap.items())
                         if gid < 256 and table[gid] != chr(code)]
        self.ascent = round(ttf.ascent)
        self.descent = round(ttf.descent)
        self.cap_height = round(ttf.capHeight)
        self.bbox = tuple(round(v) for v in ttf.bbox)
        self.stem_v = int(ttf.stemV)
        self.italic_angle = float(ttf.italicAngle)

    def has(self, char: str) -> bool:
        """Whether the font has a glyph for ``char``."""
        return ord(char) in self.cmap

    def text_width(self, text: str) -> int:
        """Width of ``text`` in 1/1000 em."""
        return sum(map(self.width.__getitem__, text))

    def encode(self, text: str) -> bytes:
        """``text`` as a hex string of glyph ids, ready for ``<...> Tj``."""
        return text.translate(self.hexgid).encode("ascii")

    def literal(self, text: str) -> bytes:
        """``text`` as the inside of a literal string of glyph ids, ready for ``(...) Tj``.

        Half the bytes of the hex form, and made by one ``str.translate``: the
        escapes are part of the table.
        """
        if self._charmap is not None:
            for alias, same in self._aliases:
                if alias in text:
                    text = text.replace(alias, same)
            try:
                one = codecs.charmap_encode(text, "strict", self._charmap)[0]
            except UnicodeEncodeError:
                return text.translate(self.glyph_bytes).encode("latin-1")
            two = one.decode("latin-1").encode("utf-16-be")
            if b"\\" in two:
                two = two.replace(b"\\", b"\\\\")
            if b"(" in two or b")" in two:
                two = two.replace(b"(", b"\\(").replace(b")", b"\\)")
            if b"\r" in two:
                two = two.replace(b"\r", b"\\r")
            return two
        return text.translate(self.glyph_bytes).encode("latin-1")

    def to_unicode_cmap(self) -> bytes:
        """A ToUnicode CMap so that text drawn with this font can be copied and searched."""
        by_gid: dict[int, int] = {}
        for code, gid in sorted(self.cmap.items()):
            if gid and gid not in by_gid:
                by_gid[gid] = code
        # Runs of consecutive glyph ids mapping to consecutive code points become one
        # bfrange entry: far shorter than one bfchar line per glyph, and faster for
        # tools that parse the CMap for every field they fill.
        ranges: list[tuple[int, int, int]] = []
        for gid, code in sorted(by_gid.items()):
            if ranges and gid == ranges[-1][1] + 1 and code == ranges[-1][2] + (gid - ranges[-1][0]) \
                    and (gid & 0xFF00) == (ranges[-1][0] & 0xFF00):
                ranges[-1] = (ranges[-1][0], gid, ranges[-1][2])
            else:
                ranges.append((gid, gid, code))
        lines = [
            "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
        ]
        for start in range(0, len(ranges), 100):
            chunk = ranges[start:start + 100]
            lines.append(f"{len(chunk)} beginbfrange")
            lines.extend("<%04x> <%04x> <%04x>" % r for r in chunk)
            lines.append("endbfrange")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode("ascii")


def font_bytes(name: str = FONT_FILE) -> bytes:
    """A font program (TrueType) shipped in the package: by default the one every blank form embeds."""
    return resources.files("mentoring_docs").joinpath("fonts").joinpath(name).read_bytes()


@functools.lru_cache(maxsize=1)
def metrics() -> Metrics:
    """The metrics of the shipped font, parsed once per process."""
    return Metrics(font_bytes())
