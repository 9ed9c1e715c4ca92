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

    python bench/bench_track.py [--forms N] [--rounds R]
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


def make_forms(folder: Path, n: int) -> list[Path]:
    """``n`` filled forms in ``folder``: formats and kinds alternate, one pair per two forms."""
    agreement, plan = sample("agreement.json"), sample("action_plan.json")
    fillers = {(kind, fmt): Filler(kind, fmt) for kind in ("agreement", "action_plan") for fmt in ("docx", "pdf")}
    files = []
    for i in range(n):
        kind = "agreement" if i % 2 == 0 else "action_plan"
        fmt = "docx" if (i // 2) % 2 == 0 else "pdf"
        record = copy.deepcopy(agreement if kind == "agreement" else plan)
        pair = i // 2
        record["agreement_id"] = f"MPA-2026-{pair:04d}"
        record["mentee"]["name"] = f"{record['mentee']['name']} {pair}"
        if kind == "action_plan":
            record["goals"][0]["activities"][0]["status"] = ("completed", "in_progress", "not_started")[pair % 3]
            if record["goals"][0]["activities"][0]["status"] != "completed":
                record["goals"][0]["activities"][0].pop("completed_on", None)
        path = folder / f"pair-{pair:04d}" / f"{kind}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fillers[(kind, fmt)].render(load(kind, record), validated=True))
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


def timed(func: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=1000, help="number of returned forms (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="best of R timed runs each (default 3)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # pypdf warns about every widget it does not like
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

        ours_s, tracker = timed(lambda: track([folder], as_of=dt.date(2026, 3, 2)), args.rounds)
        assert len(tracker.pairs) == n // 2 and not tracker.problems, tracker.problems[:3]
        naive_s, values = timed(lambda: naive(files), args.rounds)

        print(f"{'ours (track: read, validate, pair, tables)':48s} {n / ours_s:8.1f} forms/s  {ours_s:7.2f} s")
        print(f"{'naive (python-docx + pypdf get_fields)':48s} {n / naive_s:8.1f} forms/s  {naive_s:7.2f} s")
        print(f"ratio: {naive_s / ours_s:.1f}x the naive loop "
              f"({len(tracker.pairs)} pairs, {len(tracker.activities)} activities tracked; "
              f"naive loop saw {values} non-empty values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
