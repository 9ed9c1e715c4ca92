"""Benchmark: a cold start of the command line, measured with hyperfine.

Each run is a new process filling the bundled agreement sample with the built-in
template (Word, then PDF) or printing ``--version``, pinned to one core with
``taskset``. Goals: ``--version`` <= 60 ms, ``fill`` DOCX <= 120 ms, ``fill`` PDF <= 160 ms
(the mean over the runs; min and max are printed too).

The interpreter runs with ``-S`` and the package and its installed dependencies put
on ``sys.path`` by hand: a development install (``pip install -e``) adds a
setuptools finder that costs ~35 ms at every start and that a user's regular
install does not have. This leaves out ``site`` itself too (a few ms). Each tree is
byte-compiled first (``compileall``), as pip does on install: with
``PYTHONDONTWRITEBYTECODE`` set (it is, on the machine these figures come from)
every start would otherwise compile every module from source again.

With ``--old DIR`` (a source tree of another commit, e.g. made with ``git archive
main | tar -x -C DIR``), the same commands run from that tree too, alternated by
hyperfine in the same run, so a gain is measured under the same load.

    python bench/bench_startup.py [--runs 20] [--old DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _common import load_line  # noqa: E402

GOALS_MS = {"version": 60.0, "fill docx": 120.0, "fill pdf": 160.0}
SITE = sysconfig.get_paths()["purelib"]


def commands(tree: Path, out: Path, tag: str) -> dict[str, str]:
    """Shell commands for each case, run from the package in ``tree``."""
    sample = ROOT / "samples" / "agreement.json"
    entry = f"import sys; sys.path[:0] = [{str(tree)!r}, {SITE!r}]; from mentoring_docs.cli import main; sys.exit(main())"
    run = f"taskset -c 0 {sys.executable} -S -c \"{entry}\""
    return {
        "version": f"{run} --version",
        "fill docx": f"{run} fill agreement {sample} -o {out / (tag + '.docx')} --force",
        "fill pdf": f"{run} fill agreement {sample} -o {out / (tag + '.pdf')} --force",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per command (after 3 warm-up runs)")
    parser.add_argument("--old", type=Path, help="also run the commands from this source tree, alternated")
    args = parser.parse_args()
    if shutil.which("hyperfine") is None:
        print("hyperfine is not installed (apt-get install hyperfine)", file=sys.stderr)
        return 2
    print(f"cold start, new process per run, taskset -c 0; {load_line()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        trees = {"new": ROOT} | ({"old": args.old.resolve()} if args.old else {})
        for tree in trees.values():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "mentoring_docs")], check=True)
        for case, goal_ms in GOALS_MS.items():
            cmds = {tag: commands(tree, out, tag)[case] for tag, tree in trees.items()}
            for cmd in cmds.values():  # fails loudly, before timing, if a command does not work
                subprocess.run(cmd, shell=True, check=True, capture_output=True)
            report = out / "hyperfine.json"
            hyperfine = ["hyperfine", "--warmup", "3", "--runs", str(args.runs), "--style", "none",
                         "--export-json", str(report)]
            for tag, cmd in cmds.items():
                hyperfine += ["--command-name", f"{case} ({tag})", cmd]
            done = subprocess.run(hyperfine, capture_output=True, text=True, env=os.environ)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            for result in json.loads(report.read_text())["results"]:
                mean, low, high = (1000 * result[k] for k in ("mean", "min", "max"))
                verdict = "MET" if mean <= goal_ms else "not met"
                line = f"  {result['command']:<18} mean {mean:6.1f} ms  min {low:6.1f}  max {high:6.1f}"
                if result["command"].endswith("(new)"):
                    line += f"   goal <= {goal_ms:g} ms: {verdict}"
                print(line)
    print(f"  after: {load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
