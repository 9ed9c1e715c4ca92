"""Helpers for the tests of the compiled built-in templates (docx/prepared.py, pdf/prepared.py):
a copy of the package to change, and a single fill run in it as the command line runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import mentoring_docs

ROOT = Path(__file__).resolve().parent.parent


def copy_package(tmp_path: Path) -> Path:
    """A copy of the installed package in ``tmp_path`` (which a process started there imports)."""
    package = tmp_path / "mentoring_docs"
    shutil.copytree(Path(mentoring_docs.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def fill_in_copy(tmp_path: Path, out: Path, backend: str, marker: str) -> list[str]:
    """Fill the sample agreement to ``out`` with the package copied into ``tmp_path``.

    Returns two lines: whether ``mentoring_docs.<backend>.prepared`` found its compiled
    file stale (``True``: it will not be used), then whether the fill loaded the module
    ``marker`` (what compiling instead would load) and the command's exit code.
    """
    script = (
        "import sys\n"
        f"from mentoring_docs.{backend} import prepared\n"
        "print(prepared.load('agreement', 'letter') is None)\n"
        "from mentoring_docs.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        f"    print({marker!r} in sys.modules, exc.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, "fill", "agreement", str(ROOT / "samples" / "agreement.json"),
                           "-o", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:2]
