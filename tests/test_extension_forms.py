"""Word and PDF forms with a field extension: every kind of question reads back exactly, also after
LibreOffice and pdftk, and a form read without (or with another) extension says so instead of dropping values."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import mentoring_docs as md
from mentoring_docs.docx import compile_template as compile_docx
from mentoring_docs.extension import parse_extension
from mentoring_docs.pdf import compile_template as compile_pdf
from mentoring_docs.pdf.rows import rows
from strategies import records
from tools import require

import docx_helpers as dh
from extension_support import EVERY_KIND, every_kind, with_id

# Hypothesis draws code points no installed font has; the PDF filler warns about each (see test_pdf_scripts).
pytestmark = pytest.mark.filterwarnings("ignore::mentoring_docs.errors.MissingGlyphsWarning")

EXT = every_kind()
KINDS = ("agreement", "action_plan")
WORD = {kind: compile_docx(kind, extension=EXT) for kind in KINDS}
PDF = {kind: compile_pdf(kind, extension=EXT) for kind in KINDS}

ANSWERS = {"site": "Lyon <&> {{ x }}", "story": "Met at a meetup.\nThen again.", "dates": {"kickoff": "2026-02-03"},
           "team_size": 12, "budget": 1500.5, "remote": "no", "track": "data", "topics": ["writing", "hiring"],
           "books": ["Dune", "Middlemarch"]}
AGREEMENT = {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
             "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}, "program_questions": ANSWERS}


def _reads_back(data: Any) -> None:
    for compiled in (WORD[data.kind], PDF[data.kind]):
        result = md.read(compiled.render(data), extension=EXT)
        assert result.problems == [] and result.notes == []
        assert result.data == data
        assert result.made_with == EXT.identity and result.extension == EXT


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("agreement", rows("agreement", EXT), EXT))
def test_any_agreement_with_questions_of_every_kind_reads_back_from_word_and_pdf(data: Any) -> None:
    _reads_back(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("action_plan", rows("action_plan", EXT), EXT))
def test_any_action_plan_with_questions_of_every_kind_reads_back_from_word_and_pdf(data: Any) -> None:
    _reads_back(data)


def test_the_forms_show_the_program_questions_section(tmp_path: Path) -> None:
    pdftotext = require("pdftotext")
    soffice = require("soffice")
    record = md.load("agreement", AGREEMENT, extension=EXT)
    word = tmp_path / "agreement.docx"
    word.write_bytes(WORD["agreement"].render(record))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "word"), str(word)], check=True, capture_output=True,
                   timeout=240)
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(PDF["agreement"].render(record))
    for printed in (tmp_path / "word" / "agreement.pdf", pdf):
        text = subprocess.run([pdftotext, "-layout", str(printed), "-"], check=True, capture_output=True,
                              text=True).stdout
        section = text[text.index("Program questions"):text.index("Signatures")]
        for shown in ("Site", "Lyon <&> {{ x }}", "Dates", "2026-02-03", "Team size", "12", "1500.5",
                      "Data & AI", "Writing", "Hiring", "Dune", "Middlemarch"):
            assert shown in section, (printed.name, shown)


def test_a_form_read_without_its_extension_gives_the_answers_as_text_with_a_note() -> None:
    record = md.load("agreement", AGREEMENT, extension=EXT)
    for compiled in (WORD["agreement"], PDF["agreement"]):
        result = md.read(compiled.render(record))
        assert result.problems == []
        assert result.notes == [f"made with the field extension 'every-kind' (digest {EXT.digest}): its program "
                                "questions are read as text; give that extension (--fields) to read and check them"]
        assert result.data["program_questions"] == {
            "site": "Lyon <&> {{ x }}", "story": "Met at a meetup.\nThen again.", "dates": {"kickoff": "2026-02-03"},
            "team_size": "12", "budget": "1500.5", "remote": "no", "track": "data",
            "topics": {"writing": "yes", "hiring": "yes"}, "books": ["Dune", "Middlemarch"]}
        assert result.data["mentee"] == {"name": "Ben Okafor"}
        assert '"site": "Lyon <&> {{ x }}"' in result.to_json()


def test_a_form_read_with_another_extension_says_so_and_keeps_the_answers() -> None:
    record = md.load("agreement", AGREEMENT, extension=EXT)
    other = parse_extension(with_id(EVERY_KIND, "another-program"))
    for compiled in (WORD["agreement"], PDF["agreement"]):
        result = md.read(compiled.render(record), extension=other)
        assert [str(p) for p in result.problems] == [
            f"program_questions: this form was made with the field extension 'every-kind' (digest {EXT.digest}), "
            f"not with 'another-program' (digest {other.digest}); its program questions are read as text"]
        assert result.data["program_questions"]["site"] == "Lyon <&> {{ x }}"
        assert result.made_with == EXT.identity and result.extension is None


def test_a_form_without_questions_read_with_an_extension_notes_it() -> None:
    result = md.read(md.Filler("agreement", "pdf").render(md.load("agreement", {
        k: v for k, v in AGREEMENT.items() if k != "program_questions"})), extension=EXT)
    assert result.problems == [] and "program_questions" not in result.data
    assert result.notes == ["made without a field extension: it has none of the program questions of 'every-kind'"]


def test_filling_checks_the_questions_and_the_pdf_rows() -> None:
    filler = md.Filler("agreement", "pdf", extension=EXT)
    with pytest.raises(md.DataError) as info:
        filler.render({**AGREEMENT, "program_questions": {**ANSWERS, "books": ["a", "b", "c"]}})
    assert [str(p) for p in info.value.problems] == [
        "program_questions.books: the PDF form has room for 2 items; this record has 3"]
    # The Word form grows its list.
    word = md.Filler("agreement", "docx", extension=EXT)
    data = {**AGREEMENT, "program_questions": {**ANSWERS, "books": ["a", "b", "c"]}}
    assert md.read(word.render(data), extension=EXT).data["program_questions"]["books"] == ["a", "b", "c"]


def test_word_form_completed_in_word_and_saved_by_libreoffice_reads_back_exactly(tmp_path: Path) -> None:
    require("soffice")
    blank = md.load("agreement", {**AGREEMENT, "program_questions": {"site": "Lyon"}}, extension=EXT)
    form = WORD["agreement"].render(blank)

    def answer(root: Any) -> None:
        dh.set_text(dh.control(root, "program_questions.story"), "Line one\nLine two")
        dh.set_text(dh.control(root, "program_questions.team_size"), "7")
        dh.set_text(dh.control(root, "program_questions.budget"), "99.5")
        dh.set_text(dh.control(root, "program_questions.remote"), "Yes")
        dh.set_text(dh.control(root, "program_questions.track"), "Data & AI")
        dh.set_text(dh.control(root, "program_questions.dates.kickoff"), "2026-03-04")
        dh.set_text(dh.control(root, "program_questions.books.0"), "Dune")

    edited = tmp_path / "agreement.docx"
    edited.write_bytes(dh.edit_document(form, answer))
    resaved = dh.libreoffice_resave([edited], tmp_path / "lo", tmp_path / "profile")[0]
    expected = {"site": "Lyon", "story": "Line one\nLine two", "team_size": 7, "budget": 99.5, "remote": "yes",
                "track": "data", "dates": {"kickoff": dt.date(2026, 3, 4)}, "books": ["Dune"]}
    for path in (edited, resaved):
        result = md.read(path, extension=EXT)
        assert result.problems == [], path
        assert result.data["program_questions"] == expected
        assert result.made_with == EXT.identity


def test_pdf_form_filled_by_pdftk_reads_back_exactly(tmp_path: Path) -> None:
    pdftk = require("pdftk")
    form = tmp_path / "plan.pdf"
    form.write_bytes(PDF["action_plan"].render(md.load("action_plan", {
        "mentor": {"name": "Ana"}, "mentee": {"name": "Ben"}, "program_questions": {"site": "Lyon"}}, extension=EXT)))
    values = {"program_questions.story": "Fête <b>\nsecond", "program_questions.team_size": "40",
              "program_questions.budget": "0.25", "program_questions.remote": "yes", "program_questions.track":
              "engineering", "program_questions.topics.hiring": "Yes", "program_questions.books.1": "Ωmega",
              "program_questions.dates.kickoff": "2026-12-31"}
    fields = "".join(f'<field name="{k}"><value>{v.replace("&", "&amp;").replace("<", "&lt;")}</value></field>'
                     for k, v in values.items())
    xfdf = tmp_path / "answers.xfdf"
    xfdf.write_text(f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>'
                    f"{fields}</fields></xfdf>", encoding="utf-8")
    filled = tmp_path / "filled.pdf"
    subprocess.run([pdftk, str(form), "fill_form", str(xfdf), "output", str(filled)], check=True,
                   capture_output=True, timeout=120)
    result = md.read(filled, extension=EXT)
    assert result.problems == []
    assert result.made_with == EXT.identity  # pdftk keeps the document information
    assert result.data["program_questions"] == {
        "site": "Lyon", "story": "Fête <b>\nsecond", "team_size": 40, "budget": 0.25, "remote": "yes",
        "track": "engineering", "topics": ["hiring"], "books": ["Ωmega"], "dates": {"kickoff": dt.date(2026, 12, 31)}}
