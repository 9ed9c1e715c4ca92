"""Benchmark: what digital signatures cost when forms are read and tracked.

N agreements (default 40) filled from the bundled sample, each in three versions:
unsigned (typed names only), signed by the mentor, and signed by mentor and mentee
(pyHanko, test certificates made here with ``cryptography``). Each round reads
every file with ``mentoring_docs.read`` and a trust root, in one process, and the
figure is the median over the rounds (wall) and the least CPU time of a round. Signing time per signature is measured too.
A signed file is validated in full (CMS, certificate path, and pyHanko's analysis
of every later revision), which is what costs; unsigned files only pay for a byte
search for ``/ByteRange``.

    python bench/bench_signatures.py [--forms N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from certs import PASSWORD, make_pki  # noqa: E402

import mentoring_docs as md  # noqa: E402
from _common import load_line, pin_one_core  # noqa: E402
from mentoring_docs.signatures import load_trust_roots  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{pin_one_core()}; {load_line()}")
    record = md.load("agreement", json.loads((ROOT / "samples" / "agreement.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pki = make_pki(folder / "pki")
        sets: dict[str, list[Path]] = {"unsigned": [], "mentor signed": [], "both signed": []}
        sign_times = []
        for i in range(args.forms):
            plain = md.fill("agreement", record, folder / f"{i}-plain.pdf")
            sets["unsigned"].append(plain)
            start = time.perf_counter()
            one = md.sign(plain, "mentor", pki.mentor.p12, password=PASSWORD, out=folder / f"{i}-one.pdf")
            sign_times.append(time.perf_counter() - start)
            sets["mentor signed"].append(one)
            two = md.sign(one, "mentee", pki.mentee.p12, password=PASSWORD, out=folder / f"{i}-two.pdf")
            sets["both signed"].append(two)
        roots = load_trust_roots([pki.ca_pem])
        print(f"{args.forms} agreements, {args.rounds} rounds; signing: "
              f"{statistics.median(sign_times) * 1000:.0f} ms per signature (median)")
        for name, files in sets.items():
            times, cpu = [], []
            for _ in range(args.rounds):
                start, start_cpu = time.perf_counter(), time.process_time()
                for path in files:
                    md.read(path, trust_roots=roots)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            best = statistics.median(times)
            print(f"  read {name:<14} {len(files) / best:7.1f} forms/s  ({best / len(files) * 1000:6.1f} ms each, "
                  f"CPU min {min(cpu) / len(files) * 1000:6.1f} ms)")
        print(f"  after: {load_line()}")


if __name__ == "__main__":
    main()
