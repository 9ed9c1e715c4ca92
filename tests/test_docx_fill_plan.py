"""The Word fill's fast path against the program it was made from.

A render walks a *plan* (see mentoring_docs/docx/render.py): each control's states
cut once into byte pieces around its id, tag, date, bookmark and value. The
program the compiler made is the specification: here it is walked piece by piece,
as renders did before plans, and both must give the same ``word/document.xml``
byte for byte, for any record, in both forms, with a field extension, for controls
the plan cannot cut (left to the piece-by-piece render), for paths too long for a
bookmark, and for lists longer than the rows a loop keeps.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any, Mapping

import docx as python_docx
import pytest
from conftest import sample
from extension_support import every_kind
from hypothesis import given, settings
from lxml import etree
from strategies import records

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template
from mentoring_docs.docx import render
from mentoring_docs.docx.ooxml import WP_NS
from mentoring_docs.docx.render import OP_DID, OP_SID, Compiled, Loop, Slot
from mentoring_docs.extension import parse_extension

import docx_helpers as dh


def reference_body(compiled: Compiled, record: Any) -> bytes:
    """``word/document.xml`` for ``record``, from the compiled program, one piece at a time."""
    state = render._RenderState(record.flat, compiled._first_bookmark)  # noqa: SLF001
    out: list[bytes] = []
    _walk(compiled._program, record, (), out, state)  # noqa: SLF001
    assert not state.problems
    return b"".join(out)


def _walk(program: list[Any], item: Any, indices: tuple[int, ...], out: list[bytes], state: Any) -> None:
    for piece in program:
        if isinstance(piece, str):
            out.append(piece.encode("utf-8"))
        elif isinstance(piece, Slot):
            path = piece.path_format.format(*indices) if indices else piece.path_format
            render._render_slot_pieces(piece, path, out, state)  # noqa: SLF001
        elif isinstance(piece, Loop):
            value: Any = item
            for key in piece.keys:
                value = value.get(key) if isinstance(value, Mapping) else None
            items = value if isinstance(value, list) else []
            for i in range(max(len(items), piece.minimum)):
                if i:
                    _walk(piece.separator, None, indices, out, state)
                _walk(piece.body, items[i] if i < len(items) else {}, indices + (i,), out, state)
        elif piece == OP_SID:
            state.sid += 1
            out.append(str(state.sid).encode())
        else:
            assert piece == OP_DID
            state.did += 1
            out.append(str(state.did).encode())


def _slot_plans(compiled: Compiled) -> list[Any]:
    found: list[Any] = []

    def walk(row: list[Any]) -> None:
        for entry in row:
            if isinstance(entry, render._Instance):  # noqa: SLF001
                found.append(entry.plan)
            elif isinstance(entry, render._LoopPlan):  # noqa: SLF001
                found.extend(p for p in entry.body if isinstance(p, render._SlotPlan))  # noqa: SLF001

    walk(compiled._row)  # noqa: SLF001
    return found


@settings(max_examples=40, deadline=None)
@given(records("agreement"), records("action_plan"))
def test_any_record_renders_as_its_program_says(agreement: Any, plan: Any) -> None:
    for kind, record in (("agreement", agreement), ("action_plan", plan)):
        compiled = compile_template(kind)
        assert compiled.render_body(record) == reference_body(compiled, record)


@settings(max_examples=15, deadline=None)
@given(records("agreement", extension=every_kind()))
def test_any_record_with_program_questions_renders_as_its_program_says(record: Any) -> None:
    compiled = compile_template("agreement", extension=every_kind(), paper="a4")
    assert compiled.render_body(record) == reference_body(compiled, record)


def test_a_path_too_long_for_a_bookmark_keeps_its_tag_only() -> None:
    name = "q" * 40  # program_questions.qqq...: 58 characters, Word allows 40 in a bookmark name
    ext = parse_extension({"id": "long-names", "fields": [
        {"document": "agreement", "path": f"program_questions.{name}", "label": "Long", "help": "A long name.",
         "kind": "text"},
        {"document": "agreement", "path": "program_questions.short", "label": "Short", "help": "A short one.",
         "kind": "text"},
    ]})
    data = sample("agreement.json")
    data["program_questions"] = {name: "long & <named>", "short": "short"}
    record = load("agreement", data, extension=ext)
    compiled = compile_template("agreement", extension=ext)
    body = compiled.render_body(record)
    assert body == reference_body(compiled, record)
    assert f'w:val="program_questions.{name}"'.encode() in body
    assert f'w:name="program_questions_{name}"'.encode() not in body
    assert b'w:name="program_questions_short"' in body
    result = forms.read(compiled.render(record), name="long.docx", extension=ext)
    assert result.problems == [] and result.data["program_questions"][name] == "long & <named>"


def test_lists_longer_than_the_rows_a_loop_keeps() -> None:
    data = sample("action_plan.json")
    count = render._MAX_ROWS + 5  # noqa: SLF001
    data["strengths"] = [f"Strength {i} & more" for i in range(count)]
    record = load("action_plan", data)
    compiled = compile_template("action_plan")
    body = compiled.render_body(record)
    assert body == reference_body(compiled, record)
    assert compiled.render_body(record) == body  # again, with the loop's rows started over
    assert re.findall(rb'w:val="strengths\.(\d+)"', body)[-1] == str(count - 1).encode()
    assert forms.read(compiled.render(record), name="long.docx").data["strengths"] == data["strengths"]


def _with_drawing_in(blob: bytes, tag: str) -> bytes:
    """The template with a picture (a drawing with its ``wp:docPr`` id) in the prompt of control ``tag``."""
    def change(root: etree._Element) -> None:
        content = dh.control(root, tag).find(dh.q("w:sdtContent"))
        content.append(etree.fromstring(
            f'<w:r xmlns:w="{dh.W}" xmlns:wp="{WP_NS}"><w:drawing><wp:inline distT="0" distB="0" distL="0" '
            'distR="0"><wp:extent cx="91440" cy="91440"/><wp:docPr id="7" name="Mark"/></wp:inline></w:drawing></w:r>'))
    return dh.edit_document(blob, change)


def _with_id_before_tag(blob: bytes, tag: str) -> bytes:
    def change(root: etree._Element) -> None:
        sdt_pr = dh.control(root, tag).find(dh.q("w:sdtPr"))
        node = sdt_pr.find(dh.q("w:id"))
        sdt_pr.remove(node)
        sdt_pr.insert(0, node)
    return dh.edit_document(blob, change)


@pytest.mark.parametrize("edit, tag", [
    (_with_drawing_in, "purpose"), (_with_id_before_tag, "mentee.name"), (_with_id_before_tag, "goals.top.0"),
])
def test_controls_the_plan_cannot_cut_are_rendered_piece_by_piece(edit: Any, tag: str) -> None:
    template = edit(blank_template("agreement"), tag)
    compiled = compile_template("agreement", template)
    uncut = [p for p in _slot_plans(compiled) if not p.pieces]
    assert [p.field.path for p in uncut] == [tag.replace(".0", ".*")]
    record = load("agreement", sample("agreement.json"))
    body = compiled.render_body(record)
    assert body == reference_body(compiled, record)
    etree.fromstring(body)
    assert forms.read(compiled.render(record), name="custom.docx").data == forms.read(
        compile_template("agreement").render(record), name="builtin.docx").data


def test_the_package_is_the_template_with_the_body_last() -> None:
    record = load("action_plan", sample("action_plan.json"))
    compiled = compile_template("action_plan")
    blob = compiled.render(record)
    with zipfile.ZipFile(io.BytesIO(blob)) as filled, zipfile.ZipFile(io.BytesIO(blank_template("action_plan"))) as blank:
        assert filled.testzip() is None
        names = filled.namelist()
        assert names[-1] == "word/document.xml"
        assert sorted(names) == sorted(blank.namelist())
        for name in names[:-1]:
            if not name.startswith("customXml/item1.xml"):  # the record part holds this template's prompts
                assert filled.read(name) == blank.read(name), name
        info = filled.getinfo("word/document.xml")
        raw = blob[info.header_offset + 30 + len(info.filename):][:info.compress_size]
        assert zlib.decompress(raw, -15) == compiled.render_body(record)
        assert info.CRC == zlib.crc32(compiled.render_body(record))
    assert python_docx.Document(io.BytesIO(blob)).tables
