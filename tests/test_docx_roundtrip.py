"""Filling a Word form and reading it back gives the same record, for any valid record."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from conftest import sample
from hypothesis import given, settings
from strategies import records

from mentoring_docs import forms, load
from mentoring_docs.catalogue import catalogue, parse_flat
from mentoring_docs.docx import compile_template, read_form
from mentoring_docs.docx.controls import content_text

import docx_helpers as dh

TRICKY = "<b>&amp; \"quoted\" 'single' {{ 7*7 }} {% if x %}{% endif %} \\ 王芳 مرحبا 😀\tafter a tab"
TRICKY_LONG = "  leading spaces\nsecond line with <tags> & {{ jinja }}\n\nafter a blank line\t\tend  "


def read_back(kind: str, blob: bytes) -> dict:
    result = forms.read(blob, name="roundtrip.docx")
    assert result.kind == kind
    assert result.problems == []
    return result.data


@given(records("agreement"))
def test_any_agreement_reads_back(record: dict) -> None:
    assert read_back("agreement", compile_template("agreement").render(record)) == record


@given(records("action_plan"))
def test_any_action_plan_reads_back(record: dict) -> None:
    assert read_back("action_plan", compile_template("action_plan").render(record)) == record


@settings(max_examples=30)
@given(records("agreement"), records("action_plan"))
def test_a4_forms_read_back(agreement: dict, plan: dict) -> None:
    for kind, record in (("agreement", agreement), ("action_plan", plan)):
        assert read_back(kind, compile_template(kind, paper="a4").render(record)) == record


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_the_samples_use_every_field(kind: str) -> None:
    # The README promises it, and the forms, renders and benchmarks rely on it.
    # A checkbox group counts as used when one of its boxes is ticked.
    cat = catalogue(kind)
    fields = [cat.lookup(p) for p in load(kind, sample(f"{kind}.json")).flat]
    used = {fd.set_path or fd.path for fd in fields if fd is not None}
    assert sorted({fd.set_path or fd.path for fd in cat.fields} - used) == []


@pytest.mark.parametrize("kind, name", [
    ("agreement", "agreement.json"), ("agreement", "agreement-minimal.json"), ("action_plan", "action_plan.json"),
])
def test_samples_read_back(kind: str, name: str) -> None:
    record = load(kind, sample(name))
    assert read_back(kind, compile_template(kind).render(record)) == record


def tricky_agreement() -> dict:
    """The complete sample with markup, template syntax, many scripts, tabs and line breaks in it."""
    raw = sample("agreement.json")
    raw["mentee"]["name"] = TRICKY
    raw["program"]["name"] = "{{ program }} & <Partners>"
    raw["purpose"] = TRICKY_LONG
    raw["roles"]["clarifications"] = "مرحبا بكم\n欢迎\n😀 emoji line"
    raw["goals"]["top"] = ["{% for x in y %}loop{% endfor %}", "  spaced  ", "\ttabbed"]
    raw["timeframe"]["milestones"][0]["name"] = "Review <Q3> & \"launch\""
    return load("agreement", raw)


def test_markup_template_syntax_and_scripts_arrive_literally() -> None:
    record = tricky_agreement()
    blob = compile_template("agreement").render(record)
    assert read_back("agreement", blob) == record
    root = dh.document(blob)
    name = dh.control(root, "mentee.name")
    assert content_text(name.find("w:sdtContent", dh.NS)) == TRICKY  # nothing evaluated: 7*7 is still 7*7
    assert "{{ 7*7 }}" in "".join(name.itertext()) and "49" not in "".join(name.itertext())
    # Line breaks and tabs are Word's own elements, not characters in the text.
    purpose = dh.control(root, "purpose")
    assert len(purpose.findall(".//w:br", dh.NS)) == TRICKY_LONG.count("\n")
    assert len(purpose.findall(".//w:tab", dh.NS)) == TRICKY_LONG.count("\t")


def test_a_character_xml_cannot_hold_is_refused_with_its_path() -> None:
    record = copy.deepcopy(load("agreement", sample("agreement-minimal.json")))
    record["purpose"] = "bell \x07 here"
    with pytest.raises(Exception) as caught:
        compile_template("agreement").render(record)
    assert "purpose" in str(caught.value) and "U+0007" in str(caught.value)


def test_empty_fields_show_their_prompt_and_filled_ones_do_not() -> None:
    record = load("agreement", sample("agreement-minimal.json"))
    root = dh.document(compile_template("agreement").render(record))
    filled = dh.control(root, "mentee.name")
    empty = dh.control(root, "purpose")
    assert filled.find("w:sdtPr/w:showingPlcHdr", dh.NS) is None
    assert empty.find("w:sdtPr/w:showingPlcHdr", dh.NS) is not None
    prompt = catalogue("agreement").field("purpose").help
    assert "".join(empty.itertext()) == prompt
    assert empty.find(".//w:rStyle", dh.NS).get(dh.q("w:val")) == "PlaceholderText"
    assert filled.find(".//w:rStyle", dh.NS) is None


def test_every_kind_of_control_holds_its_value() -> None:
    record = load("agreement", sample("agreement.json"))
    root = dh.document(compile_template("agreement").render(record))
    start = dh.control(root, "timeframe.start_date")
    date = start.find("w:sdtPr/w:date", dh.NS)
    assert date.get(dh.q("w:fullDate")) == record["timeframe"]["start_date"].isoformat() + "T00:00:00Z"
    assert "".join(start.itertext()) == record["timeframe"]["start_date"].isoformat()
    frequency = dh.control(root, "meetings.frequency")
    items = {i.get(dh.q("w:value")): i.get(dh.q("w:displayText"))
             for i in frequency.findall("w:sdtPr/w:dropDownList/w:listItem", dh.NS)}
    assert "".join(frequency.itertext()) == items[record["meetings"]["frequency"]]
    for area in ("technical_skills", "multitasking", "new_ideas", "career_path", "networking", "confidence"):
        box = dh.control(root, f"focus.areas.{area}")
        checked = box.find("w:sdtPr/w14:checkbox/w14:checked", dh.NS).get(dh.q("w14:val"))
        assert checked == ("1" if area in record["focus"]["areas"] else "0")
        assert "".join(box.itertext()) == ("\u2612" if area in record["focus"]["areas"] else "\u2610")


def test_partial_data_leaves_the_rest_editable() -> None:
    record = load("agreement", sample("agreement-minimal.json"))
    blob = compile_template("agreement").render(record)
    kind, raw, found = read_form(blob, name="partial.docx")
    assert found == []
    filled = {path for path, value in raw.items() if value not in (None, False)}
    data, problems = parse_flat(kind, raw)
    assert problems == [] and data == record
    # Every field is still there to be filled in, lists with their blank rows.
    assert len(raw) > len(filled) + 50


def test_more_rows_than_the_template_shows_are_added() -> None:
    raw = sample("agreement-minimal.json")
    raw["timeframe"]["milestones"] = [{"name": f"Milestone {i}", "date": f"2026-0{i}-01"} for i in range(1, 8)]
    record = load("agreement", raw)
    blob = compile_template("agreement").render(record)
    assert read_back("agreement", blob) == record
    root = dh.document(blob)
    assert len(root.xpath('//w:sdt[starts-with(w:sdtPr/w:tag/@w:val, "timeframe.milestones.")]', namespaces=dh.NS)) == 14


def test_dates_typed_in_words_and_bad_dates_are_reported_not_dropped() -> None:
    record = load("agreement", sample("agreement-minimal.json"))

    def type_dates(root):
        start = dh.control(root, "timeframe.start_date")
        start.find("w:sdtPr/w:date", dh.NS).attrib.pop(dh.q("w:fullDate"))
        dh.set_text(start, "4 March 2026")
        dh.set_text(dh.control(root, "timeframe.midpoint_check"), "next Tuesday")

    blob = dh.edit_document(compile_template("agreement").render(record), type_dates)
    result = forms.read(blob, name="typed.docx")
    assert result.data["timeframe"]["start_date"] == dt.date(2026, 3, 4)
    assert [p.path for p in result.problems] == ["timeframe.midpoint_check"]
    assert "next Tuesday" in result.problems[0].message
