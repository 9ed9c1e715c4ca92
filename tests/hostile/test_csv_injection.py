"""Formula injection through every separator spreadsheets use, in every CSV file we write.

The CSV files are opened in LibreOffice with ``;`` and with tab as the separator
(the default in much of Europe) and must hold no formula cell; our own manifest
must still be read back exactly (resume, ``track --manifest``).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES
from hostile.harness import run_cli
from mentoring_docs.csv_guard import format_row, guard, unguard
from tools import require

ATTACKS = [";=4+4", "x;=4+4", "\t=1+1", "a,=1+1", "=1+1", "+1", "-1+1", "@SUM(1)", "'=1", "x\n=1+1", "x\r=1+1"]

HEADER = ("mentee.name,mentor.name,timeframe.start_date,timeframe.end_date,meetings.frequency,"
          "action_plan.goals.0.title\n")


@pytest.mark.parametrize("text", ATTACKS + ["plain", "it's", "'quoted'", "", "-", "a;b\tc,d"])
def test_guard_is_undone_exactly_and_leaves_no_cell_starting_a_formula(text):
    assert unguard(guard(text)) == text
    line = format_row([text, 5, None])
    assert unguard(next(csv.reader(io.StringIO(line)))[0]) == text
    for separator in (",", ";", "\t"):
        for record in csv.reader(io.StringIO(line, newline=""), delimiter=separator):
            for cell in record:
                assert not cell.lstrip('"')[:1] in ("=", "+", "-", "@"), (separator, line, cell)


def _soffice_cells(files: list[Path], separator: str, outdir: Path) -> list[object]:
    """Every cell LibreOffice makes of ``files`` read with ``separator``, as formulas when it sees formulas."""
    soffice = require("soffice")
    code = {";": "59", "\t": "9", ",": "44"}[separator]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{outdir}/profile",
                    f"--infilter=CSV:{code},34,76,1", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=180)
    cells: list[object] = []
    for file in files:
        book = openpyxl.load_workbook(outdir / (file.stem + ".xlsx"))  # formulas kept as "=..." text
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells += [v for v in row if v is not None]
    return cells


def test_batch_and_track_csv_files_hold_no_formula_under_any_separator(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        HEADER
        + '"=HYPERLINK(""x"")",Bo,2026-01-05,2026-06-05,weekly,;=4+4\n'
        + '"Cy;=4+4",Di,2026-01-05,2026-06-05,"x;=1+1",goal\n'
        + '"Ed",Flo,2026-01-05,2026-06-05,monthly,"x\t-2+3"\n'
        + '"Gu;=1+1",Hal,2026-01-05,2026-06-05,weekly,\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    made = run_cli("batch", roster, "-o", out, "--formats", "docx", cwd=tmp_path)
    made.bounded()
    assert made.code == 1 and "row 3" in made.stderr  # the bad frequency; the other rows are made
    again = run_cli("batch", roster, "-o", out, "--formats", "docx", cwd=tmp_path)  # resume reads our manifest
    assert again.code == 1 and "0 written, 6 already there" in again.stderr, again.stderr
    plan = json.loads((SAMPLES / "action_plan.json").read_text(encoding="utf-8"))
    plan["goals"][0]["title"] = ";=4+4"
    plan["goals"][0]["activities"][0]["description"] = "done\t=1+1"
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    returned = tmp_path / "returned"
    returned.mkdir()
    filled = run_cli("fill", "action-plan", tmp_path / "plan.json", "-o", returned / "plan.docx", cwd=tmp_path)
    assert filled.code == 0, filled.stderr
    tracked = run_cli("track", out, returned, "-o", tmp_path / "tracker.csv", "--manifest", out / "manifest.csv",
                      cwd=tmp_path)
    tracked.bounded()
    assert tracked.code == 0, tracked.stderr
    # The blank copies count as not returned: each names a file the manifest led back to.
    with (tmp_path / "tracker-problems.csv").open(encoding="utf-8-sig", newline="") as handle:
        named = [unguard(row["file"]) for row in csv.DictReader(handle) if row["category"] == "not_returned"]
    assert len(named) == 6 and all(Path(name).is_file() for name in named), named
    assert any(";=1+1 - Hal" in name for name in named)
    files = sorted(tmp_path.glob("tracker*.csv")) + [out / "manifest.csv", out / "errors.csv"]
    text = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    assert ";'=4+4" in text and "\"done\t'=1+1\"" in text and "Gu;'=1+1 - Hal" in text and "x;'=1+1" in text
    for separator in (";", "\t"):
        where = tmp_path / f"lo{ord(separator)}"
        where.mkdir()
        cells = _soffice_cells(files, separator, where)
        assert cells, "LibreOffice read nothing"
        formulas = [c for c in cells if isinstance(c, str) and c.startswith("=")]
        assert formulas == [], formulas
