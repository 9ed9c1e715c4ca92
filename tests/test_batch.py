"""Batch generation end to end: the sample roster plus awkward rows, through the real command.

Every document is read back with the library's readers and compared with the row
it came from; the error report, the manifest and a second run that must not touch
anything are checked too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from mentoring_docs import forms
from batch_support import (
    FILES, SAMPLE_ROSTER, documents, expected_record, read_back, read_csv, run_batch, sha256, snapshot,
    write_roster,
)

DEFAULTS = {
    "meetings": {"duration_minutes": 45, "initiator": "mentee", "cancellation_notice_hours": 24},
    "confidentiality": {"level": "with_permission", "exceptions": "When the law requires it."},
    "focus": {"areas": ["career_path", "networking"]},
    "action_plan": {"created_on": "2026-01-20"},
}

# Rows added to the sample roster, each testing one thing. Program and dates as in the samples.
COMMON = {"program.name": "Northwind Data Guild Mentoring Program 2026",
          "timeframe.start_date": "2026-04-06", "timeframe.end_date": "2026-10-02"}
EXTRA = [
    {"mentor.name": "Gil Ives", "mentee.name": "../../etc/x"},                       # path traversal
    {"mentor.name": "Rui Costa", "mentee.name": "Ana Lima"},                          # same names...
    {"mentor.name": "Rui Costa", "mentee.name": "Ana Lima"},                          # ...twice
    {"mentor.name": "Δημήτρης Παπαδόπουλος", "mentee.name": "अनन्या शर्मा",
     "meetings.format": "In person"},                                                 # non-Latin, label as value
    {"mentor.name": "Mo Hart", "mentee.name": ""},                                    # missing name
    {"mentor.name": "Lu Park", "mentee.name": "Kim Roe", "timeframe.start_date": "2026-02-30"},  # bad date
    {"mentor.name": "Ida Voss", "mentee.name": "Ned Cole", "meetings.frequency": "fortnightly"},  # unknown enum
]


def sample_rows() -> tuple[list[str], list[dict[str, str]]]:
    with SAMPLE_ROSTER.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One batch run over the sample roster plus the awkward rows, shared by the tests below."""
    base = tmp_path_factory.mktemp("program")
    header, rows = sample_rows()
    for extra in EXTRA:
        rows.append({**COMMON, **extra})
    roster = write_roster(base / "roster.csv", header, rows)
    defaults = base / "program.json"
    defaults.write_text(json.dumps(DEFAULTS), encoding="utf-8")
    out = base / "out"
    result = run_batch(roster, "-o", out, "--defaults", defaults, "--jobs", "2")
    return {"base": base, "roster": roster, "defaults": defaults, "out": out, "rows": rows,
            "header": header, "result": result, "snapshot": snapshot(out)}


def folder_of(row: dict[str, str]) -> str:
    return f"{row['mentee.name']} - {row['mentor.name']}"


def test_exit_code_summary_and_errors_on_stderr(program: dict) -> None:
    result = program["result"]
    assert result.returncode == 1, result.stderr
    n = len(program["rows"])
    lines = result.stderr.strip().splitlines()
    roster = program["roster"]
    # Rows are numbered as the spreadsheet shows them: the header is row 1.
    first_bad = n - 1  # the three bad rows are the last three of the roster
    assert lines[:-1] == [
        f"{roster}: row {first_bad}: mentee.name: is required",
        f"{roster}: row {first_bad + 1}: timeframe.start_date: not a real date: '2026-02-30'",
        f"{roster}: row {first_bad + 2}: meetings.frequency: 'fortnightly' is not one of: weekly, biweekly, monthly, other",
    ]
    good = n - 3
    assert lines[-1] == (
        f"{n} rows: {good} pairs ready, {good * 4} files ({good * 4} written, 0 already there); "
        f"3 rows failed with 3 errors, listed in {program['out'] / 'errors.csv'}"
    )


def test_error_report(program: dict) -> None:
    n = len(program["rows"])
    assert read_csv(program["out"] / "errors.csv") == [
        {"row": str(n - 1), "column": "mentee.name", "path": "mentee.name", "message": "is required"},
        {"row": str(n), "column": "timeframe.start_date", "path": "timeframe.start_date",
         "message": "not a real date: '2026-02-30'"},
        {"row": str(n + 1), "column": "meetings.frequency", "path": "meetings.frequency",
         "message": "'fortnightly' is not one of: weekly, biweekly, monthly, other"},
    ]


def test_one_safe_folder_per_pair_and_nothing_else(program: dict) -> None:
    out: Path = program["out"]
    header, samples = sample_rows()
    expected = {folder_of(row) for row in samples} | {
        "etc_x - Gil Ives", "Ana Lima - Rui Costa", "Ana Lima - Rui Costa (2)", "अनन्या शर्मा - Δημήτρης Παπαδόπουλος",
    }
    assert {p.name for p in out.iterdir() if p.is_dir()} == expected
    assert {p.name for p in out.iterdir() if p.is_file()} == {"manifest.csv", "errors.csv"}
    for folder in expected:
        assert sorted(p.name for p in (out / folder).iterdir()) == sorted(FILES)
    # Nothing was written outside the output folder (the traversal row least of all).
    assert sorted(p.name for p in program["base"].iterdir()) == ["out", "program.json", "roster.csv"]
    assert not (program["base"].parent / "etc").exists()


def test_every_document_holds_its_row(program: dict) -> None:
    out: Path = program["out"]
    manifest = {(m["folder"], m["file"].rsplit("/", 1)[1]): m for m in read_csv(out / "manifest.csv")}
    good_rows = [(number, row) for number, row in enumerate(program["rows"], start=2) if number < len(program["rows"]) - 1]
    folders = {}
    for number, row in good_rows:
        name = folder_of(row).replace("../../etc/x", "etc_x")
        if name in folders.values():
            name += " (2)"
        folders[number] = name
    for number, row in good_rows:
        folder = folders[number]
        agreement_id = manifest[(folder, "agreement.docx")]["agreement_id"]
        if row.get("agreement_id"):
            assert agreement_id == row["agreement_id"]
        else:
            assert agreement_id.startswith("MPA-")
        flat = {**row, "agreement_id": agreement_id}
        agreement = expected_record("agreement", {
            **flat, "meetings.duration_minutes": 45, "meetings.initiator": "mentee",
            "meetings.cancellation_notice_hours": 24, "confidentiality.level": "with_permission",
            "confidentiality.exceptions": "When the law requires it.",
            "focus.areas.career_path": True, "focus.areas.networking": True,
            "meetings.format": "in_person" if row.get("meetings.format") == "In person" else row.get("meetings.format"),
        })
        plan = expected_record("action_plan", {**flat, "created_on": dt.date(2026, 1, 20)})
        for name, kind, want in (("agreement.docx", "agreement", agreement), ("agreement.pdf", "agreement", agreement),
                                 ("action-plan.docx", "action_plan", plan), ("action-plan.pdf", "action_plan", plan)):
            path = out / folder / name
            got = read_back(path)
            assert got.kind == kind and got.problems == [], (path, got.problems)
            assert got.data == want, path
            entry = manifest[(folder, name)]
            assert entry["row"] == str(number)
            assert entry["sha256"] == sha256(path)
            assert entry["kind"] == kind and entry["format"] == path.suffix[1:]


def test_manifest_lists_every_document_in_row_order(program: dict) -> None:
    out: Path = program["out"]
    manifest = read_csv(out / "manifest.csv")
    assert list(manifest[0]) == ["row", "folder", "agreement_id", "kind", "format", "file", "sha256", "input_sha256"]
    assert sorted(m["file"] for m in manifest) == sorted(p.relative_to(out).as_posix() for p in documents(out))
    rows = [int(m["row"]) for m in manifest]
    assert rows == sorted(rows)
    for folder in {m["folder"] for m in manifest}:
        assert [m["file"] for m in manifest if m["folder"] == folder] == [f"{folder}/{name}" for name in FILES]
    ids = {m["folder"]: m["agreement_id"] for m in manifest}
    assert len(set(ids.values())) == len(ids)  # the two "Ana Lima - Rui Costa" pairs too


def test_same_roster_gives_same_ids_and_folders(program: dict, tmp_path: Path) -> None:
    again = run_batch(program["roster"], "-o", tmp_path / "again", "--defaults", program["defaults"], "--jobs", "1")
    assert again.returncode == 1
    first = [(m["row"], m["folder"], m["agreement_id"], m["file"]) for m in read_csv(program["out"] / "manifest.csv")]
    second = [(m["row"], m["folder"], m["agreement_id"], m["file"]) for m in read_csv(tmp_path / "again" / "manifest.csv")]
    assert first == second


def test_rerun_without_force_overwrites_nothing(program: dict) -> None:
    out: Path = program["out"]
    before = snapshot(out)
    rerun = run_batch(program["roster"], "-o", out, "--defaults", program["defaults"], "--jobs", "2")
    assert rerun.returncode == 1  # the three bad rows are still bad
    good = len(program["rows"]) - 3
    assert rerun.stderr.strip().splitlines()[-1].startswith(
        f"{len(program['rows'])} rows: {good} pairs ready, {good * 4} files (0 written, {good * 4} already there); 3 rows failed")
    after = snapshot(out)
    documents_before = {k: v for k, v in before.items() if k.endswith((".docx", ".pdf"))}
    assert {k: v for k, v in after.items() if k.endswith((".docx", ".pdf"))} == documents_before
    assert read_csv(out / "manifest.csv") == read_csv(out / "manifest.csv")  # complete and readable
    assert len(read_csv(out / "manifest.csv")) == good * 4


def test_a_filled_in_form_is_never_replaced_without_force(program: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_batch(program["roster"], "-o", out, "--defaults", program["defaults"]).returncode == 1
    header, samples = sample_rows()
    folder = folder_of(samples[0])
    name = "agreement.docx"
    filled = out / folder / name
    result = forms.read(filled)
    data = dict(result.data, purpose="Grow into a team lead within a year.")
    forms.fill("agreement", data, filled, overwrite=True)  # the pair completes their form
    answered = snapshot(out)[f"{folder}/{name}"]
    issued_sha = next(m["sha256"] for m in read_csv(out / "manifest.csv") if m["file"] == f"{folder}/{name}")

    rerun = run_batch(program["roster"], "-o", out, "--defaults", program["defaults"])
    assert rerun.returncode == 1
    assert (f"row 2: {folder}/{name}: changed since it was made (perhaps filled in by the pair); "
            "kept as it is (use --force to make it again)") in rerun.stderr
    assert snapshot(out)[f"{folder}/{name}"] == answered
    assert forms.read(filled).data["purpose"] == "Grow into a team lead within a year."
    # The manifest still records the copy that was issued, for tracking.
    assert issued_sha in {m["sha256"] for m in read_csv(out / "manifest.csv")}

    forced = run_batch(program["roster"], "-o", out, "--defaults", program["defaults"], "--force")
    assert forced.returncode == 1 and "changed since" not in forced.stderr
    assert "purpose" not in forms.read(filled).data


def test_unknown_column_stops_before_anything_is_written(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["mentee.name", "mentor.nmae"], [{"mentee.name": "A", "mentor.nmae": "B"}])
    result = run_batch(roster, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr == f"error: {roster}: column B: unknown column 'mentor.nmae'; did you mean 'mentor.name'?\n"
    assert not (tmp_path / "out").exists()


def test_existing_foreign_file_and_links_are_left_alone(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date"], [
        {"mentee.name": "Ann", "mentor.name": "Bo", "timeframe.start_date": "2026-01-05", "timeframe.end_date": "2026-06-05"},
        {"mentee.name": "Cy", "mentor.name": "Di", "timeframe.start_date": "2026-01-05", "timeframe.end_date": "2026-06-05"},
        {"mentee.name": "Ed", "mentor.name": "Flo", "timeframe.start_date": "2026-01-05", "timeframe.end_date": "2026-06-05"},
    ])
    out = tmp_path / "out"
    (out / "Ann - Bo").mkdir(parents=True)
    (out / "Ann - Bo" / "agreement.pdf").write_bytes(b"%PDF-1.7 someone else's file")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "Cy - Di").symlink_to(elsewhere, target_is_directory=True)
    result = run_batch(roster, "-o", out, "--jobs", "1")
    assert result.returncode == 1
    assert "row 2: Ann - Bo/agreement.pdf: already exists and may hold a pair's answers" in result.stderr
    assert "row 3: Cy - Di: is a link out of the output folder; refused" in result.stderr
    assert (out / "Ann - Bo" / "agreement.pdf").read_bytes() == b"%PDF-1.7 someone else's file"
    assert sorted(p.name for p in (out / "Ann - Bo").iterdir()) == ["agreement.pdf"]  # the row is made whole or not at all
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (out / "Ed - Flo").iterdir()) == sorted(FILES)


def test_missing_required_column_stops_before_anything_is_written(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["mentor.name", "timeframe.start_date"], [{"mentor.name": "A"}])
    result = run_batch(roster, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr == (f"error: {roster}: no column for mentee.name, timeframe.end_date, which every pair "
                             "needs (add the column, or give the value in --defaults)\n")
    assert not (tmp_path / "out").exists()
    defaults = tmp_path / "d.json"
    defaults.write_text('{"timeframe": {"end_date": "2026-12-01"}}', encoding="utf-8")
    still = run_batch(roster, "-o", tmp_path / "out", "--defaults", defaults)
    assert still.stderr.startswith(f"error: {roster}: no column for mentee.name, which")
