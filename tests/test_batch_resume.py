"""An interrupted batch (kill -9, Ctrl-C) leaves no partial file, and running it again finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_support import FILES, ROOT, documents, read_back, read_csv, run_batch, sha256, snapshot, write_roster

ROWS = 150
HEADER = ["mentee.name", "mentor.name", "program.name", "timeframe.start_date", "timeframe.end_date", "purpose"]


def roster(path: Path) -> Path:
    return write_roster(path, HEADER, (
        {"mentee.name": f"Mentee {i:03d} Ωμέγα", "mentor.name": f"Mentor {i:03d}", "program.name": "Resume test",
         "timeframe.start_date": "2026-01-05", "timeframe.end_date": "2026-09-04",
         "purpose": f"Purpose of pair {i}\nwith a second line"}
        for i in range(ROWS)
    ))


def start(roster_file: Path, out: Path, jobs: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "mentoring_docs.cli", "batch", str(roster_file), "-o", str(out), "--jobs", str(jobs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
    )


def wait_for_documents(process: subprocess.Popen[str], out: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.is_dir() and len(documents(out)) >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"the batch ended before it could be interrupted: {process.communicate()}")
        time.sleep(0.01)
    pytest.fail("the batch made no documents")


@pytest.mark.parametrize(("how", "jobs"), [("SIGKILL", 2), ("SIGKILL", 1), ("SIGINT", 2)])
def test_interrupted_batch_is_completed_by_running_it_again(tmp_path: Path, how: str, jobs: int) -> None:
    source = roster(tmp_path / "roster.csv")
    out = tmp_path / "out"
    process = start(source, out, jobs)
    wait_for_documents(process, out, 40)
    # The whole process group, as a terminal's Ctrl-C or a killed session does.
    os.killpg(process.pid, getattr(signal, how))
    _, stderr = process.communicate(timeout=60)

    if how == "SIGKILL":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 130
        assert stderr.strip().splitlines()[-1] == "interrupted: run the same command again to finish"
        assert "Traceback" not in stderr
    # Interrupted for real, in the middle: some pairs are done, not all, no manifest yet.
    made = documents(out)
    assert 40 <= len(made) < ROWS * len(FILES)
    assert not (out / "manifest.csv").exists()
    # No partial file: every document there is whole and holds its pair's data.
    for path in made:
        result = read_back(path)
        assert result.problems == [] and result.data["mentee"]["name"].startswith("Mentee "), path
        if result.kind == "agreement":
            assert result.data["purpose"].startswith("Purpose of pair "), path
    first_run = {k: v for k, v in snapshot(out).items() if k.endswith((".docx", ".pdf")) and "/." not in k}

    again = run_batch(source, "-o", out, "--jobs", str(jobs))
    assert again.returncode == 0, again.stderr
    summary = again.stderr.strip().splitlines()[-1]
    total = ROWS * len(FILES)
    kept = len([k for k in first_run if (out / k).exists()])
    assert summary == (f"{ROWS} rows: {ROWS} pairs ready, {total} files "
                       f"({total - kept} written, {kept} already there); no errors")
    # What the first run made is untouched; the rest is there now, whole.
    after = snapshot(out)
    assert {k: after[k] for k in first_run} == first_run
    assert len(documents(out)) == total
    # No temporary file or journal is left, and the manifest lists every document.
    assert [p for p in out.rglob(".*")] == []
    manifest = read_csv(out / "manifest.csv")
    assert len(manifest) == total
    assert {m["file"] for m in manifest} == {str(p.relative_to(out)) for p in documents(out)}
    assert all(m["sha256"] == sha256(out / m["file"]) for m in manifest)
    assert [int(m["row"]) for m in manifest] == sorted(int(m["row"]) for m in manifest)
