"""The generated PDF forms: in sync with the generator, every catalogue field present and right."""

from __future__ import annotations

import io

import pikepdf
import pytest

from mentoring_docs.catalogue import FieldKind, catalogue
from mentoring_docs.kinds import KINDS, TITLES
from mentoring_docs.pdf import blank_template, generate
from mentoring_docs.pdf.assemble import FF_COMBO, FF_MULTILINE
from mentoring_docs.pdf.fields import terminal_fields
from mentoring_docs.pdf.font import BASE_FONT, RESOURCE_NAME
from mentoring_docs.pdf.rows import ROWS

FF_REQUIRED = 1 << 1


@pytest.fixture(scope="module", params=KINDS)
def kind(request):
    return request.param


@pytest.fixture(scope="module")
def form(kind):
    with pikepdf.open(io.BytesIO(blank_template(kind))) as pdf:
        yield pdf, {tf.name: tf for tf in terminal_fields(pdf)}


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_committed_forms_match_the_generator(kind, paper):
    assert generate.build(kind, paper) == blank_template(kind, paper), (
        "the committed form is out of date: run python -m mentoring_docs.pdf.generate --write")


def test_a4_forms_are_laid_out_for_a4_not_scaled(kind):
    with pikepdf.open(io.BytesIO(blank_template(kind))) as letter, \
            pikepdf.open(io.BytesIO(blank_template(kind, "a4"))) as a4:
        assert all([round(float(v), 2) for v in page.mediabox] == [0, 0, 595.28, 841.89] for page in a4.pages)
        assert "/UserUnit" not in a4.pages[0].obj
        letter_fields = {tf.name: tf for tf in terminal_fields(letter)}
        a4_fields = {tf.name: tf for tf in terminal_fields(a4)}
        assert letter_fields.keys() == a4_fields.keys()
        for name, tf in a4_fields.items():
            for widget in tf.widgets:
                x0, y0, x1, y1 = (float(v) for v in widget.Rect)
                # Inside the page with a margin; boxes keep their Letter widths (nothing scaled).
                assert 30 < x0 < x1 < 595.28 - 30 and 40 < y0 < y1 < 841.89 - 30, name
            a, b = letter_fields[name].widgets[0].Rect, tf.widgets[0].Rect
            assert abs((float(a[2]) - float(a[0])) - (float(b[2]) - float(b[0]))) < 0.02, name  # rects keep 2 decimals
        # The taller page holds more: never more pages than on Letter.
        assert len(a4.pages) <= len(letter.pages)


def test_generation_is_deterministic(kind):
    assert generate.build(kind) == generate.build(kind)


def test_every_list_has_a_row_count_within_the_data_model(kind):
    cat = catalogue(kind)
    assert set(ROWS[kind]) == {spec.path for spec in cat.lists}
    for spec in cat.lists:
        assert ROWS[kind][spec.path] >= 1
        if spec.max_items is not None:
            assert ROWS[kind][spec.path] <= spec.max_items


def test_every_catalogue_field_is_a_form_field_of_the_right_kind(kind, form):
    _pdf, fields = form
    expected = catalogue(kind).expand(ROWS[kind])
    # Signature fields (/FT /Sig) are for digital IDs, not data (tests/test_signatures.py).
    signatures = {name for name, tf in fields.items() if tf.ftype == "/Sig"}
    assert signatures == ({f"signatures.{p}.signature" for p in ("mentor", "mentee", "coordinator", "line_manager")}
                          if kind == "agreement" else set())
    assert set(fields) - signatures == {name for name, _ in expected}
    for name, fd in expected:
        tf = fields[name]
        assert str(tf.obj.TU) == fd.full_label  # the tooltip is the label
        if fd.kind is FieldKind.CHECKBOX:
            assert tf.is_checkbox
        elif fd.kind is FieldKind.CHOICE:
            assert tf.ftype == "/Ch" and tf.flags & FF_COMBO
            options = [(str(o[0]), str(o[1])) for o in tf.obj.Opt]
            assert options[1:] == [(c.value, c.label) for c in fd.choices]  # exports values, shows labels
        else:
            assert tf.ftype == "/Tx"
            assert bool(tf.flags & FF_MULTILINE) == (fd.kind is FieldKind.LONG_TEXT)
        if fd.kind is FieldKind.DATE:
            assert "AFDate_FormatEx" in str(tf.obj.AA.F.JS)


def test_field_names_are_hierarchical_with_no_period_in_a_partial_name(form):
    _pdf, fields = form
    for tf in fields.values():
        assert "." not in str(tf.obj.T)


def test_trap_no_text_field_has_a_maxlen(form):
    # reportlab's acroform gives every text field MaxLen 100; pdftk then cuts longer answers.
    _pdf, fields = form
    assert not [name for name, tf in fields.items() if "/MaxLen" in tf.obj]


def test_trap_no_field_is_required(form):
    # reportlab marks checkboxes Required; our forms let a pair leave anything empty.
    _pdf, fields = form
    assert not [name for name, tf in fields.items() if tf.flags & FF_REQUIRED]


def test_trap_every_page_has_content_besides_fields(form):
    # reportlab cannot save a page that holds only fields; every page of ours carries its art.
    pdf, _fields = form
    for page in pdf.pages:
        assert page.obj.get("/Contents") is not None
        assert len(page.obj.Contents.read_bytes()) > 200


def test_trap_form_resources_embed_a_truetype_font(form):
    # pypdf and other tools draw appearances with the /DR fonts; without an embedded
    # TrueType font they turn accented letters into "?". The blank embeds the
    # Windows-1252 repertoire (wider scripts are embedded per document, as used).
    from fontTools.ttLib import TTFont

    pdf, _fields = form
    font = pdf.Root.AcroForm.DR.Font[f"/{RESOURCE_NAME}"]
    assert font.Subtype == "/Type0" and str(font.BaseFont) == f"/{BASE_FONT}"
    descendant = font.DescendantFonts[0]
    assert descendant.Subtype == "/CIDFontType2"
    program = TTFont(io.BytesIO(descendant.FontDescriptor.FontFile2.read_bytes()))
    assert set("Zoë Müller-Østergård, naïve façade: “quotes” – 12 € … Œuvre Šťá".replace("ť", "")) <= {
        chr(code) for code in program.getBestCmap()}
    assert "/ToUnicode" in font


def test_the_embedded_font_is_small_and_holds_exactly_windows_1252(form):
    # Every filled form carries the blank's bytes: its font is the biggest part of them.
    import sys
    from pathlib import Path

    from fontTools.ttLib import TTFont

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from subset_font import latin_codepoints

    pdf, _fields = form
    descriptor = pdf.Root.AcroForm.DR.Font[f"/{RESOURCE_NAME}"].DescendantFonts[0].FontDescriptor
    assert len(descriptor.FontFile2.read_raw_bytes()) < 12_000
    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    assert set(program.getBestCmap()) == set(latin_codepoints())
    # The same outlines as the wider shipped font it was cut from.
    wider = TTFont(Path(__file__).resolve().parent.parent / "mentoring_docs" / "fonts" / "DejaVuSans-forms.ttf")
    for code in (ord("A"), ord("é"), ord("€"), ord("—")):
        ours, theirs = program.getBestCmap()[code], wider.getBestCmap()[code]
        glyph, other = program["glyf"][ours], wider["glyf"][theirs]
        glyph.expand(program["glyf"])
        other.expand(wider["glyf"])
        assert program["hmtx"][ours] == wider["hmtx"][theirs]
        if glyph.numberOfContours > 0:
            assert list(glyph.coordinates) == list(other.coordinates)


def test_the_blank_forms_are_compact(kind):
    # Dictionaries in compressed object streams, a cross-reference stream, checkbox
    # appearances shared between boxes of one size: a filled form is mostly the blank.
    for paper in ("letter", "a4"):
        blob = blank_template(kind, paper)
        assert len(blob) < 36 * 1024, (kind, paper, len(blob))
        with pikepdf.open(io.BytesIO(blob)) as pdf:
            assert "/XRefStm" in pdf.trailer  # a hybrid section: stream entries behind a classic table
            assert blob.count(b" 0 obj") < len(pdf.objects) / 2  # most objects sit in object streams
            boxes = [tf.widgets[0] for tf in terminal_fields(pdf) if tf.is_checkbox]
            ticks = {(w.AP.N["/Yes"].objgen, w.AP.N["/Off"].objgen) for w in boxes}
            assert len(ticks) == min(1, len(boxes))


def test_forms_are_letter_pages_with_title(kind, form):
    pdf, _fields = form
    assert all([float(v) for v in page.mediabox] == [0, 0, 612, 792] for page in pdf.pages)
    assert str(pdf.docinfo.Title) == TITLES[kind]
    assert "/NeedAppearances" not in pdf.Root.AcroForm
