"""The fonts of one filled document: glyphs used, subset with HarfBuzz, written as PDF objects.

Appearance streams that need more than the bundled font (:mod:`.textlayout`) are
built as :data:`Drawing` parts: bytes, and glyph references still in the full
font's glyph ids. When the document's fields are drawn, :meth:`DocumentFonts.objects`
subsets each font to exactly those glyphs (hb-subset; glyph ids renumbered from 0,
which keeps a subset of a 65,000-glyph CJK font a few kilobytes) and writes it as a
Type0 font with its widths and a ToUnicode map; :meth:`DocumentFonts.finish` then
writes each drawing with the subset's glyph ids.

Glyphs of the bundled font are drawn with the font the blank form already embeds
(the whole Windows-1252 subset, same glyph ids), so nothing is added for them; the
wider DejaVu subset shipped with it is subset per document like any other font.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import uharfbuzz as hb

from .font import RESOURCE_NAME, metrics
from .fontset import Face
from .syntax import number

# No hinting; no layout closure: we shaped already, so only the glyphs drawn (and
# the parts of composite glyphs) are needed. CFF fonts get CID = glyph id.
def _flags() -> hb.SubsetFlags:
    import uharfbuzz as hb  # here: HarfBuzz loads only when a document needs a font subset

    return (hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.CFF_IDENTITY_CHARSET
            | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_LAYOUT_CLOSURE
            | hb.SubsetFlags.NO_BIDI_CLOSURE)
# Tables a PDF viewer never reads from an embedded font: layout is done (we shape),
# vertical metrics and names are not used, and dropping them keeps each subset small.
_DROP = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx", "name", "post", "DSIG",
         "kern", "morx", "mort", "STAT", "meta", "COLR", "CPAL", "SVG ", "sbix", "CBDT", "CBLC", "fvar",
         "gvar", "avar", "HVAR", "MVAR", "VVAR", "cvar")


#: Part of an appearance stream: bytes, or a glyph (font key, glyph id in the full font).
Part = Union[bytes, tuple[int, int]]
Drawing = list[Part]


def _tag(text: str) -> int:
    return int.from_bytes(text.encode("ascii"), "big")


def _utf16_hex(text: str) -> bytes:
    return text.encode("utf-16-be").hex().encode("ascii")


class DocumentFonts:
    """Glyphs drawn in one document, per font, and the PDF objects that embed them."""

    def __init__(self) -> None:
        self._names: dict[int, bytes] = {}
        self._faces: dict[int, Face] = {}
        #: face id -> glyph id -> the text it stands for (ToUnicode)
        self.used: dict[int, dict[int, str]] = {}
        self._bundled_widths = metrics().glyph_widths
        self._bundled_cmap = metrics().cmap
        self._new_gid: dict[int, dict[int, int]] = {}

    def name(self, face: Face) -> bytes:
        """The resource name of ``face`` in this document's appearance streams."""
        key = id(face)
        found = self._names.get(key)
        if found is None:
            found = RESOURCE_NAME.encode("ascii") if face.bundled else b"MDF%d" % (len(self._faces) + 1)
            self._names[key] = found
            if not face.bundled:
                self._faces[key] = face
                self.used[key] = {}
        return found

    def width(self, face: Face, gid: int) -> float:
        """The advance of ``gid`` as the PDF font's widths say (1/1000 em): what the viewer moves by."""
        if face.bundled:
            widths = self._bundled_widths
            return widths[gid] if gid < len(widths) else widths[0]
        found = face.widths.get(gid)
        if found is None:
            found = face.widths[gid] = round(face.advance(gid), 2)
        return found

    def glyph(self, face: Face, gid: int) -> Part:
        """``gid`` of ``face`` is drawn: its code in the content stream, or a reference resolved by :meth:`finish`."""
        if face.bundled:
            return b"<%04x>" % gid
        self.used[id(face)].setdefault(gid, "")
        return (id(face), gid)

    def finish(self, drawing: Drawing) -> bytes:
        """``drawing`` as content stream bytes, with the subsets' glyph ids (after :meth:`objects`)."""
        new = self._new_gid
        return b" ".join(p if isinstance(p, bytes) else b"<%04x>" % new[p[0]][p[1]] for p in drawing)

    def claim(self, face: Face, gid: int, char: str) -> bool:
        """Map ``gid`` to ``char`` in the ToUnicode map; False when it already stands for another text."""
        if face.bundled:
            return self._bundled_cmap.get(ord(char)) == gid
        self.name(face)
        used = self.used[id(face)]
        have = used.get(gid)
        if not have:
            used[gid] = char
            return True
        return have == char

    @property
    def empty(self) -> bool:
        """True when every glyph drawn is in the blank form's own font."""
        return not self._faces

    def objects(self, first: int, bundled_ref: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
        """The font objects numbered from ``first``, and the /Resources entry naming every font."""
        out: list[tuple[int, bytes]] = []
        refs = [b"/" + RESOURCE_NAME.encode("ascii") + b" " + bundled_ref]
        num = first
        for key, face in self._faces.items():
            objs, self._new_gid[key] = _font_objects(face, self.used[key], num, self)
            out += objs
            refs.append(b"/" + self._names[key] + b" %d 0 R" % num)
            num += len(objs)
        return out, b"/Resources << /Font << " + b" ".join(refs) + b" >> >>"


def _subset(face: Face, gids: list[int]) -> tuple[bytes, dict[int, int]]:
    """The font program with just ``gids`` (and what composite glyphs need), and old -> new glyph ids."""
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.glyph_set.update(gids)
    request.flags = _flags()
    drop = request.drop_table_tag_set
    for table in _DROP:
        drop.add(_tag(table))
    plan = hb.SubsetPlan(face.subset_source(), request)
    mapping = dict(plan.old_to_new_glyph_mapping.items())
    result = plan.execute()
    if result is None:
        raise RuntimeError(f"HarfBuzz could not subset {face.label}")
    return result.blob.data, mapping


def _to_unicode(used: dict[int, str]) -> bytes:
    entries = [(gid, text) for gid, text in sorted(used.items()) if text]
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <FFFF>", b"endcodespacerange"]
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines.extend(b"<%04x> <%s>" % (gid, _utf16_hex(text)) for gid, text in chunk)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _stream(num: int, extra: bytes, data: bytes) -> tuple[int, bytes]:
    packed = zlib.compress(data, 6)
    return num, (b"%d 0 obj\n<< /Filter /FlateDecode /Length %d%s >>\nstream\n" % (num, len(packed), extra)
                 + packed + b"\nendstream\nendobj\n")


def _font_objects(face: Face, used: dict[int, str], num: int,
                  fonts: DocumentFonts) -> tuple[list[tuple[int, bytes]], dict[int, int]]:
    """Type0 font, CIDFont, descriptor, font program and ToUnicode (objects ``num`` to ``num + 4``),
    and the subset's glyph id of each glyph of the full font."""
    gids = sorted(used)
    program, new = _subset(face, [0] + gids)
    digest = hashlib.md5(program).digest()
    tag = bytes(65 + b % 26 for b in digest[:6])
    base = tag + b"+" + face.postscript_name.encode("ascii")
    widths = b" ".join(b"%d [%s]" % (new[gid], number(fonts.width(face, gid))) for gid in gids)
    scale = 1000 / face.upem
    bbox = b" ".join(number(v * scale) for v in face.bbox)
    type0, cidfont, descriptor, file_num, tounicode = range(num, num + 5)
    if face.is_cff:
        subtype, file_key, file_extra, cid_extra = b"/CIDFontType0", b"/FontFile3", b" /Subtype /OpenType", b""
    else:
        subtype, file_key, file_extra, cid_extra = (b"/CIDFontType2", b"/FontFile2", b" /Length1 %d" % len(program),
                                                    b" /CIDToGIDMap /Identity")
    objs = [
        (type0, b"%d 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
                b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n" % (type0, base, cidfont, tounicode)),
        (cidfont, b"%d 0 obj\n<< /Type /Font /Subtype %s /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) "
                  b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W [%s]%s >>\nendobj\n"
                  % (cidfont, subtype, base, descriptor, widths, cid_extra)),
        (descriptor, b"%d 0 obj\n<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%s] /ItalicAngle 0 "
                     b"/Ascent %d /Descent %d /CapHeight %d /StemV 80 %s %d 0 R >>\nendobj\n"
                     % (descriptor, base, bbox, face.ascent, face.descent, face.ascent, file_key, file_num)),
        _stream(file_num, file_extra, program),
        _stream(tounicode, b"", _to_unicode({new[gid]: text for gid, text in used.items()})),
    ]
    return objs, new
