"""Our blank forms filled by other tools: exact values, and pages readable (no boxes) in every renderer.

Each filler draws its own appearance with the form's default font (/DA: Helvetica,
WinAnsiEncoding). Latin values must then draw as text in poppler, MuPDF and PDFium,
and our own fill of a form they touched must redraw every field with our fonts.
"""

from __future__ import annotations

import io
import logging
import subprocess
from pathlib import Path
from typing import Callable

import pikepdf
import pytest

from mentoring_docs.pdf import blank_template, read_form
from mentoring_docs.pdf.filler import compile_form
from pdfutil import read, sample_with, widgets
from renderers import RENDERERS, contains_text, flattened, field_text, mupdf_notdef, notdef_glyphs, page_text, same_text
from tools import require

#: Latin values the issue found drawn as boxes after pdftk.
VALUES = {
    "goals.long_term.0": "Third long-term goal added",
    "meetings.duration_minutes": "90",
    "timeframe.end_date": "2026-06-30",
    "mentor.name": "José Müller-Østergård",
    "purpose": "Grow from one-off queries (SQL) to tested pipelines, 50% by June.",
}


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdftk(tmp: Path, blob: bytes, data_file: str, content: bytes, *extra: str) -> bytes:
    require("pdftk")
    (tmp / "blank.pdf").write_bytes(blob)
    (tmp / data_file).write_bytes(content)
    subprocess.run(["pdftk", "blank.pdf", "fill_form", data_file, "output", "out.pdf", *extra], cwd=tmp,
                   check=True, capture_output=True, timeout=120)
    return (tmp / "out.pdf").read_bytes()


def pdftk_xfdf(tmp: Path, blob: bytes, *extra: str) -> bytes:
    fields = "".join(f'<field name="{k}"><value>{_xml(v)}</value></field>' for k, v in VALUES.items())
    xfdf = ('<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/">'
            f"<fields>{fields}</fields></xfdf>")
    return _pdftk(tmp, blob, "v.xfdf", xfdf.encode("utf-8"), *extra)


def pdftk_fdf(tmp: Path, blob: bytes, *extra: str) -> bytes:
    def string(text: str) -> bytes:
        raw = b"\xfe\xff" + text.encode("utf-16-be")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    entries = b"".join(b"<< /T " + string(k) + b" /V " + string(v) + b" >>\n" for k, v in VALUES.items())
    fdf = b"%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n" + entries + b"] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    return _pdftk(tmp, blob, "v.fdf", fdf, *extra)


def pypdf_regenerate(tmp: Path, blob: bytes) -> bytes:
    from pypdf import PdfWriter

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=io.BytesIO(blob))
    writer.update_page_form_field_values(None, dict(VALUES), auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pypdfform(tmp: Path, blob: bytes) -> bytes:
    from PyPDFForm import PdfWrapper

    # PyPDFForm's default writes each value as a string where the appearance
    # dictionary belongs (no appearance at all, whatever the form); with
    # need_appearances it leaves drawing to the viewer, as its docs advise.
    return PdfWrapper(blob, use_full_widget_name=True, need_appearances=True).fill(dict(VALUES)).read()


def pymupdf_widgets(tmp: Path, blob: bytes) -> bytes:
    import pymupdf

    with pymupdf.open(stream=blob, filetype="pdf") as doc:
        for page in doc:
            for widget in page.widgets():
                if widget.field_name in VALUES:
                    widget.field_value = VALUES[widget.field_name]
                    widget.update()
        return doc.tobytes()


def pdfium_typing(tmp: Path, blob: bytes) -> bytes:
    """Click into each field and type its value, key by key, as a person would (PDFium's form-fill API)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    places = {name: (page, rect) for name, page, rect in widgets(blob)}
    pdf = pdfium.PdfDocument(blob)
    pdf.init_forms()
    env = pdf.formenv
    pages = [pdf[i] for i in range(len(pdf))]  # open, as in a viewer: closing one drops its edits
    for name, text in VALUES.items():
        index, (x1, y1, x2, y2) = places[name]
        page = pages[index]
        x, y = (x1 + x2) / 2, (y1 + y2) / 2
        raw.FORM_OnLButtonDown(env.raw, page.raw, 0, x, y)
        raw.FORM_OnLButtonUp(env.raw, page.raw, 0, x, y)
        for char in text:
            raw.FORM_OnChar(env.raw, page.raw, ord(char), 0)
        raw.FORM_ForceToKillFocus(env.raw)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


FILLERS: dict[str, Callable[[Path, bytes], bytes]] = {
    "pdftk-xfdf": pdftk_xfdf,
    "pdftk-fdf": pdftk_fdf,
    "pdftk-xfdf-need_appearances": lambda tmp, blob: pdftk_xfdf(tmp, blob, "need_appearances"),
    "pdftk-fdf-need_appearances": lambda tmp, blob: pdftk_fdf(tmp, blob, "need_appearances"),
    "pypdf-auto_regenerate": pypdf_regenerate,
    "PyPDFForm": pypdfform,
    "PyMuPDF": pymupdf_widgets,
    "pdfium-typing": pdfium_typing,
}


@pytest.fixture(scope="module", params=sorted(FILLERS))
def filled(request, tmp_path_factory) -> tuple[str, bytes, Path]:
    """(filler, its output, a flattened copy of it) -- the copy keeps the filler's own appearances."""
    tmp = tmp_path_factory.mktemp(request.param)
    blob = FILLERS[request.param](tmp, blank_template("agreement"))
    flat = tmp / "flat.pdf"
    flat.write_bytes(flattened(blob))
    return request.param, blob, flat


def test_values_read_back_exactly(filled):
    _, blob, _ = filled
    _kind, raw, _ = read_form(blob, name="filled.pdf")
    assert {path: raw.get(path) for path in VALUES} == VALUES


def test_no_boxes_in_what_the_filler_drew(filled):
    _, blob, flat = filled
    assert notdef_glyphs(blob) == []
    assert mupdf_notdef(flat) == []


@pytest.mark.parametrize("renderer", RENDERERS)
def test_latin_values_read_as_text_in_each_renderer(filled, renderer):
    name, blob, flat = filled
    places = {path: (page, rect) for path, page, rect in widgets(blob)}
    wrong = {}
    for path, value in VALUES.items():
        page, rect = places[path]
        if renderer == "pdfium":
            text = page_text(flat, page)
            if not contains_text(value, text):
                wrong[path] = text
            continue
        got = field_text(renderer, flat, page, rect)
        if not same_text(value, got):
            wrong[path] = got
    assert wrong == {}, name


def test_our_fill_of_a_form_another_tool_filled_redraws_with_our_fonts(filled):
    name, blob, _ = filled
    record = sample_with("agreement", {"mentor.name": "王芳 José"})
    ours = compile_form("agreement", blob, name=f"{name}.pdf").render(record)
    assert read(ours).data == record
    assert notdef_glyphs(ours) == []
    with pikepdf.open(io.BytesIO(ours)) as pdf:
        for page in pdf.pages:
            for annot in page.Annots:
                parts, node = [], annot
                while node is not None:
                    if "/T" in node:
                        parts.append(str(node.T))
                    node = node.get("/Parent")
                path = ".".join(reversed(parts))
                value = annot.get("/V") if "/V" in annot else annot.get("/Parent", {}).get("/V")
                if annot.get("/FT", annot.get("/Parent", {}).get("/FT")) != "/Tx" or not str(value or ""):
                    continue
                fonts = annot.AP.N.Resources.Font
                assert "/MDSans" in fonts, path  # our appearance, not the other tool's
