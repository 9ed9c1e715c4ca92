"""Rows added and deleted in Word, then re-saved by LibreOffice, read back with nothing lost.

A row copied in Word keeps its controls' tags but not their bookmarks (bookmark
names are unique). LibreOffice then drops every tag, so the copy's controls
carry no name at all; an editor that copies the bookmarks too gets them renamed
by LibreOffice (``..._Copy_1``). The reader places such controls from the
layout: the row of the same table that looks the same. What it cannot place, or
a second answer to a single field, is reported as a problem, never dropped.

Every case is read before and after the re-save: both must give the expected data.
All files go through one soffice run per filter.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from conftest import sample
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import compile_template

import docx_helpers as dh

FILTERS = ("MS Word 2007 XML", "Office Open XML Text")


def one_activity_plan() -> dict:
    """One goal with one activity, as in the bug report."""
    raw = sample("action_plan.json")
    goal = raw["goals"][0]
    goal["activities"] = [dict(goal["activities"][0], description="first")]
    raw["goals"] = [goal]
    return load("action_plan", raw)


def plan() -> dict:
    return load("action_plan", sample("action_plan.json"))


def agreement() -> dict:
    return load("agreement", sample("agreement.json"))


def first_text_control(row: etree._Element) -> etree._Element:
    """The first plain text (not date, choice or checkbox) control of a row."""
    return row.xpath(".//w:sdt[not(w:sdtPr/w:date or w:sdtPr/w:dropDownList or w:sdtPr/w14:checkbox)]",
                     namespaces=dh.NS)[0]


def copy_row(tag: str, typed: tuple[str | None, ...] = (None,), keep_bookmarks: bool = False) -> Callable:
    """An edit copying the row of the control tagged ``tag`` once per ``typed`` entry, typing it into each copy."""
    def edit(root: etree._Element) -> None:
        row = anchor = dh.row_of(dh.control(root, tag))
        for text in typed:
            if keep_bookmarks:
                twin = copy.deepcopy(row)
                anchor.addnext(twin)
            else:
                twin = dh.copy_row_as_word_does(anchor)  # a paste after the last copy
            anchor = twin
            if text is not None:
                dh.set_text(first_text_control(twin), text)
    return edit


def delete_row(tag: str) -> Callable:
    def edit(root: etree._Element) -> None:
        row = dh.row_of(dh.control(root, tag))
        row.getparent().remove(row)
    return edit


@dataclass
class Case:
    kind: str
    record: dict
    edit: Callable[[etree._Element], None]
    expect: Callable[[dict], None]          # changes a copy of ``record`` into the expected data
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, text in the message)


def activities(rec: dict, *descriptions: str) -> None:
    acts = rec["goals"][0]["activities"]
    acts[1:1] = [dict(acts[0], description=d) for d in descriptions]


def milestones(rec: dict) -> None:
    ms = rec["timeframe"]["milestones"]
    ms.insert(1, dict(ms[0], name="Team offsite 海外 <b>"))


def reviews(rec: dict) -> None:
    rv = rec["reviews"]
    rv.insert(2, dict(rv[1], objective="Added review\nsecond line"))


def unchanged(rec: dict) -> None:
    pass


CASES: dict[str, Case] = {
    # The bug report: one goal, one activity, its row copied and typed over.
    "activity": Case("action_plan", one_activity_plan(), copy_row("goals.0.activities.0.description",
                                                                  ("second (copied row)",)),
                     lambda r: activities(r, "second (copied row)")),
    "activity-untouched-copy": Case("action_plan", one_activity_plan(),
                                    copy_row("goals.0.activities.0.description"),
                                    lambda r: activities(r, "first")),
    "activity-two-copies": Case("action_plan", one_activity_plan(),
                                copy_row("goals.0.activities.0.description", ("copy one", "copy two")),
                                lambda r: activities(r, "copy one", "copy two")),
    "activity-copied-with-bookmarks": Case("action_plan", one_activity_plan(),
                                           copy_row("goals.0.activities.0.description", ("bookmarked copy",),
                                                    keep_bookmarks=True),
                                           lambda r: activities(r, "bookmarked copy")),
    "milestone": Case("agreement", agreement(), copy_row("timeframe.milestones.0.name", ("Team offsite 海外 <b>",)),
                      milestones),
    "review": Case("action_plan", plan(), copy_row("reviews.1.objective", ("Added review\nsecond line",)), reviews),
    "objective": Case("action_plan", plan(), copy_row("goals.1.objectives.0", ("A new objective",)),
                      lambda r: r["goals"][1]["objectives"].insert(1, "A new objective")),
    # A goal has one title: a second one in the goal's table is reported, the goal stays whole.
    "goal-top-row": Case("action_plan", plan(), copy_row("goals.0.title", ("Another title",)), unchanged,
                         [("goals.0.title", "'Another title' was not")]),
    "goal-top-row-untouched": Case("action_plan", plan(), copy_row("goals.0.title"), unchanged),
    # Single fields copied and changed: the second answer is reported.
    "mentor-row": Case("agreement", agreement(), copy_row("mentor.name", ("Somebody Else",)), unchanged,
                       [("mentor.name", "'Somebody Else' was not")]),
    "deleted-activity": Case("action_plan", plan(), delete_row("goals.0.activities.1.description"),
                             lambda r: r["goals"][0]["activities"].pop(1)),
    "deleted-review": Case("action_plan", plan(), delete_row("reviews.0.date"), lambda r: r["reviews"].pop(0)),
}


def no_model_left(root: etree._Element) -> None:
    """Copy a milestone row, then delete every other milestone row: nothing shows what the copy is."""
    count = len(root.xpath('//w:sdt[w:sdtPr/w:tag[starts-with(@w:val, "timeframe.milestones.")]]',
                           namespaces=dh.NS)) // 2
    twin = dh.copy_row_as_word_does(dh.row_of(dh.control(root, "timeframe.milestones.0.name")))
    dh.set_text(first_text_control(twin), "Only the copy is left")
    for i in range(count):
        row = dh.row_of(dh.control(root, f"timeframe.milestones.{i}.name"))
        row.getparent().remove(row)


@pytest.fixture(scope="module", params=FILTERS)
def resaved(request, tmp_path_factory) -> dict[str, tuple[bytes, Path]]:
    """Each case's edited file, and the same file re-saved by LibreOffice with one DOCX filter."""
    folder = tmp_path_factory.mktemp("rows")
    edited = {}
    for name, case in {**CASES, "no-model": Case("agreement", agreement(), no_model_left, unchanged)}.items():
        blob = dh.edit_document(compile_template(case.kind).render(case.record), case.edit)
        (folder / f"{name}.docx").write_bytes(blob)
        edited[name] = blob
    out = dh.libreoffice_resave([folder / f"{n}.docx" for n in edited], folder / "out",
                                tmp_path_factory.mktemp("profile"), request.param)
    return {p.stem: (edited[p.stem], p) for p in out}


@pytest.mark.parametrize("name", list(CASES))
def test_rows_added_or_deleted_then_resaved_read_back(resaved, name: str) -> None:
    case = CASES[name]
    expected = copy.deepcopy(case.record)
    case.expect(expected)
    before, after = resaved[name]
    root = dh.document(after.read_bytes())
    assert root.xpath("//w:sdtPr/w:tag", namespaces=dh.NS) == []  # LibreOffice dropped every tag
    for label, result in (("as edited", forms.read(before, name=f"{name}.docx")), ("re-saved", forms.read(after))):
        assert result.data == expected, label
        found = [(p.path, p.message) for p in result.problems]
        assert len(found) == len(case.problems), (label, found)
        for (path, message), (want_path, want_text) in zip(found, case.problems):
            assert path == want_path and want_text in message, (label, found)


def test_a_pasted_row_that_nothing_explains_is_reported_with_its_text(resaved) -> None:
    before, after = resaved["no-model"]
    result = forms.read(after)
    assert result.data["timeframe"].get("milestones", []) == []
    assert [p.path for p in result.problems] == [""]
    message = result.problems[0].message
    assert "'Only the copy is left'" in message and "not read" in message
    # While Word's tags were still there, the copy read as the only milestone.
    assert [m["name"] for m in forms.read(before, name="x.docx").data["timeframe"]["milestones"]] == [
        "Only the copy is left"]


def test_the_copy_s_date_survives_too(resaved) -> None:
    """The copied row's date picker and drop-downs (which lose every mark in LibreOffice) read back."""
    _, after = resaved["activity"]
    copied = forms.read(after).data["goals"][0]["activities"][1]
    assert copied["target_date"] == dt.date(2026, 1, 30)
    assert copied["status"] == "completed" and copied["kind"] == "learning_by_doing"
