"""Filling and reading PDF forms: whatever a record holds, it reads back exactly."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from hypothesis import given, settings

from mentoring_docs import DataError, load
from mentoring_docs.pdf import compile_template
from mentoring_docs.pdf.rows import ROWS
from pdfutil import fill, read, sample, sample_with, stored
from strategies import records

# Random text holds unassigned code points no font has: the fill says so (tested in
# test_pdf_scripts); here only the values matter.
pytestmark = pytest.mark.filterwarnings("ignore::mentoring_docs.errors.MissingGlyphsWarning")

COMPILED = {kind: compile_template(kind) for kind in ("agreement", "action_plan")}

TRICKY = "(unbalanced ( paren) \\ back\\slash \\n not a newline <&> {{ jinja }} {% if %} \"quotes\" 'x'"


@given(records("agreement", ROWS["agreement"]))
def test_agreement_round_trip(record):
    result = read(COMPILED["agreement"].render(record))
    assert result.problems == []
    assert result.kind == "agreement"
    assert result.data == record


@given(records("action_plan", ROWS["action_plan"]))
def test_action_plan_round_trip(record):
    result = read(COMPILED["action_plan"].render(record))
    assert result.problems == []
    assert result.kind == "action_plan"
    assert result.data == record


A4 = {kind: compile_template(kind, paper="a4") for kind in ("agreement", "action_plan")}


@settings(max_examples=30)
@given(records("agreement", ROWS["agreement"]), records("action_plan", ROWS["action_plan"]))
def test_a4_forms_round_trip(agreement, plan):
    for kind, record in (("agreement", agreement), ("action_plan", plan)):
        result = read(A4[kind].render(record))
        assert (result.problems, result.kind, result.data) == ([], kind, record)


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_samples_round_trip(kind):
    record = sample(kind)
    assert read(fill(kind, record)).data == record


def test_safe_with_any_text():
    record = load("agreement", {
        "mentor": {"name": TRICKY},
        "mentee": {"name": "王芳 · مرحبا · Ωμέγα · Жанна · 😀 · e\u0301"},
        "purpose": "first line\nsecond (line)\n\n\tindented \\ end\n" + TRICKY,
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
        "goals": {"top": ["  leading and trailing spaces  ", "\u00a0nbsp", "x" * 5000]},
    })
    blob = fill("agreement", record)
    assert read(blob).data == record
    # The values sit in the file as PDF strings (in its compressed object streams), never as raw
    # markup or template text.
    assert b"{{ jinja }}" in stored(blob) and b"\\(unbalanced \\( paren\\)" in stored(blob)


def test_line_breaks_from_other_programs_read_as_newlines():
    # Acrobat stores line breaks in multi-line fields as CR; records use "\n".
    from mentoring_docs.pdf.filler import compile_form

    form = compile_form("agreement", None)
    blob = form.render_values({"mentor.name": "A", "mentee.name": "B", "timeframe.start_date": "2026-01-01",
                               "timeframe.end_date": "2026-02-01", "purpose": "one\rtwo\r\nthree"})
    assert read(blob).data["purpose"] == "one\ntwo\nthree"


def test_more_items_than_rows_is_an_error_naming_the_list_and_limit():
    record = sample("action_plan")
    goal = dict(record["goals"][0])
    goal["activities"] = [{"description": f"activity {i}"} for i in range(7)]
    record["goals"] = [goal]
    record["reviews"] = [{"date": dt.date(2026, 1, 1)}] * 8
    with pytest.raises(DataError) as info:
        fill("action_plan", load("action_plan", record))
    paths = {p.path: p.message for p in info.value.problems}
    assert paths.keys() == {"goals.0.activities", "reviews"}
    assert "room for 5" in paths["goals.0.activities"] and "has 7" in paths["goals.0.activities"]
    assert "room for 6" in paths["reviews"]


def test_empty_fields_stay_empty_and_minimal_records_read_back():
    record = load("agreement", {"mentor": {"name": "Ana"}, "mentee": {"name": "Ben"},
                                "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}})
    assert read(fill("agreement", record)).data == record


def test_invalid_values_typed_into_the_form_are_reported_not_dropped():
    from mentoring_docs.pdf.filler import compile_form

    blob = compile_form("agreement", None).render_values({
        "mentor.name": "A", "mentee.name": "B", "timeframe.start_date": "next Tuesday",
        "timeframe.end_date": "2026-07-10", "meetings.duration_minutes": "ninety",
        "meetings.frequency": "fortnightly"})
    result = read(blob)
    paths = {p.path for p in result.problems}
    assert {"timeframe.start_date", "meetings.duration_minutes", "meetings.frequency"} <= paths
    assert any("next Tuesday" in p.message for p in result.problems)



def _appearance(blob: bytes, name: str) -> bytes:
    """The normal appearance stream of the (single-widget) field with this full name."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        stack = [(field, "") for field in pdf.Root.AcroForm.Fields]
        while stack:
            node, prefix = stack.pop()
            full = prefix + str(node.T) if "/T" in node else prefix.rstrip(".")
            if full == name:
                return bytes(node.AP.N.read_bytes())
            stack.extend((kid, full + ".") for kid in node.get("/Kids", []))
    raise AssertionError(f"no field {name}")


def test_an_appearance_drawn_for_an_earlier_document_is_reused_only_for_the_same_value():
    # The compiled form keeps the appearances it drew; a later document with the same
    # value gets the same bytes, and one with another value is drawn anew.
    form = compile_template("agreement")
    ana = sample_with("agreement", {"mentor.name": "Ana Lima"})
    bo = sample_with("agreement", {"mentor.name": "Bo Chen"})
    first, other, again = (form.render(record) for record in (ana, bo, ana))
    assert _appearance(first, "mentor.name") == _appearance(again, "mentor.name")
    assert _appearance(other, "mentor.name") != _appearance(first, "mentor.name")
    assert read(other).data["mentor"]["name"] == "Bo Chen"
    assert read(again).data["mentor"]["name"] == "Ana Lima"
