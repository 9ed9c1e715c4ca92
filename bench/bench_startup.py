"""Benchmark: a cold start of the command line, measured with hyperfine.

Each run is a new process filling the bundled agreement sample with the built-in
template (Word, then PDF) or printing ``--version``, pinned to one core with
``taskset``. Goals: ``--version`` <= 60 ms, ``fill`` DOCX <= 120 ms, ``fill`` PDF <= 160 ms
(the mean over the runs; min and max are printed too, and the mean CPU time, user +
system, which a loaded machine disturbs less).

The interpreter runs with ``-S`` and the package and its installed dependencies put
on ``sys.path`` by hand: a development install (``pip install -e``) adds a
setuptools finder that costs ~35 ms at every start and that a user's regular
install does not have. This leaves out ``site`` itself too (a few ms). Each tree is
byte-compiled first (``compileall``), as pip does on install: with
``PYTHONDONTWRITEBYTECODE`` set (it is, on the machine these figures come from)
every start would otherwise compile every module from source again.

With ``--old DIR`` (a source tree of another commit, e.g. made with ``git archive
main | tar -x -C DIR``), the same commands run from that tree too: the runs are split
into ``--rounds``, and each round runs the new tree's command, then the old one's,
so the two alternate under the same load (one hyperfine call runs all of one
command's runs before the next command's).

    python bench/bench_startup.py [--runs 20] [--rounds 4] [--old DIR]
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
    parser.add_argument("--runs", type=int, default=20, help="runs per command, in all rounds (after warm-up runs)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="rounds: each runs every tree's command in turn, so trees alternate under the same load")
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
        rounds = max(1, min(args.rounds, args.runs))
        for case, goal_ms in GOALS_MS.items():
            cmds = {tag: commands(tree, out, tag)[case] for tag, tree in trees.items()}
            for cmd in cmds.values():  # fails loudly, before timing, if a command does not work
                subprocess.run(cmd, shell=True, check=True, capture_output=True)
            times: dict[str, list[float]] = {tag: [] for tag in cmds}
            cpu: dict[str, list[float]] = {tag: [] for tag in cmds}
            report = out / "hyperfine.json"
            for number in range(rounds):
                runs = args.runs // rounds + (number < args.runs % rounds)
                for tag, cmd in cmds.items():  # one tree after the other, round after round
                    hyperfine = ["hyperfine", "--warmup", "3" if number == 0 else "1", "--runs", str(runs),
                                 "--style", "none", "--export-json", str(report), cmd]
                    done = subprocess.run(hyperfine, capture_output=True, text=True, env=os.environ)
                    if done.returncode:
                        print(done.stderr, file=sys.stderr)
                        return 1
                    result = json.loads(report.read_text())["results"][0]
                    times[tag] += [1000 * t for t in result["times"]]
                    # CPU time (user + system) moves far less with the load of a shared machine
                    # than the wall clock: printed beside it; the goal stays on the wall-clock mean.
                    cpu[tag] += [1000 * (result["user"] + result["system"])] * len(result["times"])
            for tag in cmds:
                mean = sum(times[tag]) / len(times[tag])
                verdict = "MET" if mean <= goal_ms else "not met"
                line = (f"  {f'{case} ({tag})':<18} mean {mean:6.1f} ms  min {min(times[tag]):6.1f}  "
                        f"max {max(times[tag]):6.1f}  cpu {sum(cpu[tag]) / len(cpu[tag]):6.1f}")
                if tag == "new":
                    line += f"   goal <= {goal_ms:g} ms: {verdict}"
                print(line, flush=True)
    print(f"  after: {load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
