"""Benchmark: tracking a folder of returned forms, ours against a naive reader loop.

N returned forms (default 1,000), half Word and half PDF, half agreements and half
action plans, made from the bundled samples with a different pair each. Both runs
read the same folder, in the same process, pinned to one CPU core:

- ours: ``mentoring_docs.track(folder)`` -- discovery, reading every form (lxml on
  the zip for Word, our own field walk for PDF), typing and validating every value,
  pairing, newest-version choice and all five tables;
- naive: the usual peers' loop that only gets at the raw values -- python-docx
  opening each Word file (``docx.Document``) and collecting the text of its content
  controls, pypdf's ``PdfReader(...).get_fields()`` for each PDF. It does no typing,
  validation, pairing or tables, so the comparison flatters the peer.

With ``--scale 1000,10000,...`` it instead measures how tracking grows: for each
size, the forms are made, then a fresh process tracks them and reports files/s, CPU
time per file and its peak resident set size (the process's high-water mark), so
memory and cost per file can be read across sizes (``--pairs``: see below). With ``--old DIR`` (another
source tree, e.g. ``git archive main | tar -x -C /tmp/old``) the same folder is
also tracked by that tree's code, alternating, so both are measured under the same
load.

    python bench/bench_track.py [--forms N] [--rounds R]
    python bench/bench_track.py --scale 10000,100000 [--old /tmp/old] [--pairs 5000]

With ``--pairs P`` every folder holds P pairs whatever its size: the files beyond
each pair's agreement and plan are older copies of them (superseded), so peak
memory across sizes shows what each FILE costs with the number of pairs fixed.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentoring_docs import Filler, load, track  # noqa: E402


def sample(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "samples" / name).read_text(encoding="utf-8"))


def make_forms(folder: Path, n: int, pairs: int | None = None) -> list[Path]:
    """``n`` filled forms under ``folder``: each pair returns an agreement and a plan, pairs alternate formats.

    Word pairs go under ``folder/word``, PDF pairs under ``folder/pdf``, so each
    format can also be timed on its own. With ``pairs``, the ``n`` files belong to
    that many pairs: each pair's agreement and plan come first, then older copies of
    them (the same bytes under another name, modified earlier), so every pair returns
    ``n // pairs`` files and all but two of them are superseded.
    """
    agreement, plan = sample("agreement.json"), sample("action_plan.json")
    fillers = {(kind, fmt): Filler(kind, fmt) for kind in ("agreement", "action_plan") for fmt in ("docx", "pdf")}
    files: list[Path] = []
    if pairs is not None:
        if not 0 < pairs <= n // 2:
            raise SystemExit(f"--pairs {pairs}: each pair needs at least two of the {n} files")
        firsts = make_forms(folder, 2 * pairs)
        now = time.time()
        for i in range(n - 2 * pairs):
            original = firsts[i % (2 * pairs)]
            copy_no = i // (2 * pairs) + 1
            path = original.with_name(f"{original.stem}-copy{copy_no:05d}{original.suffix}")
            path.write_bytes(original.read_bytes())
            os.utime(path, (now - 60 * copy_no, now - 60 * copy_no))  # older than the original: superseded
            files.append(path)
        return firsts + files
    for i in range(n):
        pair, kind = i // 2, ("agreement", "action_plan")[i % 2]
        fmt = ("docx", "pdf")[pair % 2]
        record = copy.deepcopy(agreement if kind == "agreement" else plan)
        record["agreement_id"] = f"MPA-2026-{pair:04d}"
        record["mentee"]["name"] = f"{record['mentee']['name']} {pair}"
        if kind == "action_plan":
            first = record["goals"][0]["activities"][0]
            first["status"] = ("completed", "in_progress", "not_started")[pair % 3]
            if first["status"] != "completed":
                first.pop("completed_on", None)
        path = folder / ("word" if fmt == "docx" else "pdf") / f"pair-{pair:04d}" / f"{kind}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fillers[(kind, fmt)].render(load(kind, record)))
        files.append(path)
    return files


def naive(files: list[Path]) -> int:
    """The peers' loop: python-docx per Word file (content-control text), pypdf get_fields per PDF."""
    import docx
    from docx.oxml.ns import qn
    from pypdf import PdfReader

    values = 0
    for path in files:
        if path.suffix == ".docx":
            document = docx.Document(str(path))
            for sdt in document.element.body.iter(qn("w:sdt")):
                pr = sdt.find(qn("w:sdtPr"))
                tag = pr.find(qn("w:tag")) if pr is not None else None
                text = "".join(t.text or "" for t in sdt.iter(qn("w:t")))
                values += bool(tag is not None and text)
        else:
            fields = PdfReader(str(path)).get_fields() or {}
            values += sum(1 for f in fields.values() if f.get("/V") not in (None, ""))
    return values


AS_OF = dt.date(2026, 3, 2)


def line(label: str, n: int, seconds: float) -> None:
    print(f"{label:48s} {n / seconds:8.1f} forms/s  {seconds:7.2f} s")


def timed(func: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


# Run in a fresh process per size: tracks the folder once, prints seconds and peak RSS (KiB).
_CHILD = """
import datetime as dt, os, resource, sys, time
sys.path.insert(0, {root!r})
os.sched_setaffinity(0, {{min(os.sched_getaffinity(0))}})
from mentoring_docs import track
start, cpu = time.perf_counter(), time.process_time()
tracker = track([{folder!r}], as_of=dt.date(2026, 3, 2))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
assert not tracker.problems, tracker.problems[:3]
print(seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(tracker.pairs))
"""


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def scale(sizes: list[int], old: Path | None = None, pairs: int | None = None) -> None:
    """Files/s, CPU per file and peak RSS of tracking folders of each size, each in a fresh process.

    With ``old`` (another source tree), that tree tracks the same folder too, before ours.
    With ``pairs``, every folder holds that many pairs (more files: more copies per pair),
    so memory can be read against the number of files alone.
    """
    import subprocess

    trees = ([("old", old)] if old else []) + [("ours", ROOT)]
    fixed = f", {pairs} pairs in every folder" if pairs else ""
    print(f"tracking at scale, one core, a fresh process per size and tree{fixed}; load average {_load()}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            make_forms(Path(tmp), n, pairs)
            made = time.perf_counter() - start
            print(f"  {n:7d} files made in {made:6.1f} s; load average {_load()}")
            for label, tree in trees:
                done = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(tree), folder=tmp)],
                                      capture_output=True, text=True, check=True)
                seconds, cpu, rss_kib, tracked = done.stdout.split()
                print(f"    {label:4s} {n:7d} files ({int(tracked):6d} pairs): "
                      f"{n / float(seconds):7.1f} files/s, {1000 * float(seconds) / n:6.2f} ms/file wall, "
                      f"{1000 * float(cpu) / n:6.2f} ms/file CPU, peak RSS {int(rss_kib) / 1024:7.1f} MiB; "
                      f"load average {_load()}", flush=True)
    print(f"  after: load average {_load()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=1000, help="number of returned forms (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="best of R timed runs each (default 3)")
    parser.add_argument("--scale", help="comma-separated folder sizes: files/s and peak RSS of each")
    parser.add_argument("--old", type=Path, help="with --scale: another source tree to track the same folders with")
    parser.add_argument("--pairs", type=int,
                        help="with --scale: this many pairs in every folder (the rest of the files are older copies)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # pypdf warns about every widget it does not like
    if args.scale:
        scale([int(n) for n in args.scale.split(",")], args.old, args.pairs)
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = make_forms(folder, args.forms)
        made = time.perf_counter() - start
        n = len(files)
        words = sum(f.suffix == ".docx" for f in files)
        print(f"{n} returned forms ({words} Word, {n - words} PDF; {n // 2} pairs), "
              f"made in {made:.1f} s; best of {args.rounds} runs, one core")

        ours_s, tracker = timed(lambda: track([folder], as_of=AS_OF), args.rounds)
        assert len(tracker.pairs) == n // 2 and not tracker.problems, tracker.problems[:3]
        naive_s, values = timed(lambda: naive(files), args.rounds)
        line("ours (track: read, validate, pair, tables)", n, ours_s)
        line("naive (python-docx + pypdf get_fields)", n, naive_s)
        print(f"ratio: {naive_s / ours_s:.1f}x the naive loop "
              f"({len(tracker.pairs)} pairs, {len(tracker.activities)} activities tracked; "
              f"naive loop saw {values} non-empty values)")

        print("by format:")
        for sub, fmt, peer in (("word", ".docx", "python-docx"), ("pdf", ".pdf", "pypdf get_fields")):
            mine = [f for f in files if f.suffix == fmt]
            ours_f, _ = timed(lambda: track([folder / sub], as_of=AS_OF), args.rounds)
            naive_f, _ = timed(lambda: naive(mine), args.rounds)
            line(f"  ours {fmt}", len(mine), ours_f)
            line(f"  {peer}", len(mine), naive_f)
            print(f"  ratio {fmt}: {naive_f / ours_f:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
