"""Running the command on hostile input and measuring what it costs.

Each command runs in a fresh helper process that starts the real command line
(``python -m mentoring_docs.cli``) as its only child and reports the child's
exit code, its output (kept in files, only the start read back, so a runaway
output cannot exhaust the test's own memory), and its peak resident memory from
``getrusage(RUSAGE_CHILDREN)``. The child's address space is capped far above
the bound asserted, so a regression fails quickly instead of swapping the machine.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The bound asserted on every run's peak resident memory.
MAX_RSS_MB = 300
#: Generous: the inputs are refused in well under a second; a hang or a slow regression is caught.
TIMEOUT = 60

_HELPER = r"""
import json, os, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
def limit():
    cap = spec["address_space"]
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
with open(spec["stdout"], "wb") as out, open(spec["stderr"], "wb") as err:
    stdin = open(spec["stdin"], "rb") if spec["stdin"] else subprocess.DEVNULL
    started = time.monotonic()
    try:
        code = subprocess.run(spec["command"], cwd=spec["cwd"], stdin=stdin, stdout=out, stderr=err,
                              timeout=spec["timeout"], preexec_fn=limit, env=spec["env"]).returncode
        timed_out = False
    except subprocess.TimeoutExpired:
        code, timed_out = None, True
    seconds = time.monotonic() - started
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "timed_out": timed_out, "seconds": seconds, "rss_mb": rss_kib / 1024}))
"""


@dataclass
class Run:
    """What one run of the command did."""

    code: int | None
    timed_out: bool
    seconds: float
    rss_mb: float
    stdout: str
    stderr: str
    stdout_bytes: int
    stderr_bytes: int

    def clean_failure(self, *needles: str) -> None:
        """Assert exit 1, every needle in stderr, no traceback, bounded time, memory and output."""
        self.bounded()
        assert self.code == 1, (self.code, self.stderr)
        for needle in needles:
            assert needle in self.stderr, (needle, self.stderr)

    def bounded(self) -> None:
        """Assert it finished in time, without a traceback, within the memory bound and with little output."""
        assert not self.timed_out, f"still running after {TIMEOUT} s"
        assert "Traceback" not in self.stderr, self.stderr
        assert self.rss_mb < MAX_RSS_MB, f"peak memory {self.rss_mb:.0f} MB"
        assert self.stderr_bytes < 64 * 1024, f"{self.stderr_bytes} bytes on stderr"
        assert self.stdout_bytes < 4 * 1024 * 1024, f"{self.stdout_bytes} bytes on stdout"


def run_cli(*args: str | os.PathLike[str], cwd: Path, stdin: Path | None = None) -> Run:
    """Run ``mentoring-docs ARGS`` in ``cwd`` in a measured helper process."""
    out, err = cwd / ".run-stdout", cwd / ".run-stderr"
    env = dict(os.environ)
    env.pop("MENTORING_DOCS_PASSWORD", None)
    spec = {
        "command": [sys.executable, "-m", "mentoring_docs.cli", *map(str, args)],
        "cwd": str(cwd), "stdout": str(out), "stderr": str(err), "stdin": str(stdin) if stdin else None,
        "timeout": TIMEOUT, "address_space": 3 * 1024 ** 3, "env": env,
    }
    helper = subprocess.run([sys.executable, "-c", _HELPER, json.dumps(spec)], capture_output=True, text=True,
                            timeout=TIMEOUT + 30)
    assert helper.returncode == 0, helper.stderr
    report = json.loads(helper.stdout)
    try:
        return Run(
            code=report["code"], timed_out=report["timed_out"], seconds=report["seconds"], rss_mb=report["rss_mb"],
            stdout=_head(out), stderr=_head(err), stdout_bytes=out.stat().st_size, stderr_bytes=err.stat().st_size,
        )
    finally:
        out.unlink()
        err.unlink()


def _head(path: Path, size: int = 256 * 1024) -> str:
    with path.open("rb") as handle:
        return handle.read(size).decode("utf-8", "replace")


def snapshot(root: Path) -> dict[str, tuple[int, int, float]]:
    """Every entry under ``root`` (links not followed): kind, size and modification time, by relative path."""
    found: dict[str, tuple[int, int, float]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            found[str(path.relative_to(root))] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime)
    return found


def batch_refused(tmp_path: Path, roster: Path, *needles: str) -> None:
    """``batch ROSTER -o tmp_path/out`` fails cleanly with ``needles`` and makes nothing at all (not even ``out``)."""
    before = snapshot(tmp_path)
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(*needles)
    assert snapshot(tmp_path).keys() == before.keys()
