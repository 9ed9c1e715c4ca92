"""Reading real files into the tracker: damaged and foreign files, encrypted PDFs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mentoring_docs import Filler, load, track
from mentoring_docs.errors import Problem
from mentoring_docs.tracking import read_document

AS_OF = dt.date(2026, 3, 2)
START, END = "2026-01-12", "2026-07-10"


def test_read_document_never_raises(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello, not a form")
    outcome = read_document(junk)
    assert isinstance(outcome, Problem)
    assert (outcome.file, outcome.category, outcome.path) == (str(junk), "unreadable", "")
    assert "not a Word (.docx) or PDF file" in outcome.message
    gone = read_document(tmp_path / "gone.docx")
    assert isinstance(gone, Problem) and "cannot read the file" in gone.message


def test_encrypted_pdfs_are_read_with_the_programs_password(tmp_path: Path) -> None:
    record = load("agreement", {"agreement_id": "MPA-X", "mentor": {"name": "Ana Lima"}, "mentee": {"name": "Kofi Mensah"},
                                "timeframe": {"start_date": START, "end_date": END}})
    Filler("agreement", "pdf", password="s3cret").fill(record, tmp_path / "secret.pdf")
    locked = track([tmp_path], as_of=AS_OF)
    problem = locked.problems[0]
    assert len(locked.problems) == 1 and problem.category == "unreadable"
    assert locked.pairs == [] and problem.file == str(tmp_path / "secret.pdf") and "encrypted" in problem.problem
    opened = track([tmp_path], as_of=AS_OF, password="s3cret")
    assert [(p.pair, p.mentee, p.agreement_returned) for p in opened.pairs] == [("MPA-X", "Kofi Mensah", True)]
    assert opened.problems == []
