"""Benchmark: folder names for a roster whose rows all have the same names.

Thousands of rows naming the same pair get `` (2)``, `` (3)``... Searching the
suffixes from (2) each time made this quadratic (8,000 such rows took five times
as long as 8,000 distinct ones); now each name continues from the last suffix it
was given. This times :class:`~mentoring_docs.naming.UniqueNames` alone on N
identical and N distinct names, and then the batch's planning of a real roster
of N identical rows against N distinct rows (``batch.generate`` with DOCX only).

    python bench/bench_names.py [--rows 8000] [--batch-rows 2000]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentoring_docs import batch  # noqa: E402
from mentoring_docs.batch.folder_names import UniqueNames  # noqa: E402
from mentoring_docs.batch.roster import open_roster  # noqa: E402


def _names(rows: int, same: bool) -> float:
    names = UniqueNames()
    started = time.perf_counter()
    for n in range(rows):
        names.claim("Ana Lima - Ben Okafor" if same else f"Ana Lima {n} - Ben Okafor")
    return time.perf_counter() - started


def _batch(rows: int, same: bool, work: Path) -> float:
    roster = work / f"roster-{'same' if same else 'distinct'}.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date"])
        for n in range(rows):
            writer.writerow(["Ben Okafor" if same else f"Ben Okafor {n}", "Ana Lima", "2026-01-12", "2026-07-10"])
    started = time.perf_counter()
    report = batch.generate(open_roster(roster), work / f"out-{same}", kinds=["agreement"], formats=["docx"], jobs=1)
    assert report.ok, report.summary()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=8000, help="names claimed (default 8000)")
    parser.add_argument("--batch-rows", type=int, default=2000, help="roster rows for the batch run (default 2000)")
    args = parser.parse_args()
    same, distinct = _names(args.rows, True), _names(args.rows, False)
    print(f"UniqueNames, {args.rows:,} names")
    print(f"  identical  {same * 1000:8.1f} ms")
    print(f"  distinct   {distinct * 1000:8.1f} ms   (identical / distinct = {same / distinct:.2f}x: "
          "two digests a name instead of one)")
    four = _names(4 * args.rows, True)
    print(f"  identical, {4 * args.rows:,} names {four * 1000:8.1f} ms   ({four / same:.1f}x the time for 4x the names; "
          "goal: near 4x, i.e. linear)")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        same_b, distinct_b = _batch(args.batch_rows, True, work), _batch(args.batch_rows, False, work)
    print(f"batch, {args.batch_rows:,} rows, agreement DOCX, 1 job")
    print(f"  identical  {same_b:8.2f} s")
    print(f"  distinct   {distinct_b:8.2f} s   (identical / distinct = {same_b / distinct_b:.2f}x; was 4.8x at 8,000 rows "
          "before the fix)")


if __name__ == "__main__":
    main()
