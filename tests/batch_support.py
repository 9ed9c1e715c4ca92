"""Helpers shared by the batch tests: writing rosters, running the real command, reading results."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

from mentoring_docs import forms, validation
from mentoring_docs.catalogue import catalogue, unflatten

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ROSTER = ROOT / "samples" / "roster.csv"
FORMATS = ("docx", "pdf")
FILES = ("agreement.docx", "agreement.pdf", "action-plan.docx", "action-plan.pdf")


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file we wrote (UTF-8 with a byte order mark)."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_roster(path: Path, header: list[str], rows: Iterable[Mapping[str, str]]) -> Path:
    """A roster CSV with ``header``; missing cells are empty."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def run_batch(*args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 300,
              **popen: Any) -> subprocess.CompletedProcess[str]:
    """``mentoring-docs batch ARGS`` in a fresh process, as a user runs it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mentoring_docs.cli", "batch", *map(str, args)],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout, **popen,
    )


def expected_record(kind: str, flat: Mapping[str, Any]) -> dict[str, Any]:
    """The validated record of ``kind`` that dotted-path values describe (ignoring other documents' paths)."""
    cat = catalogue(kind)
    mine = {path: value for path, value in flat.items() if value not in ("", None) and cat.lookup(path) is not None}
    return validation.load(kind, unflatten(kind, mine))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def documents(outdir: Path) -> list[Path]:
    """Every document under ``outdir`` (not the hidden temporary files)."""
    return sorted(p for p in outdir.rglob("*") if p.suffix in (".docx", ".pdf") and not p.name.startswith("."))


def read_back(path: Path) -> forms.ReadResult:
    """A document read back with the library's own reader."""
    return forms.read(path)


def snapshot(outdir: Path) -> dict[str, tuple[int, int, str]]:
    """Inode, modification time and digest of every file: to prove nothing was rewritten."""
    return {
        str(p.relative_to(outdir)): (p.stat().st_ino, p.stat().st_mtime_ns, sha256(p))
        for p in sorted(outdir.rglob("*")) if p.is_file()
    }
