"""Each tracker output opened with the real library that reads it: openpyxl, csv, json, html.parser."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mentoring_docs.cli import main
from mentoring_docs.errors import MentoringDocsError, OutputExistsError, Problem
from mentoring_docs.tracking import TABLES, Tracker, build
from mentoring_docs.tracking.tables import columns
from test_track import AS_OF, T0, agreement, doc, plan

EVIL = '<script>alert("x")</script> & {{ 7*7 }}'


@pytest.fixture()
def tracker() -> Tracker:
    tricky = plan(agreement_id="MPA-2", mentor={"name": EVIL}, mentee={"name": "=HYPERLINK(\"http://x\")"})
    tricky["goals"][0]["activities"][1]["description"] = "Line one\nline two — 王芳 😀"
    return build([
        doc("ret/a.docx", "agreement", agreement()),
        doc("ret/p.pdf", "action_plan", plan(), problems=(Problem("goals.0.target_date", "not a date: 'soon'"),)),
        doc("ret/evil.docx", "action_plan", tricky, modified=T0 + dt.timedelta(hours=5)),
    ], as_of=AS_OF, unreadable=[Problem("", "damaged", file="ret/broken.pdf", category="unreadable")])


def test_xlsx_sheets_types_and_layout(tracker: Tracker, tmp_path: Path) -> None:
    out = tmp_path / "tracker.xlsx"
    assert tracker.write(out) == [out]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Pairs", "Activities", "Reviews", "Competencies", "Questions", "Problems", "Documents",
                               "Programs",
                               "Alerts"]
    for name in TABLES:
        sheet = book[name.capitalize()]
        cols = columns(name)
        assert [c.value for c in sheet[1]] == [meta["label"] for _, meta in cols]
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(cols))}{sheet.max_row}"
        assert sheet.max_row == len(getattr(tracker, name)) + 1
        for j, (attr, meta) in enumerate(cols, start=1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(j)].width
            assert 8 <= width <= 60
    pairs = book["Pairs"]
    header = [c.value for c in pairs[1]]
    rows = [{h: c for h, c in zip(header, r)} for r in pairs.iter_rows(min_row=2)]
    by_pair = {r["Pair"].value: r for r in rows}
    row = by_pair["MPA-1"]
    assert row["Start"].value == dt.datetime(2026, 1, 12) and row["Start"].is_date
    assert row["Start"].number_format == "yyyy-mm-dd"
    assert row["Days to end"].value == 130 and row["Days to end"].data_type == "n"
    assert row["Signed by mentor"].value is True and row["Signed by coordinator"].value is False
    assert row["Progress"].value == pytest.approx(1 / 7) and row["Progress"].number_format == "0%"
    assert row["Problems"].value == 1
    assert by_pair["MPA-2"]["Start"].value is None
    evil = by_pair["MPA-2"]
    assert evil["Mentee"].value == '=HYPERLINK("http://x")' and evil["Mentee"].data_type == "s"
    assert evil["Mentor"].value == EVIL
    acts = book["Activities"]
    head = [c.value for c in acts[1]]
    statuses = [dict(zip(head, (c.value for c in r)))["Status"] for r in acts.iter_rows(min_row=2)]
    assert "In progress" in statuses and "in_progress" not in statuses  # labels for people
    texts = [c.value for r in acts.iter_rows(min_row=2) for c in r]
    assert "Line one\nline two — 王芳 😀" in texts
    docs = book["Documents"]
    assert docs.cell(row=2, column=5).is_date and docs.cell(row=2, column=5).number_format == "yyyy-mm-dd hh:mm"
    assert docs.column_dimensions["I"].width == 40  # a SHA-256 (64 characters) is capped
    assert acts.column_dimensions["D"].width == len("Goal no.") + 2  # fitted to the header when values are short
    assert acts.column_dimensions["B"].width == 40  # a 45-character name is capped


def test_csv_one_file_per_table(tracker: Tracker, tmp_path: Path) -> None:
    out = tmp_path / "tracker.csv"
    written = tracker.write(out)
    assert [p.name for p in written] == [
        "tracker.csv", "tracker-activities.csv", "tracker-reviews.csv", "tracker-competencies.csv",
        "tracker-questions.csv", "tracker-problems.csv", "tracker-documents.csv", "tracker-programs.csv",
        "tracker-alerts.csv"]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [name for name, _ in columns("pairs")]
    by_pair = {r["pair"]: r for r in rows}
    assert by_pair["MPA-1"]["start"] == "2026-01-12" and by_pair["MPA-1"]["signed_mentor"] == "true"
    assert by_pair["MPA-1"]["days_to_end"] == "130" and by_pair["MPA-1"]["goals"] == "3"
    assert by_pair["MPA-2"]["mentee"] == "'=HYPERLINK(\"http://x\")"  # not a formula in a spreadsheet
    assert by_pair["MPA-2"]["mentor"] == EVIL and by_pair["MPA-2"]["start"] == ""
    with (tmp_path / "tracker-activities.csv").open(encoding="utf-8-sig", newline="") as handle:
        acts = list(csv.DictReader(handle))
    assert {a["status"] for a in acts} == {"completed", "in_progress", "not_started", "deferred"}
    assert "Line one\nline two — 王芳 😀" in {a["description"] for a in acts}
    with (tmp_path / "tracker-problems.csv").open(encoding="utf-8-sig", newline="") as handle:
        problems = list(csv.DictReader(handle))
    assert [(p["file"], p["category"], p["path"]) for p in problems] == [
        ("ret/broken.pdf", "unreadable", ""), ("ret/p.pdf", "invalid", "goals.0.target_date")]


def test_json_one_object_with_the_tables(tracker: Tracker, tmp_path: Path) -> None:
    out = tmp_path / "tracker.json"
    tracker.write(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["as_of", "average_competency_change", *TABLES]
    assert data["as_of"] == "2026-03-02"
    # Both plans rate the same three competencies: +2, -1 and one not yet rated at the end, twice over.
    assert data["average_competency_change"] == 0.5
    assert [(c["name"], c["baseline"], c["final"], c["change"]) for c in data["competencies"]][:3] == [
        ("Data modelling", 2, 4, 2), ("Presenting", 3, 2, -1), ("Negotiating", 1, None, None)]
    pair = next(p for p in data["pairs"] if p["pair"] == "MPA-1")
    assert pair["start"] == "2026-01-12" and pair["days_to_end"] == 130 and pair["signed_coordinator"] is False
    assert pair["progress"] == pytest.approx(1 / 7) and pair["next_target"] == "2026-03-02"
    evil = next(p for p in data["pairs"] if p["pair"] == "MPA-2")
    assert evil["mentee"] == '=HYPERLINK("http://x")'  # JSON keeps values untouched
    assert data["documents"][0]["modified"].startswith("2026-02-01T")
    assert len(data["activities"]) == len(tracker.activities)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def test_html_is_self_contained_and_escapes_form_values(tracker: Tracker, tmp_path: Path) -> None:
    out = tmp_path / "tracker.html"
    tracker.write(out)
    page = out.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(page)
    # Nothing from outside: no src/href to anything, one inline script allowed only by its hash.
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        assert tag != "link"
        assert not (attrs.get("href") or "").startswith(("http", "//")), tag
    assert len(parsed.scripts) == 1
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(parsed.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    # The evil name is text on the page, never markup.
    assert EVIL not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; {{ 7*7 }}" in page
    assert any(EVIL in t for t in parsed.text)
    assert "王芳 😀" in page
    assert "@media print" in page
    # A row per pair, with a progress bar for each returned plan.
    pair_rows = re.findall(r'<div class="names"><span class="who">Mentor</span>', page)
    assert len(pair_rows) == len(tracker.pairs) == 2
    assert page.count('role="progressbar"') == 2
    assert 'style="width: 14%"' in page  # 1 of 7 activities
    assert re.search(r'<td class="date soon" data-sort="2026-03-02">', page)  # next target today is upcoming
    # The competencies section: baseline -> final per competency and the program's average change.
    section = page[page.index("<h2>Competencies</h2>"):page.index("<h2>Problems</h2>")]
    assert "<strong>+0.5</strong>" in section and section.count("Data modelling") == 2
    assert "2 → 4" in section and "3 → 2" in section and "1 → –" in section and ">-1<" in section


def test_outputs_refuse_to_overwrite_without_force(tracker: Tracker, tmp_path: Path) -> None:
    side = tmp_path / "tracker-reviews.csv"
    side.write_text("kept", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="tracker-reviews.csv: already exists"):
        tracker.write(tmp_path / "tracker.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker-reviews.csv"]  # nothing else written
    assert side.read_text(encoding="utf-8") == "kept"
    assert len(tracker.write(tmp_path / "tracker.csv", overwrite=True)) == 9
    assert side.read_text(encoding="utf-8-sig").startswith("pair,")
    with pytest.raises(MentoringDocsError, match="use .xlsx, .csv, .json, .html"):
        tracker.write(tmp_path / "tracker.txt")


def test_cli_track_checks_its_arguments(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "returned"
    empty.mkdir()
    out = tmp_path / "t.json"
    result = runner.invoke(main, ["track", str(empty), "-o", str(out), "--as-of", "2 March 2026"])
    assert result.exit_code == 0, result.output
    assert "0 pairs from 0 forms, 0 problems as of 2026-03-02" in result.stderr
    assert json.loads(out.read_text())["as_of"] == "2026-03-02"
    again = runner.invoke(main, ["track", str(empty), "-o", str(out)])
    assert again.exit_code == 1 and again.stderr.strip() == f"error: {out}: already exists; use --force to replace it"
    assert runner.invoke(main, ["track", str(empty), "-o", str(out), "--force"]).exit_code == 0
    bad_date = runner.invoke(main, ["track", str(empty), "-o", str(tmp_path / "x.json"), "--as-of", "soon"])
    assert bad_date.exit_code == 2 and "--as-of" in bad_date.stderr
    missing = runner.invoke(main, ["track", str(tmp_path / "nope"), "-o", str(tmp_path / "x.json")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    wrong = runner.invoke(main, ["track", str(empty), "-o", str(tmp_path / "x.txt")])
    assert wrong.exit_code == 1 and "cannot tell the tracker format" in wrong.stderr
    assert "Traceback" not in wrong.output + wrong.stderr
