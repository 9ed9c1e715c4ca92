"""The built-in Word templates, and templates an HR person customised in Word."""

from __future__ import annotations

import base64
import re
import subprocess
import sys

import pytest
from conftest import SAMPLES, sample
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.catalogue import FieldKind, catalogue
from mentoring_docs.flat_paths import pattern_of
from mentoring_docs.docx import blank_template, compile_template
from mentoring_docs.docx.layout import CONTENT_WIDTH, PAGE_HEIGHT, PAGE_WIDTH
from mentoring_docs.docx.control_names import BOOKMARK_MAX, names
from mentoring_docs.docx.template import build_template
from mentoring_docs.errors import TemplateError

import docx_helpers as dh

KINDS = ("agreement", "action_plan")
A4_WIDTH = 11906   # twips
A4_HEIGHT = 16838
INCH = 1440


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("kind", KINDS)
def test_committed_templates_are_what_the_generator_makes(kind: str, paper: str) -> None:
    assert blank_template(kind, paper) == build_template(kind, paper), (
        "templates are stale: run python -m mentoring_docs.docx and commit mentoring_docs/templates/")


@pytest.mark.parametrize("kind", KINDS)
def test_the_a4_template_sets_the_a4_page_and_keeps_everything_else(kind: str) -> None:
    letter, a4 = dh.document(blank_template(kind)), dh.document(blank_template(kind, "a4"))
    size, margins = a4.find(".//w:sectPr/w:pgSz", dh.NS), a4.find(".//w:sectPr/w:pgMar", dh.NS)
    assert (int(size.get(dh.q("w:w"))), int(size.get(dh.q("w:h")))) == (A4_WIDTH, A4_HEIGHT)
    left, right = int(margins.get(dh.q("w:left"))), int(margins.get(dh.q("w:right")))
    assert left == right and A4_WIDTH - left - right - CONTENT_WIDTH in (0, 1)  # same 7 inches of content
    assert left >= INCH // 2
    # Only the section differs: the same body, controls and tables.
    for root in (letter, a4):
        body = root.find(".//w:body", dh.NS)
        body.remove(body.find("w:sectPr", dh.NS))
    assert etree.tostring(letter) == etree.tostring(a4)


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_a_control_of_its_kind(kind: str) -> None:
    root = dh.document(blank_template(kind))
    cat = catalogue(kind)
    controls = root.xpath("//w:sdt[w:sdtPr/w:tag]", namespaces=dh.NS)
    by_pattern: dict[str, list] = {}
    for sdt in controls:
        by_pattern.setdefault(pattern_of(sdt.find("w:sdtPr/w:tag", dh.NS).get(dh.q("w:val"))), []).append(sdt)
    assert set(by_pattern) == {fd.path for fd in cat.fields}
    for fd in cat.fields:
        for sdt in by_pattern[fd.path]:
            pr = sdt.find("w:sdtPr", dh.NS)
            if fd.kind is FieldKind.CHECKBOX:
                assert pr.find("w14:checkbox", dh.NS) is not None
            elif fd.kind is FieldKind.DATE:
                assert pr.find("w:date/w:dateFormat", dh.NS) is not None
            elif fd.kind is FieldKind.CHOICE:
                items = [(i.get(dh.q("w:value")), i.get(dh.q("w:displayText")))
                         for i in pr.findall("w:dropDownList/w:listItem", dh.NS)]
                assert items == [(c.value, c.label) for c in fd.choices]
            else:
                # Rich text: LibreOffice 7.4 corrupts plain-text controls holding line breaks or CJK text.
                assert pr.find("w:text", dh.NS) is None and len(pr.xpath("w:dropDownList|w:date", namespaces=dh.NS)) == 0
            if fd.kind is not FieldKind.CHECKBOX:
                assert pr.find("w:showingPlcHdr", dh.NS) is not None
            assert pr.find("w:alias", dh.NS).get(dh.q("w:val")) == fd.full_label


@pytest.mark.parametrize("kind", KINDS)
def test_every_control_carries_a_valid_bookmark_named_after_it(kind: str) -> None:
    root = dh.document(blank_template(kind))
    field_names = names(kind)
    for sdt in root.xpath("//w:sdt[w:sdtPr/w:tag]", namespaces=dh.NS):
        tag = sdt.find("w:sdtPr/w:tag", dh.NS).get(dh.q("w:val"))
        marks = sdt.findall("w:sdtContent/w:bookmarkStart", dh.NS)
        assert len(marks) == 1
        name = marks[0].get(dh.q("w:name"))
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and len(name) <= BOOKMARK_MAX
        assert field_names.from_bookmark(name) == pattern_of(tag)


@pytest.mark.parametrize("kind", KINDS)
def test_bookmark_names_decode_to_one_field_only(kind: str) -> None:
    cat = catalogue(kind)
    field_names = names(kind)
    for path, fd in cat.expand({ls.path: 12 for ls in cat.lists}):
        name = path.replace(".", "_")
        assert len(name) <= BOOKMARK_MAX, path
        assert field_names.from_bookmark(name) == fd.path


@pytest.mark.parametrize("kind", KINDS)
def test_the_form_has_a_title_sections_in_order_and_fits_letter_and_a4(kind: str) -> None:
    root = dh.document(blank_template(kind))
    paragraphs = root.xpath("//w:body/w:p", namespaces=dh.NS)

    def text(p):
        return "".join(p.itertext())

    def styled(style):
        return [text(p) for p in paragraphs
                if p.find("w:pPr/w:pStyle", dh.NS) is not None
                and p.find("w:pPr/w:pStyle", dh.NS).get(dh.q("w:val")) == style]

    cat = catalogue(kind)
    assert styled("Title") == [cat.title]
    headings = styled("Heading1")
    section_titles = [s.title for s in cat.sections]
    assert headings == [t for t in section_titles if t in headings]  # data-model order
    assert len(headings) >= len(section_titles) - 3  # only the one-value header fields have no heading
    size = root.find(".//w:sectPr/w:pgSz", dh.NS)
    margins = root.find(".//w:sectPr/w:pgMar", dh.NS)
    width, height = int(size.get(dh.q("w:w"))), int(size.get(dh.q("w:h")))
    assert (width, height) == (PAGE_WIDTH, PAGE_HEIGHT)
    assert CONTENT_WIDTH == width - int(margins.get(dh.q("w:left"))) - int(margins.get(dh.q("w:right")))
    assert CONTENT_WIDTH <= A4_WIDTH - INCH      # at least half an inch either side on A4
    assert height <= A4_HEIGHT                   # Letter pages are shorter than A4
    for grid in root.xpath("//w:tblGrid", namespaces=dh.NS):
        assert sum(int(c.get(dh.q("w:w"))) for c in grid) <= CONTENT_WIDTH
    if kind == "agreement":
        assert styled("Subtitle") and styled("Subtitle")[0].startswith("Program: ")
        assert "Signatures" in headings


# -- customised templates ----------------------------------------------------------------------

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def restyled(blob: bytes) -> bytes:
    """What an HR person does in Word: other fonts and colours, new wording, a logo, sections moved."""
    parts = dh.parts(blob)
    styles = parts["word/styles.xml"].replace(b"Arial", b"Georgia").replace(b"1F4E79", b"7A1F5C")
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find("w:body", dh.NS)
    # Reword a label and a prompt (the placeholder text of a control).
    for t in root.xpath('//w:t[text()="Full name"]', namespaces=dh.NS):
        t.text = "Name as it appears on your badge"
    long_field = "purpose" if root.xpath('//w:tag[@w:val="purpose"]', namespaces=dh.NS) else "goals.0.description"
    prompt = dh.control(root, long_field).xpath(".//w:t", namespaces=dh.NS)[0]
    prompt.text = "Tell us, in your own words, why you are doing this."
    # Move the last section (heading, prompt, table...) to just after the title block.
    headings = root.xpath('//w:body/w:p[w:pPr/w:pStyle/@w:val="Heading1"]', namespaces=dh.NS)
    last = headings[-1]
    moved = [last]
    while moved[-1].getnext() is not None and moved[-1].getnext().tag != dh.q("w:sectPr"):
        moved.append(moved[-1].getnext())
    for node in reversed(moved):
        headings[0].addprevious(node)
    # A logo in the title paragraph.
    title = root.xpath('//w:p[w:pPr/w:pStyle/@w:val="Title"]', namespaces=dh.NS)[0]
    title.insert(1, etree.fromstring(
        f'<w:r xmlns:w="{dh.W}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:drawing>'
        '<wp:inline><wp:extent cx="457200" cy="457200"/><wp:docPr id="1" name="Logo"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        '<pic:nvPicPr><pic:cNvPr id="0" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="457200" cy="457200"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r>'))
    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="media/logo.png"/></Relationships>')
    types = parts["[Content_Types].xml"].replace(
        b"<Default Extension=\"xml\"", b'<Default Extension="png" ContentType="image/png"/><Default Extension="xml"')
    assert body is not None
    return dh.with_parts(blob, {
        "word/styles.xml": styles, "word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
        "word/_rels/document.xml.rels": rels, "[Content_Types].xml": types, "word/media/logo.png": PIXEL,
    })


@pytest.mark.parametrize("kind, name", [("agreement", "agreement.json"), ("action_plan", "action_plan.json")])
def test_a_restyled_reordered_template_fills_and_reads_back(kind: str, name: str) -> None:
    template = restyled(blank_template(kind))
    record = load(kind, sample(name))
    blob = compile_template(kind, template).render(record)
    result = forms.read(blob, name="custom.docx")
    assert result.problems == [] and result.data == record
    root = dh.document(blob)
    text = "".join(root.itertext())
    assert "Name as it appears on your badge" in text
    assert root.xpath("//wp:docPr", namespaces={"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"})
    assert b"Georgia" in dh.parts(blob)["word/styles.xml"] and "word/media/logo.png" in dh.parts(blob)
    # The moved section comes first in the filled form too.
    headings = root.xpath('//w:body/w:p[w:pPr/w:pStyle/@w:val="Heading1"]', namespaces=dh.NS)
    assert "".join(headings[0].itertext()) == [s.title for s in catalogue(kind).sections][-1]


def test_a_reworded_prompt_left_empty_reads_as_empty() -> None:
    template = restyled(blank_template("agreement"))
    record = load("agreement", sample("agreement-minimal.json"))
    assert "purpose" not in record
    result = forms.read(compile_template("agreement", template).render(record), name="custom.docx")
    assert result.problems == [] and result.data == record


def remove_control(tag: str):
    def change(root):
        sdt = dh.control(root, tag)
        sdt.getparent().remove(sdt)
    return change


def test_a_template_missing_or_inventing_fields_is_refused_with_a_list() -> None:
    def change(root):
        remove_control("mentee.email")(root)
        remove_control("meetings.location")(root)
        invented = dh.control(root, "mentee.phone")
        invented.find("w:sdtPr/w:tag", dh.NS).set(dh.q("w:val"), "mentee.nickname")
        invented.find("w:sdtPr/w:alias", dh.NS).set(dh.q("w:val"), "Nickname")
        for mark in invented.xpath(".//w:bookmarkStart|.//w:bookmarkEnd", namespaces=dh.NS):
            mark.getparent().remove(mark)

    template = dh.edit_document(blank_template("agreement"), change)
    with pytest.raises(TemplateError) as caught:
        compile_template("agreement", template)
    message = str(caught.value)
    assert "\n" not in message
    assert "missing fields: mentee.email, mentee.phone, meetings.location" in message
    assert "unknown fields: tag 'mentee.nickname'" in message


def test_a_wrong_kind_of_control_is_refused() -> None:
    def change(root):
        date = dh.control(root, "timeframe.start_date")
        pr = date.find("w:sdtPr", dh.NS)
        pr.remove(pr.find("w:date", dh.NS))
        pr.append(etree.fromstring(f'<w14:checkbox xmlns:w14="{dh.W14}"/>'))

    with pytest.raises(TemplateError, match=r"timeframe.start_date: a checkbox cannot hold this field"):
        compile_template("agreement", dh.edit_document(blank_template("agreement"), change))


def test_the_other_kinds_template_or_a_non_docx_is_refused() -> None:
    with pytest.raises(TemplateError, match="template for the Mentoring Action Plan"):
        compile_template("agreement", blank_template("action_plan"))
    with pytest.raises(TemplateError, match="cannot use as a Word template"):
        compile_template("agreement", b"%PDF-1.7 not a docx")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "mentoring_docs.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_exports_the_template_and_fills_a_customised_one(tmp_path) -> None:
    exported = tmp_path / "mine.docx"
    out = cli("template", "agreement", "--format", "docx", "-o", str(exported))
    assert out.returncode == 0, out.stderr
    assert exported.read_bytes() == blank_template("agreement")
    exported.write_bytes(restyled(exported.read_bytes()))
    filled = tmp_path / "filled.docx"
    out = cli("fill", "agreement", str(SAMPLES / "agreement.json"), "--template", str(exported), "-o", str(filled))
    assert out.returncode == 0, out.stderr
    out = cli("read", str(filled))
    assert out.returncode == 0, out.stderr
    import json
    assert load("agreement", json.loads(out.stdout)) == load("agreement", sample("agreement.json"))


def test_cli_reports_a_bad_template_in_one_line(tmp_path) -> None:
    template = tmp_path / "broken.docx"
    template.write_bytes(dh.edit_document(blank_template("agreement"), remove_control("purpose")))
    out = cli("fill", "agreement", str(SAMPLES / "agreement.json"), "--template", str(template),
              "-o", str(tmp_path / "x.docx"))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "missing fields: purpose" in out.stderr
    assert not (tmp_path / "x.docx").exists()


def test_a_custom_date_format_and_reworded_choices_fill_and_read_back() -> None:
    def reword(root):
        start = dh.control(root, "timeframe.start_date")
        start.find("w:sdtPr/w:date/w:dateFormat", dh.NS).set(dh.q("w:val"), "dddd, d MMMM yyyy")
        frequency = dh.control(root, "meetings.frequency")
        for item in frequency.findall("w:sdtPr/w:dropDownList/w:listItem", dh.NS):
            item.set(dh.q("w:displayText"), "Meet " + item.get(dh.q("w:displayText")).lower())

    record = load("agreement", sample("agreement.json"))
    blob = compile_template("agreement", dh.edit_document(blank_template("agreement"), reword)).render(record)
    root = dh.document(blob)
    start = record["timeframe"]["start_date"]
    assert "".join(dh.control(root, "timeframe.start_date").itertext()) == start.strftime("%A, %-d %B %Y")
    assert "".join(dh.control(root, "meetings.frequency").itertext()).startswith("Meet ")
    result = forms.read(blob, name="custom.docx")
    assert result.problems == [] and result.data == record


def test_paragraph_ids_word_adds_are_dropped_so_copied_rows_do_not_repeat_them(tmp_path) -> None:
    # Word gives every paragraph a w14:paraId and w14:textId; the list rows of a filled form are
    # copies of one row, and an id that repeats makes Word repair the file.
    def number_paragraphs(root: etree._Element) -> None:
        for i, p in enumerate(root.iter(f"{{{dh.W}}}p")):
            p.set(f"{{{dh.W14}}}paraId", "%08X" % (i + 1))
            p.set(f"{{{dh.W14}}}textId", "%08X" % (i + 0x1000))

    template = dh.edit_document(blank_template("action_plan"), number_paragraphs)
    assert dh.document(template).xpath("//@w14:paraId", namespaces=dh.NS)
    record = load("action_plan", sample("action_plan.json"))
    assert len(record["goals"]) > 1
    blob = compile_template("action_plan", template).render(record)
    body = dh.document(blob)
    assert body.xpath("//*[@w14:paraId or @w14:textId]", namespaces=dh.NS) == []
    out = tmp_path / "plan.docx"
    out.write_bytes(blob)
    assert forms.read(out).problems == []
