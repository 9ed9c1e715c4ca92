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
import struct

from ..shipped import shipped_bytes

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


class _TrueType:
    """The few numbers :class:`Metrics` needs, read straight from a TrueType file's tables.

    Each value is read the way reportlab's ``TTFontFile`` reads it (which subtable of
    ``cmap`` wins, the no-break space drawn as the space, the stem width estimated from the
    weight class), because the committed blank forms' bytes depend on them; a test compares
    every value with reportlab's for both bundled fonts.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        if data[:4] not in (b"\0\1\0\0", b"true"):
            raise ValueError("not a TrueType font (only glyf outlines, no collections)")
        (count,) = struct.unpack_from(">H", data, 4)
        self.tables: dict[bytes, int] = {}
        for i in range(count):
            tag, _checksum, offset, _length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
            self.tables[tag] = offset
        head = self.tables[b"head"]
        (self.units_per_em,) = struct.unpack_from(">H", data, head + 18)
        self.bbox: tuple[int, int, int, int] = struct.unpack_from(">4h", data, head + 36)
        os2 = self.tables.get(b"OS/2")
        if os2 is None:  # Apple fonts may lack it: the bounding box stands in, as in reportlab
            weight = 500
            self.ascender, self.descender = self.bbox[3], self.bbox[1]
            self.cap_height = self.ascender
        else:
            version, _avg, weight = struct.unpack_from(">HhH", data, os2)
            self.ascender, self.descender = struct.unpack_from(">hh", data, os2 + 68)
            self.cap_height = struct.unpack_from(">h", data, os2 + 88)[0] if version > 1 else self.ascender
        #: reportlab's estimate (after pdflib): a TrueType file does not record the stem width
        self.stem_v = 50 + int((weight / 65.0) ** 2)
        whole, fraction = struct.unpack_from(">hH", data, self.tables[b"post"] + 4)
        self.italic_angle = whole + fraction / 65536.0
        (long_metrics,) = struct.unpack_from(">H", data, self.tables[b"hhea"] + 34)
        (glyphs,) = struct.unpack_from(">H", data, self.tables[b"maxp"] + 4)
        advances = list(struct.unpack_from(">%dH" % (2 * long_metrics), data, self.tables[b"hmtx"])[::2])
        # Glyphs past the long metrics share the last advance width.
        advances += [advances[-1]] * (glyphs - long_metrics)
        #: advance width of each glyph id, in font units
        self.advances = advances
        #: code point -> glyph id
        self.cmap = self._read_cmap()
        if 0x20 in self.cmap:
            self.cmap[0xA0] = self.cmap[0x20]
        elif 0xA0 in self.cmap:
            self.cmap[0x20] = self.cmap[0xA0]

    def _read_cmap(self) -> dict[int, int]:
        data, start = self.data, self.tables[b"cmap"]
        (count,) = struct.unpack_from(">H", data, start + 2)
        chosen, kind = None, 0
        # The same choice as reportlab's: the last Unicode subtable wins, a Mac Roman one
        # only when there is no other.
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", data, start + 4 + 8 * i)
            if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
                chosen, kind = offset, 1
            elif platform == 1 and encoding == 0 and kind != 1:
                chosen, kind = offset, 2
        if chosen is None:
            raise ValueError("the font has no Unicode character map")
        at = start + chosen
        (fmt,) = struct.unpack_from(">H", data, at)
        cmap: dict[int, int] = {}
        if fmt == 4:
            length, _language, doubled = struct.unpack_from(">HHH", data, at + 2)
            segments = doubled // 2
            ends = struct.unpack_from(">%dH" % segments, data, at + 14)
            starts = struct.unpack_from(">%dH" % segments, data, at + 16 + 2 * segments)
            deltas = struct.unpack_from(">%dh" % segments, data, at + 16 + 4 * segments)
            range_at = at + 16 + 6 * segments
            ranges = struct.unpack_from(">%dH" % segments, data, range_at)
            limit = at + length
            for n in range(segments):
                first, last, delta, offset = starts[n], ends[n], deltas[n], ranges[n]
                if offset == 0:
                    for code in range(first, last + 1):
                        cmap[code] = (code + delta) & 0xFFFF
                    continue
                base = range_at + 2 * n + offset - 2 * first
                for code in range(first, last + 1):
                    where = base + 2 * code
                    glyph = struct.unpack_from(">H", data, where)[0] if where < limit else 0
                    cmap[code] = (glyph + delta) & 0xFFFF if glyph else 0
        elif fmt == 12:
            (groups,) = struct.unpack_from(">L", data, at + 12)
            for first, last, glyph in struct.iter_unpack(">LLL", data[at + 16:at + 16 + 12 * groups]):
                for code in range(first, last + 1):
                    cmap[code] = glyph + code - first
        else:
            raise ValueError(f"unsupported character map format {fmt} (only 4 and 12)")
        return cmap


class Metrics:
    """What drawing text needs to know about the font, read from its file once."""

    def __init__(self, data: bytes) -> None:
        font = _TrueType(data)  # read with struct: reportlab's reader costs ~50 ms of a cold start (PIL)
        self.data = data
        upem = font.units_per_em
        widths = [round(advance * 1000 / upem) for advance in font.advances]
        #: advance width of each glyph id, 1/1000 em
        self.glyph_widths: tuple[int, ...] = tuple(widths)
        self.width = _Widths()
        self.width.notdef = widths[0]
        self.hexgid = _GlyphHex()
        self.glyph_bytes = _GlyphBytes()
        #: code point -> glyph id, for the characters the font has
        self.cmap: dict[int, int] = font.cmap
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
        scale = 1000 / upem
        self.ascent = round(font.ascender * scale)
        self.descent = round(font.descender * scale)
        self.cap_height = round(font.cap_height * scale)
        self.bbox = tuple(round(v * scale) for v in font.bbox)
        self.stem_v = font.stem_v
        self.italic_angle = font.italic_angle

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
    return shipped_bytes("fonts", name)


@functools.lru_cache(maxsize=1)
def metrics() -> Metrics:
    """The metrics of the shipped font, parsed once per process."""
    return Metrics(font_bytes())
