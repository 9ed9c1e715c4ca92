"""The fast reading of our own unedited Word forms gives exactly what the careful (lxml) reading gives.

:mod:`mentoring_docs.docx.fastscan` reads a form our writer made without building
an XML tree. It must either return what the careful reading returns, or step
aside (None) so that the careful reading runs: these tests check both, on forms
straight from our writer and on forms changed and re-zipped *as our writer zips
them* (so that the fast reading is tried on them too).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import sample
from hypothesis import HealthCheck, given, settings
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template, reader
from mentoring_docs.docx.package import Package, pack_parts, write_zip
from mentoring_docs.extension import load_extension
from mentoring_docs.errors import FormError
from strategies import records

import docx_helpers as dh

ROOT = Path(__file__).resolve().parent.parent


def both(blob: bytes) -> tuple[object, object]:
    """(fast reading or None, careful reading) of one Word form."""
    package = Package(blob, "form.docx")
    body = package.read("word/document.xml")
    return reader._read_fast(package, body), reader._read_careful(package, body, "form.docx")


def ours(blob: bytes, document: bytes) -> bytes:
    """``blob`` with another ``word/document.xml``, zipped as our writer zips (dated 1980-01-01)."""
    parts = dh.parts(blob)
    parts["word/document.xml"] = document
    return write_zip(pack_parts(parts))


def filled(kind: str = "agreement") -> bytes:
    return compile_template(kind).render(load(kind, sample(f"{kind}.json")))


def body(blob: bytes) -> str:
    return dh.parts(blob)["word/document.xml"].decode("utf-8")


def careful_or_refused(changed: bytes, document: bytes) -> object | None:
    """The careful reading of ``changed`` (whose body is ``document``); None when it refuses the
    form, after checking that ``read_form`` refuses it with the very same message."""
    try:
        return reader._read_careful(Package(changed, "x"), document, "form.docx")
    except FormError as exc:
        with pytest.raises(FormError) as caught:
            reader.read_form(changed, name="form.docx")
        assert str(caught.value) == str(exc)
        return None


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_our_forms_are_read_fast_and_the_same(kind: str, paper: str) -> None:
    for blob in (compile_template(kind, paper=paper).render(load(kind, sample(f"{kind}.json"))),
                 blank_template(kind, paper)):
        assert Package(blob, "x").dated_as_ours()
        fast, careful = both(blob)
        assert fast is not None and fast == careful


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("agreement"))
def test_any_agreement_reads_the_same_fast(record: dict) -> None:
    fast, careful = both(compile_template("agreement").render(record))
    assert fast is not None and fast == careful


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("action_plan"))
def test_any_action_plan_reads_the_same_fast(record: dict) -> None:
    fast, careful = both(compile_template("action_plan").render(record))
    assert fast is not None and fast == careful


def test_a_form_made_with_a_field_extension_reads_the_same_fast() -> None:
    extension = load_extension(ROOT / "samples" / "program-questions.json")
    record = load("agreement", {**sample("agreement.json"), "program_questions": {"site": "Leeds"}},
                  extension=extension)
    blob = compile_template("agreement", extension=extension).render(record)
    fast, careful = both(blob)
    assert fast is not None and fast == careful
    assert forms.read(blob, name="x.docx", extension=extension).data["program_questions"] == {"site": "Leeds"}


def test_markup_and_escapes_in_values_read_the_same_fast() -> None:
    record = copy.deepcopy(sample("agreement.json"))
    record["mentor"]["name"] = "A & B <C> \"D\" 'E'"
    record["purpose"] = "tab\there & <there>\nnext line\n\nafter a blank line"
    blob = compile_template("agreement").render(load("agreement", record))
    fast, careful = both(blob)
    assert fast is not None and fast == careful
    assert fast[1]["mentor.name"] == "A & B <C> \"D\" 'E'"


# -- changed forms, zipped as ours: read the same, fast or careful ------------------------------


def _comment_around_a_control(text: str) -> str:
    start = text.index("<w:sdt>")
    end = text.index("</w:sdt>", start) + len("</w:sdt>")
    return text[:start] + "<!--" + text[start:end].replace("--", "") + "-->" + text[end:]


CHANGES = {
    "a comment hiding a control": _comment_around_a_control,
    "a processing instruction": lambda t: t.replace("<w:body>", "<w:body><?hidden <w:sdt>?>", 1),
    "a character reference": lambda t: t.replace(">Northwind", ">&#78;orthwind", 1),
    "a symbol character": lambda t: t.replace('<w:t xml:space="preserve">Northwind',
                                              '<w:sym w:font="Symbol" w:char="F041"/><w:t xml:space="preserve">N', 1),
    "a nested control": lambda t: t.replace("<w:sdtContent>", "<w:sdtContent><w:sdt><w:sdtPr/><w:sdtContent>"
                                            "<w:r><w:t>inner</w:t></w:r></w:sdtContent></w:sdt>", 1),
    "a lock on a control": lambda t: t.replace("</w:sdtPr>", '<w:lock w:val="sdtLocked"/></w:sdtPr>', 1),
    "a row with attributes": lambda t: t.replace("<w:tr>", '<w:tr w:rsidR="00AB12CD">', 1),
    "single-quoted attributes": lambda t: t.replace('w:val="program.name"', "w:val='program.name'", 1),
    "a tag naming no field": lambda t: t.replace('w:val="program.name"', 'w:val="nothing.here"', 1),
    "the w prefix bound again": lambda t: t.replace(
        "<w:body>", '<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">', 1),
    "two paragraphs in a control": lambda t: t.replace(
        '<w:r><w:t xml:space="preserve">Northwind', '<w:p><w:r><w:t>one</w:t></w:r></w:p><w:p><w:r><w:t '
        'xml:space="preserve">Northwind', 1).replace("</w:t></w:r></w:sdtContent>", "</w:t></w:r></w:p></w:sdtContent>", 1),
    "a prompt typed over in LibreOffice": lambda t: _typed_over_prompt(t),
}


def _typed_over_prompt(text: str) -> str:
    """The first control showing its prompt gets the prompt's text back without the flag, as plain text."""
    start = text.index("<w:showingPlcHdr/>")
    return text[:start] + text[start + len("<w:showingPlcHdr/>"):]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changed_forms_zipped_as_ours_read_as_the_careful_reading_does(change: str) -> None:
    record = copy.deepcopy(sample("agreement.json"))
    record.pop("boundaries", None)  # one control left showing its prompt
    blob = compile_template("agreement").render(load("agreement", record))
    text = CHANGES[change](body(blob))
    assert text != body(blob)
    changed = ours(blob, text.encode("utf-8"))
    careful = careful_or_refused(changed, text.encode("utf-8"))
    if careful is None:
        return
    fast, _ = both(changed)
    assert fast is None or fast == careful
    assert reader.read_form(changed, name="form.docx") == careful


def test_a_malformed_control_in_a_form_zipped_as_ours_is_refused_as_before() -> None:
    blob = filled()
    text = body(blob).replace("</w:t></w:r></w:sdtContent>", "</w:t></w:sdtContent>", 1)
    broken = ours(blob, text.encode("utf-8"))
    with pytest.raises(FormError) as caught:
        reader.read_form(broken, name="broken.docx")
    assert "not well-formed" in str(caught.value)


def test_a_form_edited_in_word_style_is_not_read_fast() -> None:
    """Editors date the ZIP entries: such a file always gets the careful reading."""
    blob = dh.edit_document(filled(), lambda root: None)
    assert not Package(blob, "x").dated_as_ours()


def test_the_structure_of_rows_and_goal_blocks_matches(tmp_path: Path) -> None:
    record = load("action_plan", sample("action_plan.json"))
    blob = compile_template("action_plan").render(record)
    fast, careful = both(blob)
    assert fast is not None and fast == careful
    assert forms.read(blob, name="plan.docx").data == dict(record)


def test_the_careful_reading_and_the_fast_one_see_the_same_controls() -> None:
    from mentoring_docs.docx import fastscan
    from mentoring_docs.docx.structure import leaf_controls

    text = dh.parts(filled("action_plan"))["word/document.xml"]
    scanned = fastscan.scan(text)
    marks = list(leaf_controls(etree.fromstring(text)))
    assert [(c.tag, c.kind, c.text, c.showing) for c in scanned] == [(m.tag, m.kind, m.text, m.showing) for m in marks]
    # Same rows and tables: identity classes agree.
    def classes(items, attr):
        seen: dict[int, int] = {}
        return [seen.setdefault(id(getattr(i, attr)), len(seen)) if getattr(i, attr) is not None else None
                for i in items]
    assert classes(scanned, "row") == classes(marks, "row")
    assert classes(scanned, "table") == classes(marks, "table")


def test_the_expression_reads_the_same_without_possessive_quantifiers() -> None:
    """Python 3.10 compiles the expression without them (``fastscan._compile``): same matches."""
    import re

    from mentoring_docs.docx import fastscan

    plain = re.compile(fastscan._SHAPE.pattern.replace("*+", "*").replace("++", "+").replace("?+", "?"))
    assert plain.pattern != fastscan._SHAPE.pattern
    for kind in ("agreement", "action_plan"):
        text = body(filled(kind))
        assert [m.groups() for m in plain.finditer(text)] == [m.groups() for m in fastscan._SHAPE.finditer(text)]


# -- forms whose text between controls is known from a form read before -----------------------


def _controls(found: list) -> list[tuple]:
    """What the reader takes from scanned controls, with rows and tables as classes of identity."""
    rows: dict[int, int] = {}
    tables: dict[int, int] = {}
    return [(c.kind, c.tag, c.showing, c.text, c.checked, c.full_date, c.date_format, c.items,
             None if c.row is None else rows.setdefault(id(c.row), len(rows)),
             None if c.table is None else tables.setdefault(id(c.table), len(tables))) for c in found]


def _other_record(kind: str) -> dict:
    """The sample with other values and, for the action plan, lists of other lengths."""
    record = copy.deepcopy(sample(f"{kind}.json"))
    record["mentor"]["name"] = "Zoë O'Neill & Sons <Ltd>"
    if kind == "action_plan":
        record["goals"][0]["activities"] = record["goals"][0]["activities"][:1]
        record["goals"].append(copy.deepcopy(record["goals"][0]))
    else:
        record.pop("boundaries", None)
    return record


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_a_fresh_fill_reads_from_the_pieces_learnt_from_another(kind: str) -> None:
    from mentoring_docs.docx import fastscan

    fastscan.forget()
    compiled = compile_template(kind)
    first = body(compiled.render(load(kind, sample(f"{kind}.json"))))
    assert fastscan._known_controls(first) is None  # nothing learnt yet
    fastscan.scan(first.encode("utf-8"))  # the whole scan, which only notes the start
    assert fastscan._known_controls(first) is None
    fastscan.scan(first.encode("utf-8"))  # read again: the pieces are worked out and learnt
    assert fastscan._known_controls(first) is not None
    blob = compiled.render(load(kind, _other_record(kind)))
    text = body(blob)
    known = fastscan._known_controls(text)
    assert known is not None
    fastscan.forget()
    whole = fastscan.scan(text.encode("utf-8"))
    assert _controls(known) == _controls(whole)
    fastscan.scan(first.encode("utf-8"))
    fastscan.scan(first.encode("utf-8"))
    fast, careful = both(blob)
    assert fast is not None and fast == careful
    assert forms.read(blob, name="x.docx").data == dict(load(kind, _other_record(kind)))


def _swap_start_and_end(text: str) -> str:
    """The end piece where the start was, and the other way round: known pieces, in the wrong places."""
    first = text.index("<w:sdt>")
    last = text.rindex("</w:sdt>") + len("</w:sdt>")
    return text[last:] + text[first:last] + text[:first]


def _second_root(text: str) -> str:
    return text + "<w:document/>"


def _root_closed_between(text: str) -> str:
    """A piece between two controls that closes the root and opens it again."""
    first_end = text.index("</w:sdt>") + len("</w:sdt>")
    return text[:first_end] + "</w:p></w:body></w:document><w:document><w:body><w:p>" + text[first_end:]


PIECE_CHANGES = {
    "a comment between controls": lambda t: t.replace("</w:sdt>", "</w:sdt><!-- x -->", 1),
    "a processing instruction between controls": lambda t: t.replace("</w:sdt>", "</w:sdt><?x y?>", 1),
    "a row with attributes": lambda t: t.replace("<w:tr>", '<w:tr w:rsidR="00AB12CD">', 1),
    "a namespace bound inside a control": lambda t: t.replace(
        "<w:sdtPr>", '<w:sdtPr><w:rPr><w:noProof xmlns:w="urn:other"/></w:rPr>', 1),
    "a carriage return in a value": lambda t: t.replace(">Northwind", ">North\rwind", 1),
    "a paragraph left open": lambda t: t.replace("</w:sdt>", "</w:sdt><w:p>", 1),
    "a paragraph closed twice": lambda t: t.replace("</w:sdt></w:p>", "</w:sdt></w:p></w:p>", 1),
    "the end cut off": lambda t: t[:t.rindex("</w:sdt>") + len("</w:sdt>")],
    "the start and the end swapped": _swap_start_and_end,
    "a second root": _second_root,
    "the root closed between controls": _root_closed_between,
    "an empty row inside a control": lambda t: t.replace("<w:sdtPr>", "<w:sdtPr><w:rPr><w:tr/></w:rPr>", 1),
}


@pytest.mark.parametrize("change", sorted(PIECE_CHANGES))
def test_changed_pieces_step_aside_and_read_as_the_careful_reading_does(change: str) -> None:
    from mentoring_docs.docx import fastscan

    record = copy.deepcopy(sample("agreement.json"))
    blob = compile_template("agreement").render(load("agreement", record))
    fastscan.forget()
    reader.read_form(blob, name="form.docx")
    reader.read_form(blob, name="form.docx")  # read again: learns the pieces of this template
    assert fastscan._known_controls(body(blob)) is not None
    text = PIECE_CHANGES[change](body(blob))
    assert text != body(blob)
    # scan() refuses a carriage return before it looks at the pieces
    assert "\r" in text or fastscan._known_controls(text) is None
    changed = ours(blob, text.encode("utf-8"))
    careful = careful_or_refused(changed, text.encode("utf-8"))
    if careful is None:
        return
    assert reader.read_form(changed, name="form.docx") == careful


def test_a_piece_that_is_not_sound_on_its_own_is_not_learnt() -> None:
    from mentoring_docs.docx import fastscan

    assert fastscan._piece("</w:p><w:p>", "between") is not None
    assert fastscan._piece("</w:p><w:p a='1'>", "between") is None  # single quotes: not ours
    assert fastscan._piece("</w:p>&nbsp;<w:p>", "between") is None  # an entity XML does not define
    assert fastscan._piece("</w:p><w:p>\x01", "between") is None  # a character XML forbids
    assert fastscan._piece("</w:p></w:q>", "between") is not None  # closes two elements around it
    assert fastscan._piece("<w:p></w:q>", "between") is None  # closes what it did not open
    assert fastscan._piece("<w:document><w:body></w:body></w:document><w:p>", "start") is None
    assert fastscan._piece("text<w:document><w:body><w:p>", "start") is None
    assert fastscan._piece("</w:p></w:body></w:document> ", "end") is not None
    assert fastscan._piece("</w:p></w:body></w:document>x", "end") is None
    assert fastscan._piece("</w:p></w:body></w:document><w:x/>", "end") is None
