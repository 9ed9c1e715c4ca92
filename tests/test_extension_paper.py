"""A program's own questions on A4 as well as Letter: the blank forms generated on demand for a field
extension honour ``paper`` (PDF laid out on the A4 page, Word setting it), carry the extension, and
read back exactly; the command line takes ``--paper`` and ``--fields`` together."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

import docx_helpers as dh
import mentoring_docs as md
from mentoring_docs import forms
from mentoring_docs.cli import main
from mentoring_docs.pdf.extension_info import DEFINITION_KEY
from extension_support import every_kind
from tools import require

pytestmark = pytest.mark.filterwarnings("ignore::mentoring_docs.errors.MissingGlyphsWarning")

EXT = every_kind()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
AGREEMENT = {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
             "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
             "program_questions": {"site": "Lyon", "story": "Met at a meetup.\nThen again.",
                                   "dates": {"kickoff": "2026-02-03"}, "team_size": 12, "remote": "no",
                                   "track": "data", "topics": ["writing", "hiring"], "books": ["Dune"]}}
A4 = [0, 0, 595.28, 841.89]
LETTER = [0, 0, 612.0, 792.0]


def _mediaboxes(blob: bytes) -> list[list[float]]:
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        return [[round(float(v), 2) for v in page.mediabox] for page in pdf.pages]


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_the_generated_blank_pdf_form_of_an_extension_is_laid_out_for_the_paper(kind: str) -> None:
    letter = forms.blank_template(kind, "pdf", "letter", extension=EXT)
    a4 = forms.blank_template(kind, "pdf", "a4", extension=EXT)
    assert set(map(tuple, _mediaboxes(letter))) == {tuple(LETTER)}
    assert set(map(tuple, _mediaboxes(a4))) == {tuple(A4)}
    for blob in (letter, a4):
        with pikepdf.open(io.BytesIO(blob)) as pdf:
            assert str(pdf.docinfo[DEFINITION_KEY]) == EXT.definition
            names = {str(f.T) for f in pdf.Root.AcroForm.Fields}
        assert "program_questions" in names
    # Without the extension the committed A4 form is used, without the questions.
    with pikepdf.open(io.BytesIO(forms.blank_template(kind, "pdf", "a4"))) as pdf:
        assert "program_questions" not in {str(f.T) for f in pdf.Root.AcroForm.Fields}


def test_an_a4_extension_form_reads_back_exactly_in_both_formats() -> None:
    record = md.load("agreement", AGREEMENT, extension=EXT)
    pdf = md.Filler("agreement", "pdf", paper="a4", extension=EXT).render(record)
    assert set(map(tuple, _mediaboxes(pdf))) == {tuple(A4)}
    word = md.Filler("agreement", "docx", paper="a4", extension=EXT).render(record)
    size = dh.document(word).find(".//w:sectPr/w:pgSz", dh.NS)
    assert (size.get(f"{{{dh.NS['w']}}}w"), size.get(f"{{{dh.NS['w']}}}h")) == ("11906", "16838")
    for blob in (pdf, word):
        result = md.read(blob, extension=EXT)
        assert result.problems == [] and result.notes == []
        assert result.data == record


def test_the_command_line_takes_paper_and_fields_together(tmp_path: Path) -> None:
    pdftotext = require("pdftotext")
    runner = CliRunner()
    fields = str(SAMPLES / "program-questions.json")
    out = tmp_path / "agreement-a4.pdf"
    done = runner.invoke(main, ["template", "agreement", "--format", "pdf", "--paper", "a4", "--fields", fields,
                                "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert set(map(tuple, _mediaboxes(out.read_bytes()))) == {tuple(A4)}
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "Program questions" in text and "Site" in text


def test_batch_on_a4_with_program_questions(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("agreement_id,mentor.name,mentee.name,timeframe.start_date,timeframe.end_date,Site,Cohort\n"
                      "MPA-1,Priya Raman,Daniel Okafor,2026-01-12,2026-07-10,Leeds,Spring 2026\n", encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["batch", str(roster), "-o", str(out), "--paper", "a4", "--fields",
                                     str(SAMPLES / "program-questions.json"), "-j", "1", "-q"])
    assert done.exit_code == 0, done.output
    (agreement,) = out.glob("*/agreement.pdf")
    assert set(map(tuple, _mediaboxes(agreement.read_bytes()))) == {tuple(A4)}
    result = md.read(agreement, extension=SAMPLES / "program-questions.json")
    assert result.problems == []
    assert result.data["program_questions"]["site"] == "Leeds"
