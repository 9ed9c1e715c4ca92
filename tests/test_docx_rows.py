"""Rows the pair adds or deletes in Word read back as list items, wherever the list is.

Rows are added the way Word does it: a copied table row keeps its controls' tags
(now naming the wrong index) and loses its bookmarks; a repeating-section item
added with Word's "+" button is a copy of the item. Indices come from the order
of the rows, never from the tags.
"""

from __future__ import annotations

import copy
import datetime as dt

from conftest import sample
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template

import docx_helpers as dh


def read(blob: bytes) -> dict:
    result = forms.read(blob, name="rows.docx")
    assert result.problems == []
    return result.data


def set_date(sdt: etree._Element, iso: str) -> None:
    """Pick a date in a date picker, as Word stores it."""
    dh.set_text(sdt, iso)
    sdt.find("w:sdtPr/w:date", dh.NS).set(dh.q("w:fullDate"), iso + "T00:00:00Z")


def agreement() -> dict:
    return load("agreement", sample("agreement.json"))


def milestone_rows(root: etree._Element) -> list[etree._Element]:
    names = root.xpath('//w:sdt[starts-with(w:sdtPr/w:tag/@w:val, "timeframe.milestones.")]'
                       '[substring(w:sdtPr/w:tag/@w:val, string-length(w:sdtPr/w:tag/@w:val) - 4) = ".name"]',
                       namespaces=dh.NS)
    return [dh.row_of(n) for n in names]


def test_a_copied_milestone_row_is_a_new_milestone() -> None:
    record = agreement()
    count = len(record["timeframe"]["milestones"])

    def add_row(root):
        last = milestone_rows(root)[count - 1]
        twin = dh.copy_row_as_word_does(last)
        controls = twin.xpath(".//w:sdt", namespaces=dh.NS)
        dh.set_text(controls[0], "Team offsite 海外")
        set_date(controls[1], "2026-11-20")

    data = read(dh.edit_document(compile_template("agreement").render(record), add_row))
    expected = copy.deepcopy(record)
    expected["timeframe"]["milestones"].append({"name": "Team offsite 海外", "date": dt.date(2026, 11, 20)})
    assert data == expected


def test_a_deleted_row_is_gone_and_the_rest_close_up() -> None:
    record = agreement()
    assert len(record["timeframe"]["milestones"]) >= 2

    def delete_first(root):
        row = milestone_rows(root)[0]
        row.getparent().remove(row)

    data = read(dh.edit_document(compile_template("agreement").render(record), delete_first))
    expected = copy.deepcopy(record)
    del expected["timeframe"]["milestones"][0]
    assert data == expected


def test_rows_added_to_a_list_of_text() -> None:
    raw = sample("agreement-minimal.json")
    raw["goals"] = {"short_term": ["Ship the dashboard", "Learn dbt"]}
    record = load("agreement", raw)

    def add(root):
        twin = dh.copy_row_as_word_does(dh.row_of(dh.control(root, "goals.short_term.0")))
        dh.set_text(twin.xpath(".//w:sdt", namespaces=dh.NS)[0], "Pair with the platform team")

    data = read(dh.edit_document(compile_template("agreement").render(record), add))
    assert data["goals"]["short_term"] == ["Ship the dashboard", "Pair with the platform team", "Learn dbt"]


def plan() -> dict:
    raw = sample("action_plan.json")
    assert len(raw["goals"]) >= 2, "the sample should have two goals for these tests"
    return load("action_plan", raw)


def test_objective_and_activity_rows_added_and_deleted_inside_goals() -> None:
    record = plan()

    def edit(root):
        # Goal 1: copy its first objective row and type a new objective.
        twin = dh.copy_row_as_word_does(dh.row_of(dh.control(root, "goals.1.objectives.0")))
        dh.set_text(twin.xpath(".//w:sdt", namespaces=dh.NS)[0], "New objective")
        # Goal 0: delete its first activity row, and duplicate its last one unchanged.
        first = dh.row_of(dh.control(root, "goals.0.activities.0.description"))
        last_index = len(record["goals"][0]["activities"]) - 1
        last = dh.row_of(dh.control(root, f"goals.0.activities.{last_index}.description"))
        dh.copy_row_as_word_does(last)
        first.getparent().remove(first)

    data = read(dh.edit_document(compile_template("action_plan").render(record), edit))
    expected = copy.deepcopy(record)
    expected["goals"][1].setdefault("objectives", []).insert(1, "New objective")
    activities = expected["goals"][0]["activities"]
    activities.append(copy.deepcopy(activities[-1]))
    del activities[0]
    assert data == expected


def goal_block(root: etree._Element, index: int) -> list[etree._Element]:
    """The body elements of goal ``index``: from its table to its activities table."""
    body = root.find("w:body", dh.NS)
    title = dh.control(root, f"goals.{index}.title")
    first = next(a for a in title.iterancestors() if a.getparent() is body)
    activity = dh.control(root, f"goals.{index}.activities.0.description")
    last = next(a for a in activity.iterancestors() if a.getparent() is body)
    out = [first]
    while out[-1] is not last:
        out.append(out[-1].getnext())
    return out


def test_a_copied_goal_block_is_a_new_goal_and_a_deleted_one_is_gone() -> None:
    record = plan()
    last = len(record["goals"]) - 1

    def edit(root):
        # Copy the last goal's block to the end, as select-copy-paste does (with a paragraph between).
        block = goal_block(root, last)
        anchor = etree.Element(dh.q("w:p"))
        block[-1].addnext(anchor)
        for node in block:
            twin = copy.deepcopy(node)
            for mark in twin.xpath(".//w:bookmarkStart | .//w:bookmarkEnd", namespaces=dh.NS):
                mark.getparent().remove(mark)
            anchor.addnext(twin)
            anchor = twin
        # Then delete the first goal entirely.
        for node in goal_block(root, 0):
            node.getparent().remove(node)

    data = read(dh.edit_document(compile_template("action_plan").render(record), edit))
    expected = copy.deepcopy(record)
    expected["goals"].append(copy.deepcopy(expected["goals"][last]))
    del expected["goals"][0]
    assert data == expected


def repeating_milestones_template() -> bytes:
    """The built-in agreement with its milestone rows in a Word repeating section.

    This is what an HR person gets by selecting the rows in Word and inserting a
    repeating section content control around them.
    """
    def wrap(root):
        rows = milestone_rows(root)
        section = etree.Element(dh.q("w:sdt"))
        pr = etree.SubElement(section, dh.q("w:sdtPr"))
        etree.SubElement(pr, dh.q("w:id")).set(dh.q("w:val"), "77")
        etree.SubElement(pr, dh.q("w15:repeatingSection"))
        content = etree.SubElement(section, dh.q("w:sdtContent"))
        rows[0].addprevious(section)
        for number, row in enumerate(rows):
            item = etree.SubElement(content, dh.q("w:sdt"))
            item_pr = etree.SubElement(item, dh.q("w:sdtPr"))
            etree.SubElement(item_pr, dh.q("w:id")).set(dh.q("w:val"), str(78 + number))
            etree.SubElement(item_pr, dh.q("w15:repeatingSectionItem"))
            etree.SubElement(item, dh.q("w:sdtContent")).append(row)

    return dh.edit_document(blank_template("agreement"), wrap)


def test_a_repeating_section_item_added_with_the_plus_button() -> None:
    record = agreement()
    blob = compile_template("agreement", repeating_milestones_template()).render(record)
    root = dh.document(blob)
    items = root.xpath("//w:sdt[w:sdtPr/w15:repeatingSectionItem]", namespaces=dh.NS)
    assert len(items) == max(3, len(record["timeframe"]["milestones"]))
    ids = root.xpath("//w:sdtPr/w:id/@w:val", namespaces=dh.NS)
    assert len(ids) == len(set(ids))
    assert read(blob) == record

    def plus(root):
        item = root.xpath("//w:sdt[w:sdtPr/w15:repeatingSectionItem]", namespaces=dh.NS)[0]
        twin = copy.deepcopy(item)
        for mark in twin.xpath(".//w:bookmarkStart | .//w:bookmarkEnd", namespaces=dh.NS):
            mark.getparent().remove(mark)
        for number, node in enumerate(twin.xpath(".//w:sdtPr/w:id", namespaces=dh.NS)):
            node.set(dh.q("w:val"), str(5000 + number))
        item.addnext(twin)
        dh.set_text(twin.xpath(".//w:sdt[w:sdtPr/w:tag]", namespaces=dh.NS)[0], "Added with plus")

    data = read(dh.edit_document(blob, plus))
    expected = copy.deepcopy(record)
    expected["timeframe"]["milestones"].insert(1, {**record["timeframe"]["milestones"][0], "name": "Added with plus"})
    assert data == expected
