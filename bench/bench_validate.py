"""Benchmark: ``validation.load`` on the records the form readers really hand it, against marshmallow.

Fills the bundled samples (plus a roster-style minimal agreement) as Word and
PDF forms, reads each back with the format backends and ``parse_flat`` -- the
exact input ``forms.interpret`` passes to ``validation.load_parsed(kind,
data)`` -- then times that call alone, and in the same run the peer:
marshmallow's own ``Schema.load`` of the same schema on the same records (what
``validation.load`` ran before :mod:`mentoring_docs.fastload`). Run it pinned to a
core (``taskset -c 0``). For a figure that other processes on the machine cannot
disturb, count instructions of ``--repeat N`` minus ``--repeat 0`` (valgrind
--tool=callgrind).

    python bench/bench_validate.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import load_line, pin_one_core  # noqa: E402
from mentoring_docs import Filler, forms, load, validation  # noqa: E402
from mentoring_docs.catalogue import parse_flat  # noqa: E402
from mentoring_docs.schema import SCHEMAS  # noqa: E402


def records() -> list[tuple[str, dict]]:
    """(kind, parse_flat output) for each sample, read back from a real Word and PDF form."""
    out = []
    for name, kind in (("agreement.json", "agreement"), ("agreement-minimal.json", "agreement"),
                       ("action_plan.json", "action_plan")):
        record = load(kind, json.loads((ROOT / "samples" / name).read_text(encoding="utf-8")))
        for fmt in ("docx", "pdf"):
            blob = Filler(kind, fmt).render(record)
            read_kind, raw, *_ = forms.backend(fmt).read_form(blob, name=f"{name}.{fmt}")
            data, problems = parse_flat(read_kind, raw)
            assert not problems, problems
            out.append((read_kind, data))
    return out


def timed(load: Callable[[str, dict], Any], batch: list[tuple[str, dict]], repeat: int) -> float:
    """Seconds for ``repeat`` loads of each record."""
    total = 0.0
    for kind, data in batch:
        start = time.perf_counter()
        for _ in range(repeat):
            load(kind, data)
        total += time.perf_counter() - start
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000, help="loads of each record (default 2000)")
    args = parser.parse_args()
    print(f"{pin_one_core()}; {load_line()}")
    batch = records()
    schemas = {kind: SCHEMAS[kind]() for kind in SCHEMAS}

    def ours(kind: Any, data: dict) -> Any:
        return validation.load_parsed(kind, data)

    def marshmallow(kind: str, data: dict) -> Any:
        return schemas[kind].load(data)

    for kind, data in batch:  # warm caches (schemas, compiled loaders, the time-zone list)
        assert ours(kind, data) == marshmallow(kind, data)
    mine = timed(ours, batch, args.repeat)
    if not args.repeat:  # --repeat 0: setup only, the baseline for an instruction count
        return
    peer = timed(marshmallow, batch, args.repeat)
    loads = args.repeat * len(batch)
    print(f"{len(batch)} records read back from Word and PDF, {args.repeat} loads each, one process")
    print(f"ours (validation.load, fast path)      {mine / loads * 1e6:8.1f} µs per record")
    print(f"marshmallow Schema.load              {peer / loads * 1e6:8.1f} µs per record")
    print(f"ratio: {peer / mine:.1f}x")


if __name__ == "__main__":
    main()
