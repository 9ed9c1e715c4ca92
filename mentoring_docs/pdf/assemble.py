"""Turn painted pages plus field placements into an AcroForm PDF (with pikepdf).

Fields are built here rather than with reportlab's acroform module, whose defaults
are traps for our data: every text field gets ``MaxLen 100`` (pdftk and pikepdf
then cut longer answers), every checkbox is Required, and its fonts are the
standard 14 without Greek or Cyrillic. Our fields have no MaxLen, nothing is
Required, and the form's resources hold an embedded TrueType font.

Two fonts, two jobs. The default appearance (``/DA``) of the form and of every
field names :data:`FORM_FONT`, the standard Helvetica with WinAnsiEncoding: a
simple font that every other filler (pdftk, pypdf, PyPDFForm, PyMuPDF, PDFium,
Acrobat) can encode text for when it draws its own appearance. Our appearances
name the embedded DejaVu subset (and per-document fonts) in their own
``/Resources``, so they draw every script we have a font for.

Field names are hierarchical, as the PDF standard wants (partial names never
contain a period): ``goals`` > ``0`` > ``title`` is the field ``goals.0.title``.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..catalogue import Field, FieldKind
from . import appearance
from .font import BASE_FONT, RESOURCE_NAME, Metrics, metrics
from .layout import Widget
from .sigfields import add_signature_fields

#: Field flags (PDF 32000-1, 12.7.3.1 and 12.7.4).
FF_MULTILINE = 1 << 12
FF_COMBO = 1 << 17
#: Annotation flag: print the field with the page.
F_PRINT = 4
#: Name of the "on" state of our checkboxes (Acrobat's default too).
ON_STATE = "/Yes"
#: Resource name of the form's default font, the one other fillers draw with.
FORM_FONT = "Helv"
#: The ISO date format, for viewers that run form JavaScript (Acrobat, pdf.js).
DATE_FORMAT = "yyyy-mm-dd"


def font_objects(pdf: pikepdf.Pdf, m: Metrics | None = None) -> pikepdf.Object:
    """Add the Type0 font (embedded TrueType program, widths, ToUnicode) to ``pdf``."""
    m = m or metrics()
    program = pikepdf.Stream(pdf, zlib.compress(m.data, 9))
    program.Filter = Name.FlateDecode
    program.Length1 = len(m.data)
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + BASE_FONT), Flags=32,
        FontBBox=Array(list(m.bbox)), ItalicAngle=m.italic_angle, Ascent=m.ascent, Descent=m.descent,
        CapHeight=m.cap_height, StemV=m.stem_v, FontFile2=pdf.make_indirect(program),
    ))
    descendant = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + BASE_FONT),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=1000, W=Array([0, Array(list(m.glyph_widths))]),
        CIDToGIDMap=Name.Identity,
    ))
    to_unicode = pikepdf.Stream(pdf, zlib.compress(m.to_unicode_cmap(), 9))
    to_unicode.Filter = Name.FlateDecode
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + BASE_FONT), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([descendant]), ToUnicode=pdf.make_indirect(to_unicode),
    ))


def helvetica(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The standard Helvetica with WinAnsiEncoding: the /DA font other fillers encode text for."""
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))


def zapf_dingbats(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The standard symbol font, named in checkbox /DA for viewers that redraw ticks."""
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats))


def form_xobject(pdf: pikepdf.Pdf, width: float, height: float, content: bytes,
                 resources: Dictionary | None = None) -> pikepdf.Object:
    """An appearance stream (a form XObject) of the given size."""
    stream = pikepdf.Stream(pdf, content)
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array([0, 0, round(width, 2), round(height, 2)])
    stream.Resources = resources if resources is not None else Dictionary()
    return pdf.make_indirect(stream)


def js(code: str) -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def widget_dict(pdf: pikepdf.Pdf, w: Widget, page: pikepdf.Object, partial: str,
                ticks: dict[tuple[float, float], Dictionary] | None = None) -> Dictionary:
    """The merged field + widget dictionary of one terminal field.

    ``ticks`` keeps the checkbox appearances made so far by box size: boxes of one
    size share their two appearance streams (a form has dozens of equal boxes).

    A text or choice field keeps its value and its appearance dictionary in objects of
    their own (``/V 12 0 R``, ``/AP 13 0 R``): an empty string, and an empty dictionary
    (nothing drawn yet). Filling it then replaces those two small objects and adds the
    drawn appearance; the field dictionary itself is never written again (:mod:`.filler`).
    The empty dictionary has no ``/N``: a blank appearance stream shared by the fields
    would be overwritten by a filler that redraws in place (pypdf writes its appearance
    into the existing ``/N`` object), showing one field's text in every box; one stream
    per field would make the blank a tenth larger.
    """
    fd: Field = w.field
    x1, y1, x2, y2 = (round(v, 2) for v in w.rect)
    d = Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, T=String(partial), TU=String(fd.full_label),
        Rect=Array([x1, y1, x2, y2]), F=F_PRINT, P=page,
    )
    font = f"/{FORM_FONT}"
    if fd.kind is FieldKind.CHECKBOX:
        width, height = x2 - x1, y2 - y1
        d.FT = Name.Btn
        d.DA = String("/ZaDb 0 Tf 0 g")
        d.MK = Dictionary(CA=String("4"))  # ZapfDingbats "4" is a tick
        ticks = {} if ticks is None else ticks
        states = ticks.get((width, height))
        if states is None:
            states = ticks[(width, height)] = Dictionary({
                ON_STATE: form_xobject(pdf, width, height, appearance.check_stream(width, height)),
                # Not empty: an empty stream gets a /FlateDecode filter with no data, which
                # MuPDF reports as a broken stream.
                "/Off": form_xobject(pdf, width, height, b"q Q"),
            })
        d.AP = Dictionary(N=Dictionary({ON_STATE: states[ON_STATE], "/Off": states["/Off"]}))
        d.V = Name.Off
        d.AS = Name.Off
    elif fd.kind is FieldKind.CHOICE:
        d.FT = Name.Ch
        d.Ff = FF_COMBO
        d.DA = String(f"{font} 10 Tf 0 g")
        # An empty first option lets a person clear a choice again in any viewer.
        d.Opt = Array([Array([String(""), String("")])]
                      + [Array([String(c.value), String(c.label)]) for c in fd.choices])
    else:
        d.FT = Name.Tx
        if fd.kind is FieldKind.LONG_TEXT:
            d.Ff = FF_MULTILINE
            d.DA = String(f"{font} 0 Tf 0 g")  # auto size: long answers shrink to fit
        else:
            d.DA = String(f"{font} 10 Tf 0 g")
        if fd.kind is FieldKind.DATE:
            d.AA = Dictionary(
                K=js(f'AFDate_KeystrokeEx("{DATE_FORMAT}");'),
                F=js(f'AFDate_FormatEx("{DATE_FORMAT}");'),
            )
    if fd.kind is not FieldKind.CHECKBOX:
        d.V = pdf.make_indirect(String(""))
        d.AP = pdf.make_indirect(Dictionary())
    return d


def add_fields(pdf: pikepdf.Pdf, widgets: Iterable[Widget]) -> None:
    """Add every widget as a field (with its parents) and the /AcroForm dictionary."""
    font = font_objects(pdf)
    nodes: dict[str, pikepdf.Object] = {}
    roots = Array()

    def attach(child: pikepdf.Object, parent_path: str) -> None:
        if not parent_path:
            roots.append(child)
            return
        parent = nodes.get(parent_path)
        if parent is None:
            head, _, tail = parent_path.rpartition(".")
            parent = pdf.make_indirect(Dictionary(T=String(tail), Kids=Array()))
            nodes[parent_path] = parent
            attach(parent, head)
        child.Parent = parent
        parent.Kids.append(child)

    widgets = list(widgets)
    annots: dict[int, Array] = {}
    ticks: dict[tuple[float, float], Dictionary] = {}
    for w in widgets:
        page = pdf.pages[w.page]
        head, _, partial = w.path.rpartition(".")
        obj = pdf.make_indirect(widget_dict(pdf, w, page.obj, partial, ticks))
        attach(obj, head)
        annots.setdefault(w.page, Array()).append(obj)
    for number, array in annots.items():
        pdf.pages[number].obj.Annots = array
    pdf.Root.AcroForm = pdf.make_indirect(Dictionary(
        Fields=roots,
        DA=String(f"/{FORM_FONT} 0 Tf 0 g"),
        # Indirect: every appearance stream the filler writes names it as its /Resources.
        DR=pdf.make_indirect(Dictionary(Font=Dictionary({f"/{FORM_FONT}": helvetica(pdf),
                                                         f"/{RESOURCE_NAME}": font, "/ZaDb": zapf_dingbats(pdf)}))),
    ))
    add_signature_fields(pdf, widgets)  # a digital signature field per party (not data fields)


def save(pdf: pikepdf.Pdf) -> bytes:
    """Serialise the way the fast filler expects: every dictionary in one compressed object
    stream, a cross-reference stream, and a document ID computed from the content so
    the same form gives the same bytes.

    One object stream makes the form (and every filled copy, which starts with its bytes)
    small: the field dictionaries are most of a form's objects and much alike, and one
    deflate over all of them finds about a third more to share than qpdf's streams of a
    hundred objects each (qpdf has no setting for that), so they are packed here
    (:func:`pack`) from qpdf's plain output.
    """
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             compress_streams=True, recompress_flate=True, fix_metadata_version=False, min_version="1.5")
    return hybrid(pack(out.getvalue()))


_OBJECT_HEAD = re.compile(rb"(\d+) 0 obj[\r\n ]*")
_ENTRY_ROW = struct.Struct(">BIH")


def pack(classic: bytes) -> bytes:
    """``classic`` (as qpdf writes a file without object streams: objects of generation 0, numbered
    from 1, one cross-reference table) with every object that is not a stream packed into one object
    stream deflated at level 9, and a cross-reference stream instead of the table."""
    tail = re.search(rb"startxref\s+(\d+)\s*%%EOF\s*$", classic[-64:])
    if tail is None or not classic.startswith(b"xref", int(tail.group(1))):
        raise ValueError("not a file with one cross-reference table")
    at = int(tail.group(1))
    trailer_at = classic.index(b"trailer", at)
    offsets: dict[int, int] = {}
    pos = classic.index(b"\n", at) + 1
    while pos < trailer_at:
        header = re.match(rb"(\d+) (\d+)\r?\n", classic[pos:pos + 40])
        if header is None:
            raise ValueError("a cross-reference table this packer does not take")
        first, count = int(header.group(1)), int(header.group(2))
        pos += header.end()
        for number in range(first, first + count):
            row = classic[pos:pos + 20]
            if row[17:18] == b"n":
                offsets[number] = int(row[:10])
            pos += 20
    trailer = classic[trailer_at:]
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))  # type: ignore[union-attr]
    starts = sorted(offsets.values()) + [at]
    ends = dict(zip(starts, starts[1:]))
    # The header (version and binary comment line) as qpdf wrote it.
    body_at = classic.index(b"\n", classic.index(b"\n") + 1) + 1
    parts = [classic[:body_at]]
    pos = body_at
    rows: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    packed: list[tuple[int, bytes]] = []
    for number, offset in sorted(offsets.items()):
        text = classic[offset:ends[offset]]
        head = _OBJECT_HEAD.match(text)
        if head is None or int(head.group(1)) != number:
            raise ValueError(f"object {number} is not where the table puts it")
        body = text[head.end():text.rindex(b"endobj")].rstrip()
        if body.endswith(b"endstream"):
            rows[number] = (1, pos, 0)
            parts.append(text)
            pos += len(text)
        else:
            packed.append((number, body))
    stream_num, xref_num = size, size + 1
    index, at_ = [], 0
    for i, (number, body) in enumerate(packed):
        index.append(b"%d %d" % (number, at_))
        at_ += len(body) + 1
        rows[number] = (2, stream_num, i)
    table = b" ".join(index) + b"\n"
    data = zlib.compress(table + b"\n".join(body for _, body in packed) + b"\n", 9)
    obj = (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
           % (stream_num, len(packed), len(table), len(data)) + data + b"\nendstream\nendobj\n")
    rows[stream_num] = (1, pos, 0)
    parts.append(obj)
    pos += len(obj)
    rows[xref_num] = (1, pos, 0)
    keys = b"".join(b" /" + key + b" " + found.group(1) for key in (b"Root", b"Info", b"ID")
                    if (found := re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ \d+ R)", trailer)) is not None)
    xref = zlib.compress(b"".join(_ENTRY_ROW.pack(*rows.get(n, (0, 0, 0))) for n in range(xref_num + 1)), 9)
    parts.append(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2]%s /Filter /FlateDecode /Length %d >>\nstream\n"
                 % (xref_num, xref_num + 1, keys, len(xref)) + xref + b"\nendstream\nendobj\n")
    parts.append(b"startxref\n%d\n%%%%EOF\n" % pos)
    return b"".join(parts)


def hybrid(blob: bytes) -> bytes:
    """``blob`` (ending with a cross-reference stream, as qpdf writes it) ending instead with a
    classic table that lists only that stream, its trailer pointing at it (``/XRefStm``): a
    hybrid-reference file (PDF 32000-1, 7.5.8.4). Every other entry stays in the stream.

    The filler appends its updates the same way. Some tools read or append only when the
    last section is a classic table: pdftk cannot follow ``/Prev`` from a table to a
    stream, and endesive writes a broken update after a stream. Readers of PDF 1.5 find
    every object through ``/XRefStm``.
    """
    tail = re.search(rb"startxref\s+(\d+)\s*%%EOF\s*$", blob[-64:])
    if tail is None:
        raise ValueError("no startxref at the end")
    end = len(blob) - 64 + tail.start() if len(blob) > 64 else tail.start()
    at = int(tail.group(1))
    head = re.match(rb"\d+ \d+ obj\s*<<(.*?)>>\s*stream\r?\n", blob[at:at + 4096], re.S)
    if head is None:
        raise ValueError("the last cross-reference section is not a stream")
    info = head.group(1)

    def value(key: bytes) -> bytes | None:
        found = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ \d+ R|\d+)", info)
        return found.group(1) if found else None

    number, generation = (int(v) for v in blob[at:at + 40].split()[:2])
    table = [b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n" % (number, at, generation)]
    size = int(value(b"Size") or 0)
    keys = b"".join(b" /" + key + b" " + found for key in (b"Root", b"Info", b"ID")
                    if (found := value(key)) is not None)
    table.append(b"trailer\n<< /Size %d%s /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, keys, at, end))
    return blob[:end] + b"".join(table)
