"""Reading what people leave in the controls: prompts, answers, ticks, picks and typed dates."""

from __future__ import annotations

import copy

from conftest import sample
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import compile_template, read_form

import docx_helpers as dh


def minimal() -> dict:
    return load("agreement", sample("agreement-minimal.json"))


def edited(change) -> forms.ReadResult:
    blob = dh.edit_document(compile_template("agreement").render(minimal()), change)
    return forms.read(blob, name="edited.docx")


def test_text_typed_over_a_prompt_in_libreoffice_is_an_answer() -> None:
    """LibreOffice keeps the placeholder flag and grey style on text typed over a prompt."""
    def type_keeping_flag(root):
        sdt = dh.control(root, "purpose")
        sdt.xpath(".//w:t", namespaces=dh.NS)[0].text = "To grow into a team lead"

    result = edited(type_keeping_flag)
    assert result.data["purpose"] == "To grow into a team lead"


def test_a_control_emptied_in_word_shows_words_default_prompt_and_reads_empty() -> None:
    def clear(root):
        sdt = dh.control(root, "mentee.name")
        dh.set_text(sdt, "Click or tap here to enter text.")
        etree.SubElement(sdt.find("w:sdtPr", dh.NS), dh.q("w:showingPlcHdr"))

    result = edited(clear)
    assert "name" not in result.data["mentee"]
    assert [p.path for p in result.problems] == ["mentee.name"]  # required, so reported


def paragraph_block(root, path: str, count: int) -> list:
    """Turn ``path``'s control into a block of ``count`` empty paragraphs, as pressing Enter in
    a rich-text control in Word does; the paragraphs, to fill."""
    sdt = dh.control(root, path)
    paragraph = next(sdt.iterancestors(dh.q("w:p")))
    block = etree.Element(dh.q("w:sdt"))
    block.append(copy.deepcopy(sdt.find("w:sdtPr", dh.NS)))
    block.find("w:sdtPr", dh.NS).remove(block.find("w:sdtPr/w:showingPlcHdr", dh.NS))
    content = etree.SubElement(block, dh.q("w:sdtContent"))
    paragraph.addprevious(block)
    paragraph.getparent().remove(paragraph)
    return [etree.SubElement(content, dh.q("w:p")) for _ in range(count)]


def test_a_control_grown_to_several_paragraphs_reads_as_lines() -> None:
    """Pressing Enter in a rich-text control in Word makes it a block of paragraphs."""
    def paragraphs(root):
        lines = ("First paragraph", "Second paragraph")
        for p, line in zip(paragraph_block(root, "purpose", len(lines)), lines):
            etree.SubElement(etree.SubElement(p, dh.q("w:r")), dh.q("w:t")).text = line

    assert edited(paragraphs).data["purpose"] == "First paragraph\nSecond paragraph"


def test_choices_ticks_and_dates_picked_in_word() -> None:
    def pick(root):
        frequency = dh.control(root, "meetings.frequency")
        dh.set_text(frequency, "Every two weeks")
        box = dh.control(root, "focus.areas.networking")
        box.find("w:sdtPr/w14:checkbox/w14:checked", dh.NS).set(dh.q("w14:val"), "1")
        box.xpath(".//w:t", namespaces=dh.NS)[0].text = "\u2612"
        end = dh.control(root, "signatures.mentee.date")
        dh.set_text(end, "2026-02-03")
        end.find("w:sdtPr/w:date", dh.NS).set(dh.q("w:fullDate"), "2026-02-03T00:00:00Z")

    result = edited(pick)
    assert result.problems == []
    assert result.data["meetings"]["frequency"] == "biweekly"
    assert result.data["focus"]["areas"] == ["networking"]
    assert result.data["signatures"]["mentee"]["date"].isoformat() == "2026-02-03"


def test_an_answer_that_is_not_a_choice_is_reported_with_its_text() -> None:
    def type_other(root):
        dh.set_text(dh.control(root, "meetings.format"), "carrier pigeon")

    result = edited(type_other)
    assert [p.path for p in result.problems] == ["meetings.format"]
    assert "carrier pigeon" in result.problems[0].message


def test_raw_values_keep_the_text_as_typed() -> None:
    def spaces(root):
        dh.set_text(dh.control(root, "meetings.day_time"), "  Tuesdays\t4 PM  ")

    blob = dh.edit_document(compile_template("agreement").render(minimal()), spaces)
    kind, raw, problems = read_form(blob, name="x.docx")
    assert problems == []
    assert kind == "agreement"
    assert raw["meetings.day_time"] == "  Tuesdays\t4 PM  "
    assert raw["purpose"] is None and raw["focus.areas.networking"] is False


def test_drop_down_items_moved_in_one_form_still_read_right() -> None:
    """The reader remembers where each drop-down's items sat in earlier forms; a form whose items moved must not fool it."""
    first = forms.read(compile_template("agreement").render(minimal()), name="first.docx")
    assert first.problems == []

    def pick_and_reverse(root):
        frequency = dh.control(root, "meetings.frequency")
        dh.set_text(frequency, "Every two weeks")
        choices = frequency.find("w:sdtPr/w:dropDownList", dh.NS)
        items = list(choices)
        for item in items:
            choices.remove(item)
        for item in reversed(items):
            choices.append(item)

    for _ in range(2):  # the second read finds the hint left by the first
        assert edited(pick_and_reverse).data["meetings"]["frequency"] == "biweekly"

    def relabel(root):
        frequency = dh.control(root, "meetings.frequency")
        dh.set_text(frequency, "Every two weeks")
        for item in frequency.find("w:sdtPr/w:dropDownList", dh.NS):
            if item.get(dh.q("w:value")) == "biweekly":
                item.set(dh.q("w:value"), "weekly")  # same text, another value: the document decides
    assert edited(relabel).data["meetings"]["frequency"] == "weekly"


def test_tab_stops_of_a_paragraph_in_a_control_are_not_tabs_in_its_text() -> None:
    """Word writes a paragraph's tab stops as ``w:pPr/w:tabs/w:tab``, the same name as a typed tab."""
    def paragraphs_with_tab_stops(root):
        lines = (("Lead", "the team"), ("Grow", ""))
        for p, (before, after) in zip(paragraph_block(root, "purpose", len(lines)), lines):
            stops = etree.SubElement(etree.SubElement(p, dh.q("w:pPr")), dh.q("w:tabs"))
            etree.SubElement(stops, dh.q("w:tab"), {dh.q("w:val"): "left", dh.q("w:pos"): "1440"})
            run = etree.SubElement(p, dh.q("w:r"))
            etree.SubElement(run, dh.q("w:t")).text = before
            if after:
                etree.SubElement(run, dh.q("w:tab"))
                etree.SubElement(run, dh.q("w:t")).text = after

    result = edited(paragraphs_with_tab_stops)
    assert result.data["purpose"] == "Lead\tthe team\nGrow"
