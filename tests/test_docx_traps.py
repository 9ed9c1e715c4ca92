"""The traps of the Python Word stack, found while building the forms, each pinned by a test.

Each test shows the trap in the library that has it, then that our forms avoid it.
"""

from __future__ import annotations

import io
from collections import Counter

import docx
import jinja2
from conftest import sample
from docx.oxml.ns import nsmap as python_docx_namespaces
from docxtpl import DocxTemplate
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template

import docx_helpers as dh
from test_docx_rows import repeating_milestones_template


def busy_agreement() -> dict:
    raw = sample("agreement.json")
    raw["timeframe"]["milestones"] = [{"name": f"M{i}", "date": f"2026-06-{i + 1:02d}"} for i in range(9)]
    return load("agreement", raw)


def test_python_docx_does_not_see_content_controls_so_we_read_them_with_lxml() -> None:
    record = load("agreement", sample("agreement.json"))
    blob = compile_template("agreement").render(record)
    document = docx.Document(io.BytesIO(blob))
    seen = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert record["mentee"]["name"] not in seen           # the trap: paragraph text skips w:sdt
    assert record["program"]["name"] not in seen
    assert forms.read(blob, name="x.docx").data == record  # our reader finds every value


def test_docxtpl_leaves_the_placeholder_flag_on_a_filled_control_we_do_not() -> None:
    def jinja_in_control(root):
        sdt = dh.control(root, "mentee.name")
        sdt.xpath(".//w:t", namespaces=dh.NS)[0].text = "{{ name }}"

    template = dh.edit_document(blank_template("agreement"), jinja_in_control)
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render({"name": "Ana Lima"}, jinja2.Environment(autoescape=True))
    out = io.BytesIO()
    tpl.save(out)
    theirs = dh.control(dh.document(out.getvalue()), "mentee.name")
    assert "Ana Lima" in "".join(theirs.itertext())
    assert theirs.find("w:sdtPr/w:showingPlcHdr", dh.NS) is not None  # the trap: Word greys it out as a prompt

    raw = sample("agreement-minimal.json")
    raw["mentee"]["name"] = "Ana Lima"
    ours = dh.control(dh.document(compile_template("agreement").render(load("agreement", raw))), "mentee.name")
    assert ours.find("w:sdtPr/w:showingPlcHdr", dh.NS) is None
    assert ours.find(".//w:rStyle", dh.NS) is None  # nor the grey placeholder style


def test_a_docxtpl_row_loop_copies_control_ids_ours_are_unique() -> None:
    def loop_row(root):
        row = dh.row_of(dh.control(root, "timeframe.milestones.0.name"))
        for other in [dh.row_of(dh.control(root, f"timeframe.milestones.{i}.name")) for i in (1, 2)]:
            other.getparent().remove(other)
        dh.control(root, "timeframe.milestones.0.name").xpath(".//w:t", namespaces=dh.NS)[0].text = "{{ m }}"
        open_row = etree.fromstring(f'<w:tr xmlns:w="{dh.W}"><w:tc><w:p><w:r><w:t>{{%tr for m in ms %}}</w:t>'
                                    '</w:r></w:p></w:tc></w:tr>')
        close_row = etree.fromstring(f'<w:tr xmlns:w="{dh.W}"><w:tc><w:p><w:r><w:t>{{%tr endfor %}}</w:t>'
                                     '</w:r></w:p></w:tc></w:tr>')
        row.addprevious(open_row)
        row.addnext(close_row)

    tpl = DocxTemplate(io.BytesIO(dh.edit_document(blank_template("agreement"), loop_row)))
    tpl.render({"ms": ["a", "b", "c"]}, jinja2.Environment(autoescape=True))
    out = io.BytesIO()
    tpl.save(out)
    theirs = Counter(dh.document(out.getvalue()).xpath("//w:sdtPr/w:id/@w:val", namespaces=dh.NS))
    assert max(theirs.values()) == 3  # the trap: each copied row repeats the ids

    root = dh.document(compile_template("agreement").render(busy_agreement()))
    ids = root.xpath("//w:sdtPr/w:id/@w:val", namespaces=dh.NS)
    assert len(ids) == len(set(ids))
    starts = root.xpath("//w:bookmarkStart", namespaces=dh.NS)
    ends = root.xpath("//w:bookmarkEnd/@w:id", namespaces=dh.NS)
    assert len({b.get(dh.q("w:id")) for b in starts}) == len(starts) and sorted(ends) == sorted(
        b.get(dh.q("w:id")) for b in starts)
    assert len({b.get(dh.q("w:name")) for b in starts}) == len(starts)


def test_drawing_ids_in_repeated_rows_are_renumbered_too() -> None:
    """docxtpl renumbers only drawing ids; we renumber drawings as well as controls and bookmarks."""
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

    def icon_in_row(root):
        cell = dh.row_of(dh.control(root, "timeframe.milestones.0.name")).find("w:tc/w:p", dh.NS)
        cell.append(etree.fromstring(
            f'<w:r xmlns:w="{dh.W}" xmlns:wp="{wp}"><w:drawing><wp:inline><wp:extent cx="1" cy="1"/>'
            '<wp:docPr id="7" name="icon"/></wp:inline></w:drawing></w:r>'))

    template = dh.edit_document(blank_template("agreement"), icon_in_row)
    root = dh.document(compile_template("agreement", template).render(busy_agreement()))
    ids = root.xpath("//wp:docPr/@id", namespaces={"wp": wp})
    assert len(ids) == 9 and len(set(ids)) == 9


def test_python_docx_has_no_w15_namespace_so_repeating_sections_are_written_as_xml() -> None:
    assert "w15" not in python_docx_namespaces  # the trap: OxmlElement("w15:...") fails
    blob = compile_template("agreement", repeating_milestones_template()).render(busy_agreement())
    text = dh.parts(blob)["word/document.xml"].decode("utf-8")
    root_tag = text[text.index("<w:document"):text.index(">", text.index("<w:document"))]
    assert 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"' in root_tag
    assert "w15" in root_tag.split('mc:Ignorable="')[1].split('"')[0].split()
    items = dh.document(blob).xpath("//w15:repeatingSectionItem", namespaces=dh.NS)
    assert len(items) == 9


def test_python_docx_can_open_and_save_our_forms_without_losing_fields() -> None:
    record = busy_agreement()
    blob = compile_template("agreement", repeating_milestones_template()).render(record)
    document = docx.Document(io.BytesIO(blob))
    document.add_paragraph("Added by a script")
    out = io.BytesIO()
    document.save(out)
    assert forms.read(out.getvalue(), name="resaved.docx").data == record


def test_a_templates_own_bookmarks_never_clash_with_ours() -> None:
    """Word leaves bookmarks in templates (_GoBack, or one an HR person made); ids and names stay unique."""
    def bookmarks(root):
        body = root.find("w:body", dh.NS)
        first = body.find("w:p", dh.NS)
        for number, name in ((9000, "_GoBack"), (9001, "Intro")):
            first.insert(0, etree.fromstring(f'<w:bookmarkStart xmlns:w="{dh.W}" w:id="{number}" w:name="{name}"/>'))
            first.append(etree.fromstring(f'<w:bookmarkEnd xmlns:w="{dh.W}" w:id="{number}"/>'))
        cell = dh.row_of(dh.control(root, "timeframe.milestones.0.name")).find("w:tc/w:p", dh.NS)
        cell.insert(0, etree.fromstring(f'<w:bookmarkStart xmlns:w="{dh.W}" w:id="9002" w:name="InRow"/>'))
        cell.append(etree.fromstring(f'<w:bookmarkEnd xmlns:w="{dh.W}" w:id="9002"/>'))

    template = dh.edit_document(blank_template("agreement"), bookmarks)
    record = busy_agreement()
    blob = compile_template("agreement", template).render(record)
    root = dh.document(blob)
    starts = root.xpath("//w:bookmarkStart", namespaces=dh.NS)
    names = [s.get(dh.q("w:name")) for s in starts]
    numbers = [s.get(dh.q("w:id")) for s in starts]
    assert len(set(names)) == len(names) and len(set(numbers)) == len(numbers)
    assert {"_GoBack", "Intro"} <= set(names) and "InRow" not in names  # a row's copies would repeat it
    assert sorted(root.xpath("//w:bookmarkEnd/@w:id", namespaces=dh.NS)) == sorted(numbers)
    assert forms.read(blob, name="x.docx").data == record
