"""Benchmark: filling and reading PDF forms, ours against the usual Python peers.

Same blank form (the built-in agreement), same records, N documents each, one core:

- ours: ``compile_template`` once, then ``render`` per record (an incremental
  update with an appearance stream for every filled field);
- pypdf, the naive loop: ``PdfWriter(clone_from=...)``, ``update_page_form_field_values``
  (which also draws appearances), ``write`` per record;
- PyPDFForm: ``PdfWrapper(form, use_full_widget_name=True).fill(values).read()``
  per record (it draws appearances too).

Then ours on a mixed-script record (names in Chinese and Arabic, the purpose in
Hindi): shaped with HarfBuzz, fonts found on the system and subset per document.
Then reading the filled documents back: ours (``read_form``, raw values) against
pypdf's ``PdfReader(...).get_fields()``.

    python bench/bench_pdf.py [--docs N]
"""

from __future__ import annotations

import argparse
import copy
import io
import logging
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentoring_docs import load  # noqa: E402
from mentoring_docs.catalogue import FieldKind, catalogue, flatten  # noqa: E402
from mentoring_docs.pdf import blank_template, compile_template, read_form  # noqa: E402

KIND = "agreement"
SAMPLES = ROOT / "samples"


def records(n: int) -> list[dict[str, Any]]:
    """``n`` different complete agreements, made from the bundled sample (or ``--samples``)."""
    import json

    base = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        rec = copy.deepcopy(base)
        rec["agreement_id"] = f"MPA-2026-{i:04d}"
        rec["mentee"]["name"] = f"{rec['mentee']['name']} {i}"
        rec["purpose"] = f"{rec.get('purpose', '')} (pair {i})"
        out.append(load(KIND, rec))
    return out


def mixed_records(n: int) -> list[dict[str, Any]]:
    """``n`` agreements whose names are Chinese and Arabic and whose purpose is in Hindi."""
    out = []
    for i, rec in enumerate(records(n)):
        rec["mentor"]["name"] = f"王芳 {i}"
        rec["mentee"]["name"] = f"أحمد الخطيب {i}"
        rec["purpose"] = ("नेतृत्व कौशल विकसित करना, डेटा पाइपलाइन का परीक्षण और दस्तावेज़ीकरण सीखना, "
                          f"और तिमाही विश्लेषण प्रस्तुत करना ({i})।")
        out.append(rec)
    return out


def peer_values(record: dict[str, Any], style: str) -> dict[str, Any]:
    """The record as the peers want it: text, checkbox states, dropdown picks."""
    cat = catalogue(KIND)
    out: dict[str, Any] = {}
    for path, value in flatten(KIND, record).items():
        fd = cat.lookup(path)
        if fd.kind is FieldKind.CHECKBOX:
            out[path] = "/Yes" if style == "pypdf" else True
        elif fd.kind is FieldKind.CHOICE and style == "pypdfform":
            out[path] = 1 + [c.value for c in fd.choices].index(value)  # option 0 is the blank one
        else:
            out[path] = fd.to_text(value)
    return out


def timed(label: str, func: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    func(items[0])  # warm up caches and imports
    start = time.perf_counter()
    outputs = [func(item) for item in items]
    elapsed = time.perf_counter() - start
    rate = len(items) / elapsed
    print(f"  {label:<34} {rate:9.1f} docs/s   {1000 * elapsed / len(items):8.2f} ms/doc")
    return rate, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60, help="documents per contender (default 60)")
    parser.add_argument("--paper", default="letter", choices=["letter", "a4"], help="which built-in form")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples",
                        help="folder whose agreement.json the records are made from")
    args = parser.parse_args()
    global SAMPLES
    SAMPLES = args.samples
    logging.disable(logging.WARNING)  # pypdf warns about every field it cannot find on a page

    from pypdf import PdfReader, PdfWriter
    from PyPDFForm import PdfWrapper

    blank = blank_template(KIND, args.paper)
    recs = records(args.docs)
    pypdf_vals = [peer_values(r, "pypdf") for r in recs]
    pyform_vals = [peer_values(r, "pypdfform") for r in recs]
    print(f"form: built-in {KIND} ({len(blank) // 1024} KiB), {len(flatten(KIND, recs[0]))} of its fields "
          f"filled per record; {args.docs} documents each, one core\n")

    print("fill")
    compiled = compile_template(KIND, paper=args.paper)
    ours, filled = timed("ours (compile once, render)", compiled.render, recs)
    mixed = mixed_records(args.docs)
    # Fonts are found and prepared for subsetting once per process (a font is
    # prepared when a second document uses it): that happens here, untimed.
    compiled.render(mixed[0])
    timed("ours, mixed-script record", compiled.render, mixed)

    def naive_pypdf(values: dict[str, Any]) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(blank))
        writer.update_page_form_field_values(None, values, auto_regenerate=False)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    pypdf_rate, _ = timed("pypdf clone+update+write", naive_pypdf, pypdf_vals)

    def pyform(values: dict[str, Any]) -> bytes:
        return PdfWrapper(blank, use_full_widget_name=True).fill(values).read()

    pyform_rate, _ = timed("PyPDFForm fill", pyform, pyform_vals)

    print(f"\n  ours / pypdf      = {ours / pypdf_rate:6.1f}x")
    print(f"  ours / PyPDFForm  = {ours / pyform_rate:6.1f}x")

    print("\nread back (the documents ours filled)")
    read_rate, _ = timed("ours (read_form)", lambda b: read_form(b, name="bench.pdf"), filled)
    get_fields_rate, _ = timed("pypdf PdfReader.get_fields", lambda b: PdfReader(io.BytesIO(b)).get_fields(), filled)
    print(f"\n  ours / pypdf get_fields = {read_rate / get_fields_rate:6.1f}x")
    extension_cost(recs, args.paper)


def extension_cost(recs: list[dict[str, Any]], paper: str = "letter") -> None:
    """What a field extension costs: its blank form for ``paper`` is generated on demand (once per process)."""
    from mentoring_docs.extension import load_extension
    from mentoring_docs.pdf.generate import build

    ext = load_extension(ROOT / "samples" / "program-questions.json")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        build(KIND, paper, ext)
        times.append(time.perf_counter() - start)
    print(f"\nfield extension (samples/program-questions.json)")
    print(f"  generate its blank {KIND} form ({paper}): {min(times) * 1000:7.1f} ms (best of 3; once per process)")
    with_questions = [load(KIND, {**r, "program_questions": {"site": "Leeds", "cohort": "spring"}}, extension=ext)
                      for r in recs]
    compiled = compile_template(KIND, paper=paper, extension=ext)
    timed("ours with the extension (render)", compiled.render, with_questions)


if __name__ == "__main__":
    main()
