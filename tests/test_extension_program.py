"""A program with three questions of its own, end to end: batch from a roster with the question
columns, pairs answer in Word and in a PDF viewer (pdftk), ``track``, and the answers are in the
tracker's JSON and XLSX."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import lxml.html
import openpyxl
from click.testing import CliRunner

from mentoring_docs.cli import main
from tools import require

import docx_helpers as dh

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FIELDS = str(SAMPLES / "program-questions.json")

ROSTER = [
    ["agreement_id", "mentor.name", "mentee.name", "timeframe.start_date", "timeframe.end_date",
     "Site", "Cohort", "action_plan.program_questions.budget_approved"],
    ["MPA-1", "Priya Raman", "Daniel Okafor", "2026-01-12", "2026-07-10", "Leeds", "Spring 2026", ""],
    ["MPA-2", "José Álvarez", "Zoë Müller", "2026-01-12", "2026-07-10", "Łódź", "autumn", "yes"],
]


def xfdf(values: dict[str, str]) -> str:
    fields = "".join(f'<field name="{k}"><value>{v}</value></field>' for k, v in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>'


def test_a_program_with_its_own_questions_end_to_end(tmp_path: Path) -> None:
    pdftk = require("pdftk")
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(ROSTER)
    issued = tmp_path / "issued"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(roster), "-o", str(issued), "--fields", FIELDS, "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    folders = {row["agreement_id"]: issued / row["folder"]
               for row in csv.DictReader((issued / "manifest.csv").open(encoding="utf-8-sig"))}

    # A roster without the extension does not know the question columns.
    refused = runner.invoke(main, ["batch", str(roster), "-o", str(tmp_path / "no"), "-q"])
    assert refused.exit_code == 1 and "unknown column 'Site'" in refused.output

    returned = tmp_path / "returned"
    returned.mkdir()
    # Pair 1 answers in Word: changes the site and approves the budget.
    word = folders["MPA-1"]

    def agreement(root):  # noqa: ANN001, ANN202 - lxml element
        dh.set_text(dh.control(root, "program_questions.site"), "Leeds, Wellington Place")

    def plan(root):  # noqa: ANN001, ANN202
        dh.set_text(dh.control(root, "program_questions.budget_approved"), "Yes")

    (returned / "1").mkdir()
    (returned / "1" / "agreement.docx").write_bytes(dh.edit_document((word / "agreement.docx").read_bytes(), agreement))
    (returned / "1" / "action-plan.docx").write_bytes(
        dh.edit_document((word / "action-plan.docx").read_bytes(), plan))
    # Pair 2 answers the PDF forms in a viewer (pdftk): moves to the spring cohort, budget not approved.
    (returned / "2").mkdir()
    for name, values in (("agreement", {"program_questions.cohort": "spring"}),
                         ("action-plan", {"program_questions.budget_approved": "no"})):
        answers = tmp_path / f"{name}.xfdf"
        answers.write_text(xfdf(values), encoding="utf-8")
        subprocess.run([pdftk, str(folders["MPA-2"] / f"{name}.pdf"), "fill_form", str(answers), "output",
                        str(returned / "2" / f"{name}.pdf")], check=True, capture_output=True, timeout=120)

    out = tmp_path / "tracker.json"
    result = runner.invoke(main, ["track", str(returned), "-o", str(out), "--fields", FIELDS, "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    tracker = json.loads(out.read_text(encoding="utf-8"))
    answers = [(q["pair"], q["document"], q["question"], q["answer"], q["checked"]) for q in tracker["questions"]]
    assert answers == [
        ("MPA-2", "agreement", "program_questions.site", "Łódź", True),
        ("MPA-2", "agreement", "program_questions.cohort", "Spring 2026", True),
        ("MPA-2", "action_plan", "program_questions.budget_approved", "No", True),
        ("MPA-1", "agreement", "program_questions.site", "Leeds, Wellington Place", True),
        ("MPA-1", "agreement", "program_questions.cohort", "Spring 2026", True),
        ("MPA-1", "action_plan", "program_questions.budget_approved", "Yes", True),
    ]
    assert tracker["problems"] == []

    xlsx = tmp_path / "tracker.xlsx"
    result = runner.invoke(main, ["track", str(returned), "-o", str(xlsx), "--fields", FIELDS, "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Pairs", "Activities", "Reviews", "Competencies", "Questions", "Problems", "Documents", "Programs",
                               "Alerts"]
    sheet = book["Questions"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = cells[0]
    assert header[:8] == ["Pair", "Mentor", "Mentee", "Document", "Question", "Label", "Answer", "Checked"]
    body = {(r[0], r[4]): r[6] for r in cells[1:]}
    assert body[("MPA-1", "program_questions.site")] == "Leeds, Wellington Place"
    assert body[("MPA-2", "program_questions.cohort")] == "Spring 2026"
    assert body[("MPA-1", "program_questions.budget_approved")] == "Yes"

    # The web page has a table of the answers; the manager's view says who answered, not what.
    for audience in ("coordinator", "manager"):
        page = tmp_path / f"tracker-{audience}.html"
        result = runner.invoke(main, ["track", str(returned), "-o", str(page), "--fields", FIELDS,
                                      "--as-of", "2026-03-02", "--audience", audience])
        assert result.exit_code == 0, result.output
        (section,) = lxml.html.fromstring(page.read_bytes()).xpath('//section[h2="Program questions"]')
        header = [th.text_content() for th in section.xpath(".//thead//th")]
        rows = [[td.text_content() for td in tr.xpath("td")] for tr in section.xpath(".//tbody/tr")]
        assert len(rows) == 6
        if audience == "coordinator":
            assert header[:8] == ["Pair", "Mentor", "Mentee", "Document", "Question", "Label", "Answer", "Checked"]
            shown = {(r[0], r[4]): r[6] for r in rows}
            assert shown[("MPA-1", "program_questions.site")] == "Leeds, Wellington Place"
            assert shown[("MPA-2", "program_questions.site")] == "Łódź"
            assert shown[("MPA-2", "program_questions.budget_approved")] == "No"
        else:
            assert "Answer" not in header and header[:5] == ["Pair", "Mentor", "Mentee", "Document", "Question"]
            assert "Leeds" not in section.text_content() and "Łódź" not in section.text_content()

    # Without --fields the answers are still there, as the text the forms hold, unchecked.
    result = runner.invoke(main, ["track", str(returned), "-o", str(tmp_path / "plain.json"), "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    plain = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    assert [(q["pair"], q["question"], q["answer"], q["checked"]) for q in plain["questions"]][:3] == [
        ("MPA-2", "program_questions.site", "Łódź", False),
        ("MPA-2", "program_questions.cohort", "spring", False),
        ("MPA-2", "program_questions.budget_approved", "no", False),
    ]
