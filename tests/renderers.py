"""What poppler, MuPDF and PDFium show of a filled form: text per field box, and drawn glyph ids.

- :func:`flattened`: a copy with every field's appearance drawn into its page;
- :func:`field_text`: the text poppler (``pdftotext -x -y -W -H``) or MuPDF
  (PyMuPDF ``get_text(clip=...)``) extracts inside a field's box;
  :func:`page_text`: the text PDFium (pypdfium2) extracts from a page;
- :func:`notdef_glyphs`: every glyph id 0 (``.notdef``, the box) that the
  content streams draw with a composite font, and every drawn glyph whose
  outline the embedded font program lacks -- found by parsing the PDF ourselves
  (pikepdf, fontTools) and by MuPDF's own glyph trace.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import warnings
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from tools import require

RENDERERS = ("poppler", "mupdf", "pdfium")
_CONTROLS = dict.fromkeys([0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])


def flattened(blob: bytes) -> bytes:
    """``blob`` with each widget's appearance, as written, drawn into its page (qpdf).

    Where a filler left drawing to the viewer (``NeedAppearances``), qpdf draws it
    from the field's /DA first, as a viewer would.
    """
    with pikepdf.open(io.BytesIO(blob)) as pdf, warnings.catch_warnings():
        # Widgets of empty fields stay on the page outside /AcroForm; pikepdf says so. Harmless here.
        warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
        pdf.generate_appearance_streams()
        pdf.flatten_annotations("all")
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def field_text(renderer: str, path: Path, page: int, rect: tuple[float, float, float, float]) -> str:
    """The text ``renderer`` extracts inside ``rect`` (PDF coordinates) of page ``page`` (0-based)."""
    x1, y1, x2, y2 = rect
    if renderer == "poppler":
        require("pdftotext")
        with pikepdf.open(path) as pdf:
            height = float(pdf.pages[page].mediabox[3])
        done = subprocess.run(
            ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-x", str(int(x1)), "-y", str(int(height - y2)),
             "-W", str(int(x2 - x1 + 1)), "-H", str(int(y2 - y1 + 1)), "-enc", "UTF-8", str(path), "-"],
            capture_output=True, timeout=60, check=True)
        return done.stdout.decode("utf-8")
    if renderer == "mupdf":
        import pymupdf

        with pymupdf.open(path) as doc:
            pg = doc[page]
            height = pg.rect.height
            return str(pg.get_text("text", clip=pymupdf.Rect(x1, height - y2, x2, height - y1)))
    raise ValueError(f"{renderer}: use page_text (PDFium places /ActualText characters at no useful position)")


def page_text(path: Path, page: int) -> str:
    """All the text PDFium extracts from page ``page`` (0-based), in its reading order."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return str(doc[page].get_textpage().get_text_range())
    finally:
        doc.close()


def contains_text(value: str, text: str) -> bool:
    """Whether ``value`` is in ``text`` (a whole page), as :func:`same_text` compares.

    Words of right-to-left text are looked for one by one, each in logical order:
    PDFium keeps the drawn order of the words of a right-to-left line.
    """
    text = text.translate(_CONTROLS)
    if not has_rtl(value):
        return "".join(value.split()) in "".join(text.split())
    words = set(text.split())
    flat = "".join(text.split())
    return all((w in words) if has_rtl(w) else (w in flat) for w in value.split())


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def same_text(value: str, got: str) -> bool:
    """Whether extracted text ``got`` is ``value``.

    Line breaks fall where the box wraps, so whitespace is not compared. When a
    value mixes right-to-left with other text, each extractor places the runs
    (and digits next to them) by its own reading of the bidi algorithm; then
    every right-to-left run must come out whole and in logical order (a reversed
    or broken run fails), and the other characters must all be there.
    """
    got = got.translate(_CONTROLS)
    if not has_rtl(value):
        return "".join(value.split()) == "".join(got.split())
    value_runs, value_rest = _split_rtl(value)
    got_runs, got_rest = _split_rtl(got)
    return sorted(value_runs) == sorted(got_runs) and sorted(value_rest) == sorted(got_rest)


def _split_rtl(text: str) -> tuple[list[str], str]:
    """Right-to-left words (letters with their marks) and the other characters but spaces."""
    runs: list[str] = []
    rest: list[str] = []
    current = ""
    for ch in text:
        if unicodedata.bidirectional(ch) in ("R", "AL") or (current and unicodedata.category(ch) == "Mn"):
            current += ch
            continue
        if current:
            runs.append(current)
            current = ""
        if not ch.isspace():
            rest.append(ch)
    if current:
        runs.append(current)
    return runs, "".join(rest)


def _fonts_of(resources: pikepdf.Object) -> dict[str, pikepdf.Object]:
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    return {str(k): v for k, v in fonts.items()} if isinstance(fonts, pikepdf.Dictionary) else {}


def _outlines(font: pikepdf.Object) -> TTFont | None:
    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    return TTFont(io.BytesIO(program.read_bytes())) if program is not None else None


def _empty_glyph(tt: TTFont, gid: int) -> bool:
    order = tt.getGlyphOrder()
    if gid >= len(order):
        return True
    name = order[gid]
    if "glyf" in tt:
        glyph = tt["glyf"][name]
        return glyph.numberOfContours == 0
    cff = tt["CFF "].cff
    charstrings = cff[cff.fontNames[0]].CharStrings
    bounds = charstrings[name].calcBounds(charstrings)
    return bounds is None


def notdef_glyphs(blob: bytes) -> list[str]:
    """Each drawn glyph that is ``.notdef`` or has no outline (spaces aside), described."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        cache: dict[tuple[int, int], TTFont | None] = {}
        for number, page in enumerate(pdf.pages):
            _walk(page.obj, page.obj.get("/Resources"), f"page {number + 1}", found, cache, set())
            for annot in page.obj.get("/Annots", []):
                normal = annot.get("/AP", {}).get("/N") if isinstance(annot.get("/AP"), pikepdf.Dictionary) else None
                if isinstance(normal, pikepdf.Stream):
                    _walk(normal, normal.get("/Resources", pikepdf.Dictionary()), f"page {number + 1}, field "
                          f"{annot.get('/T')}", found, cache, set())
    return found


def _walk(holder: pikepdf.Object, resources: pikepdf.Object, where: str, found: list[str],
          cache: dict[tuple[int, int], TTFont | None], seen: set[tuple[int, int]]) -> None:
    fonts = _fonts_of(resources)
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    font = None
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "Tf":
            font = fonts.get(str(operands[0]))
        elif op in ("Tj", "TJ", "'", '"') and font is not None and font.get("/Subtype") == "/Type0":
            strings = [o for o in (operands[0] if op == "TJ" else operands[-1:]) if isinstance(o, pikepdf.String)]
            key = font.objgen
            if key not in cache:
                cache[key] = _outlines(font)
            tt = cache[key]
            to_unicode = _to_unicode(font)
            for s in strings:
                raw = bytes(s)
                for i in range(0, len(raw) - 1, 2):
                    gid = raw[i] << 8 | raw[i + 1]
                    text = to_unicode.get(gid, "")
                    if gid == 0:
                        found.append(f"{where}: .notdef drawn with {font.get('/BaseFont')}")
                    elif tt is not None and _empty_glyph(tt, gid) and text.strip() and text.isprintable():
                        found.append(f"{where}: glyph {gid} ({text!r}) of {font.get('/BaseFont')} has no outline")
        elif op == "Do" and isinstance(xobjects, pikepdf.Dictionary):
            xobj = xobjects.get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == "/Form" and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                _walk(xobj, xobj.get("/Resources", resources), where, found, cache, seen)


def _to_unicode(font: pikepdf.Object) -> dict[int, str]:
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    text = cmap.read_bytes().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            for i, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[gid] = chr(int(dst, 16) + i)
    return out


def mupdf_notdef(path: Path) -> list[str]:
    """Glyphs MuPDF itself draws as glyph 0 (its text trace), by page and character."""
    import pymupdf

    found = []
    with pymupdf.open(path) as doc:
        for number, page in enumerate(doc):
            for span in page.get_texttrace():
                for char in span["chars"]:
                    if char[1] == 0 and chr(char[0]).strip():
                        found.append(f"page {number + 1}: {chr(char[0])!r} drawn as glyph 0 in {span['font']}")
    return found
