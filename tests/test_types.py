"""The package's type hints hold: mypy, with the configuration committed in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_type_errors_in_the_package() -> None:
    # Run from the repository root so that mypy reads pyproject.toml's [tool.mypy]
    # and checks the source tree (files = ["mentoring_docs"]), not an installed copy.
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
