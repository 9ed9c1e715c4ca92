"""The output folder's state folder and pair folders: nothing written or deleted outside, or not ours."""

from __future__ import annotations

from pathlib import Path

from hostile.harness import run_cli, snapshot

HEADER = "mentee.name,mentor.name,timeframe.start_date,timeframe.end_date\n"


def _roster(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "".join(f"{a},{b},2026-01-05,2026-06-05\n" for a, b in pairs), encoding="utf-8")
    return roster


def test_a_state_folder_that_is_a_link_is_refused_and_its_target_untouched(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "lock").write_text("a file of someone else's\n")
    (elsewhere / "journal-1-x.csv").write_text("not ours either\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".mentoring-docs").symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    result = run_cli("batch", _roster(tmp_path, ("Ann", "Bo")), "-o", out, "--formats", "docx", cwd=tmp_path)
    result.clean_failure(f"{out / '.mentoring-docs'}: is a link or not a plain folder; refused")
    assert snapshot(elsewhere) == before
    assert (elsewhere / "lock").read_text() == "a file of someone else's\n"
    assert sorted(p.name for p in out.iterdir()) == [".mentoring-docs"]  # nothing made


def test_a_state_folder_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".mentoring-docs").write_text("mine\n")
    result = run_cli("batch", _roster(tmp_path, ("Ann", "Bo")), "-o", out, "--formats", "docx", cwd=tmp_path)
    result.clean_failure("is a link or not a plain folder; refused")
    assert (out / ".mentoring-docs").read_text() == "mine\n"


def test_a_lock_file_the_run_did_not_make_is_never_deleted(tmp_path):
    out = tmp_path / "out"
    (out / ".mentoring-docs").mkdir(parents=True)
    (out / ".mentoring-docs" / "lock").write_text("someone's notes\n")
    result = run_cli("batch", _roster(tmp_path, ("Ann", "Bo")), "-o", out, "--formats", "docx", cwd=tmp_path)
    result.bounded()
    assert result.code == 0, result.stderr
    assert (out / ".mentoring-docs" / "lock").read_text() == "someone's notes\n"
    assert (out / "Ann - Bo" / "agreement.docx").is_file()


def test_the_state_folder_the_run_made_is_gone_at_the_end(tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", _roster(tmp_path, ("Ann", "Bo")), "-o", out, "--formats", "docx", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert not (out / ".mentoring-docs").exists()


def test_a_pair_folder_linking_inside_the_output_folder_is_named_so(tmp_path):
    out = tmp_path / "out"
    (out / "Other").mkdir(parents=True)
    (out / "Ann - Bo").symlink_to(out / "Other", target_is_directory=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "Cy - Di").symlink_to(outside, target_is_directory=True)
    roster = _roster(tmp_path, ("Ann", "Bo"), ("Cy", "Di"))
    before = snapshot(tmp_path)
    result = run_cli("batch", roster, "-o", out, "--formats", "docx", cwd=tmp_path)
    result.clean_failure("row 2: Ann - Bo: is a link to 'Other' inside the output folder; refused",
                         "row 3: Cy - Di: is a link out of the output folder; refused")
    assert list((out / "Other").iterdir()) == [] and list(outside.iterdir()) == []
    after = snapshot(tmp_path)
    assert {k for k in after if not k.startswith("out/")} == {k for k in before if not k.startswith("out/")}
    assert all(k in after for k in before)  # nothing deleted


def test_a_lock_file_left_by_a_killed_run_is_cleared(tmp_path):
    out = tmp_path / "out"
    (out / ".mentoring-docs").mkdir(parents=True)
    (out / ".mentoring-docs" / "lock").write_bytes(b"mentoring-docs batch lock\n")  # what a run writes in it
    result = run_cli("batch", _roster(tmp_path, ("Ann", "Bo")), "-o", out, "--formats", "docx", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert not (out / ".mentoring-docs").exists()
