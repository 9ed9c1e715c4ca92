"""Field extensions from files and forms nobody on the team wrote: the extension a form keeps is
bounded and checked (an over-long or malformed definition is a problem, never a crash), extension
files are read like every other input (regular files only, bounded), and the tracker's questions
table follows the manager's view and the CSV formula guard."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from pathlib import Path
import pikepdf
import pytest

import mentoring_docs as md
from mentoring_docs.csv_guard import unguard
from mentoring_docs.extension import load_extension, parse_extension
from mentoring_docs.limits import MAX_EXTENSION_BYTES, MAX_EXTENSION_DEFINITION_CHARS
from mentoring_docs.pdf.extension_info import DEFINITION_KEY, ID_KEY
from extension_support import every_kind

EXT = every_kind()
AGREEMENT = {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
             "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
             "program_questions": {"site": "Lyon", "remote": "no"}}

#: Definitions a hostile form may keep, each with the words its problem must use.
BAD_DEFINITIONS = {
    "over-long": ("x" * (MAX_EXTENSION_DEFINITION_CHARS + 1), "100,001"),
    "nested 40,000 deep": ("[" * 40_000 + "]" * 40_000, "damaged"),
    "not JSON": ('{"id": "every-kind", "fields": [', "damaged"),
    "altered (digest differs)": (EXT.definition.replace('"Site"', '"Sight"'), "damaged"),
    "a huge integer": ('{"id": "every-kind", "fields": [' + "9" * 50_000 + "]}", "damaged"),
}


def _pdf_with(definition: pikepdf.Object) -> bytes:
    form = pikepdf.open(io.BytesIO(md.Filler("agreement", "pdf", extension=EXT).render(AGREEMENT)))
    form.docinfo[DEFINITION_KEY] = definition
    out = io.BytesIO()
    form.save(out)
    return out.getvalue()


def _docx_with(definition: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(md.Filler("agreement", "docx", extension=EXT).render(AGREEMENT)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if re.fullmatch(r"customXml/item\d+\.xml", info.filename) and b"<extension " in data:
                data, count = re.subn(rb"(<extension [^>]*>)[^<]*(</extension>)",
                                      lambda m: m.group(1) + html.escape(definition).encode() + m.group(2), data)
                assert count == 1
            target.writestr(info, data)
    return out.getvalue()


def _extension_problem(result: md.ReadResult) -> str:
    found = [p.message for p in result.problems if p.path == "program_questions"]
    assert len(found) == 1, result.problems
    return found[0]


@pytest.mark.parametrize("case", sorted(BAD_DEFINITIONS))
def test_a_bad_definition_in_a_pdf_form_is_a_problem_and_the_answers_stay(case: str) -> None:
    definition, words = BAD_DEFINITIONS[case]
    blob = _pdf_with(pikepdf.String(definition))
    for given in (None, EXT):
        result = md.read(blob, extension=given)
        message = _extension_problem(result)
        assert words in message and "'every-kind'" in message and len(message) < 300, message
        assert result.extension is None and result.made_with is None
        assert result.data["mentor"] == {"name": "Ana Lima"}
        # Nothing typed it, so the answers are the text the form holds.
        assert result.data["program_questions"] == {"site": "Lyon", "remote": "no"}


def test_a_definition_that_is_not_text_or_has_a_huge_id_is_a_problem() -> None:
    result = md.read(_pdf_with(pikepdf.Dictionary(A=1)))
    assert "not text" in _extension_problem(result)
    form = pikepdf.open(io.BytesIO(_pdf_with(pikepdf.String(EXT.definition))))
    form.docinfo[ID_KEY] = pikepdf.String("i" * 1_000_000)
    out = io.BytesIO()
    form.save(out)
    message = _extension_problem(md.read(out.getvalue(), extension=EXT))
    assert "damaged" in message and len(message) < 300


@pytest.mark.parametrize("case", sorted(BAD_DEFINITIONS))
def test_a_bad_definition_in_a_word_form_is_a_problem_and_no_answer_is_dropped(case: str) -> None:
    definition, words = BAD_DEFINITIONS[case]
    result = md.read(_docx_with(definition), extension=EXT)
    message = _extension_problem(result)
    assert words in message and "'every-kind'" in message and len(message) < 300, message
    assert result.data["mentor"] == {"name": "Ana Lima"}
    # The Word reader cannot place controls it has no field for: each answer is a problem quoting it.
    quoted = " ".join(p.message for p in result.problems)
    assert "'Lyon'" in quoted and "'No'" in quoted


def test_an_extension_too_long_to_keep_in_a_form_is_refused_when_loaded() -> None:
    long_help = "h" * 999
    fields = [{"document": "both", "path": f"program_questions.q{i}", "label": f"Question {i}", "help": long_help,
               "kind": "text"} for i in range(120)]
    with pytest.raises(md.DataError) as info:
        parse_extension({"id": "big", "fields": fields})
    (problem,) = info.value.problems
    assert problem.message.startswith("too large to keep in a form: its definition is 1")
    assert problem.message.endswith(f"characters long; at most {MAX_EXTENSION_DEFINITION_CHARS:,} are allowed")
    assert len(parse_extension({"id": "big", "fields": fields[:80]}).questions) == 80  # under the limit: fine


def test_extension_files_are_regular_files_within_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "fields.json"
    os.mkfifo(fifo)
    with pytest.raises(md.MentoringDocsError, match="pipe"):
        load_extension(fifo)  # returns at once: a FIFO is never opened for reading
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_EXTENSION_BYTES + 1))
    with pytest.raises(md.MentoringDocsError, match="too large"):
        load_extension(big)
    with pytest.raises(md.MentoringDocsError, match="device"):
        load_extension("/dev/zero")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(md.DataError, match="deep"):
        load_extension(deep)


def _returned(tmp_path: Path) -> Path:
    """Two pairs' PDF agreements with answers; the second keeps its partnership private."""
    folder = tmp_path / "returned"
    folder.mkdir()
    filler = md.Filler("agreement", "pdf", extension=EXT)
    open_pair = {**AGREEMENT, "agreement_id": "MPA-1",
                 "program_questions": {"site": "=HYPERLINK(\"http://x\")", "story": "Met;=1+1", "remote": "yes"}}
    private = {**AGREEMENT, "agreement_id": "MPA-2", "mentor": {"name": "Cy Dunn"}, "mentee": {"name": "Di Eze"},
               "confidentiality": {"level": "private"}, "program_questions": {"site": "Oslo"}}
    filler.fill(open_pair, folder / "one.pdf")
    filler.fill(private, folder / "two.pdf")
    return folder


def test_the_manager_view_has_no_answers_and_no_question_rows_of_private_pairs(tmp_path: Path) -> None:
    tracker = md.track([_returned(tmp_path)], extension=EXT)
    answers = {(q.pair, q.question): q.answer for q in tracker.questions}
    assert answers[("MPA-1", "program_questions.site")] == '=HYPERLINK("http://x")'
    assert answers[("MPA-2", "program_questions.site")] == "Oslo"
    manager = tracker.for_audience("manager")
    assert {q.pair for q in manager.questions} == {"MPA-1"}
    assert [q.answer for q in manager.questions] == [None] * len(manager.questions)
    assert {q.question for q in manager.questions} == {q.question for q in tracker.questions if q.pair == "MPA-1"}
    written = manager.write(tmp_path / "manager.json")
    text = written[0].read_text(encoding="utf-8")
    assert "HYPERLINK" not in text and "Oslo" not in text and "Met;" not in text


def test_the_questions_csv_holds_no_formula(tmp_path: Path) -> None:
    tracker = md.track([_returned(tmp_path)], extension=EXT)
    tracker.write(tmp_path / "tracker.csv")
    with (tmp_path / "tracker-questions.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = {row["question"]: row["answer"] for row in rows if row["pair"] == "MPA-1"}
    assert cells["program_questions.site"] == "'=HYPERLINK(\"http://x\")"
    assert cells["program_questions.story"] == "Met;'=1+1"
    assert unguard(cells["program_questions.story"]) == "Met;=1+1"
    assert all(not cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row.values())
