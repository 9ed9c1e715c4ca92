"""Benchmark: filling and reading PDF forms, ours against a competent pikepdf peer and the usual Python peers.

Same blank form (the built-in agreement), same records, N documents each, one core,
the contenders alternated inside each of several rounds (min and median printed;
bench/README.md says what each peer is and why it is fair):

- ours: ``compile_template`` once, then ``render`` per record (an incremental
  update with an appearance stream for every filled field);
- pypdf, the naive loop: ``PdfWriter(clone_from=...)``, ``update_page_form_field_values``
  (which also draws appearances), ``write`` per record;
- PyPDFForm: ``PdfWrapper(form, use_full_widget_name=True).fill(values).read()``
  per record (it draws appearances too);
- the competent pikepdf peer: open the blank, walk the field tree once, set
  ``/V`` (and ``/AS`` for check boxes), set ``/NeedAppearances`` and save. It
  draws no appearance at all, so it does less work than ours: a viewer must
  draw the values itself, and some (macOS Preview, many mobile viewers, print
  pipelines) show empty boxes.

Then ours on a mixed-script record (names in Chinese and Arabic, the purpose in
Hindi): shaped with HarfBuzz, fonts found on the system and subset per document.
Then reading the filled documents back: ours (``read_form``, raw values) against
pypdf's ``PdfReader(...).get_fields()`` and a pikepdf walk of the field tree
(full name -> ``/V``). Every contender's output size per document is printed.

    python bench/bench_pdf.py [--docs N] [--rounds R]
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

import pikepdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import Rates, goal, load_line, pin_one_core  # noqa: E402

from mentoring_docs import DataError, forms, load  # noqa: E402
from mentoring_docs.catalogue import FieldKind, catalogue, flatten, unflatten  # noqa: E402
from mentoring_docs.pdf import blank_template, compile_template, read_form  # noqa: E402

KIND = "agreement"
SAMPLES = ROOT / "samples"


def records(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` different complete agreements, made from the bundled sample or ``--samples`` (numbered from ``start``).

    They differ in the id, the mentee's name and the purpose, as the documents of one
    program's batch do; the program, coordinator, dates and choices repeat.
    """
    import json

    base = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    out = []
    for i in range(start, start + n):
        rec = copy.deepcopy(base)
        rec["agreement_id"] = f"MPA-2026-{i:04d}"
        rec["mentee"]["name"] = f"{rec['mentee']['name']} {i}"
        rec["purpose"] = f"{rec.get('purpose', '')} (pair {i})"
        out.append(load(KIND, rec))
    return out


def distinct_records(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` agreements in which every text value differs from every other document's.

    No appearance can be reused from an earlier document: the worst case for the
    filler's cache of drawn values (emails and other checked formats are left alone).
    ``start`` numbers the documents, so that each round can get values never seen before.
    """
    cat = catalogue(KIND)
    out = []
    for i, rec in enumerate(records(n, start)):
        original = flatten(KIND, rec)
        flat = {path: f"{value} #{start + i}" if cat.lookup(path).kind in (FieldKind.TEXT, FieldKind.LONG_TEXT) else value
                for path, value in original.items()}
        for _ in range(5):  # fields with a format of their own (emails, time zones) get their value back
            try:
                out.append(load(KIND, unflatten(KIND, flat)))
                break
            except DataError as exc:
                flat.update({p.path: original[p.path] for p in exc.problems if p.path in original})
        else:
            raise RuntimeError("no valid record with distinct values")
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


def field_tree(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    """Every terminal field of the form by its full name (parts joined by dots)."""
    out: dict[str, pikepdf.Dictionary] = {}
    stack = [(field, "") for field in pdf.Root.AcroForm.Fields]
    while stack:
        field, prefix = stack.pop()
        name = prefix + str(field.T) if "/T" in field else prefix[:-1]
        kids = field.get("/Kids")
        if kids is not None and any("/T" in kid for kid in kids):
            stack.extend((kid, name + ".") for kid in kids)
        else:
            out[name] = field
    return out


def pikepdf_fill(blank: bytes, values: dict[str, Any]) -> bytes:
    """The competent pikepdf peer: set /V, let the viewer draw (NeedAppearances); no appearance streams."""
    with pikepdf.open(io.BytesIO(blank)) as pdf:
        fields = field_tree(pdf)
        for name, value in values.items():
            field = fields[name]
            if value is True:
                on = pikepdf.Name("/Yes")
                field.V = on
                for widget in field.get("/Kids", [field]):
                    widget.AS = on
            else:
                field.V = pikepdf.String(value)
        pdf.Root.AcroForm.NeedAppearances = True
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _resaved(blob: bytes) -> bytes:
    """``blob`` saved again by pikepdf (one revision, no update of ours on top)."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def pikepdf_read(blob: bytes) -> dict[str, str]:
    """The competent pikepdf reader: every field's full name and its /V as text."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        return {name: str(field.V) for name, field in field_tree(pdf).items() if "/V" in field}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60, help="documents per contender and round (default 60)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; min and median are printed")
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
    pike_vals = [peer_values(r, "pikepdf") for r in recs]
    mixed = mixed_records(args.docs)
    # A new set of distinct records for every round (and one for the warm-up):
    # a round must not reuse what an earlier round drew.
    distinct_rounds = [distinct_records(args.docs, start=(r + 1) * 1000 + 500) for r in range(args.rounds)]
    print(f"PDF forms ({args.paper}), {pin_one_core()}; {load_line()}")
    print(f"form: built-in {KIND} ({len(blank) // 1024} KiB), {len(flatten(KIND, recs[0]))} of its fields "
          f"filled per record; {args.docs} documents per contender and round\n")

    compiled = compile_template(KIND, paper=args.paper)

    def naive_pypdf(values: dict[str, Any]) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(blank))
        writer.update_page_form_field_values(None, values, auto_regenerate=False)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def pyform(values: dict[str, Any]) -> bytes:
        return PdfWrapper(blank, use_full_widget_name=True).fill(values).read()

    # Warm-up, untimed: caches, imports, and the fonts of the mixed-script record
    # (found and prepared for subsetting once per process).
    compiled.render(recs[0])
    compiled.render(mixed[0])
    compiled.render(distinct_records(1)[0])
    naive_pypdf(pypdf_vals[0])
    pyform(pyform_vals[0])
    pikepdf_fill(blank, pike_vals[0])

    rates = Rates()
    sizes: dict[str, float] = {}
    contenders: list[tuple[str, Callable[[Any], bytes], list[Any]]] = [
        ("ours (compile once, render)", compiled.render, recs),  # replaced by a new batch each round
        ("ours, mixed-script record", compiled.render, mixed),
        ("pikepdf peer: /V + NeedAppearances", lambda v: pikepdf_fill(blank, v), pike_vals),
        ("pypdf clone+update+write", naive_pypdf, pypdf_vals),
        ("PyPDFForm fill", pyform, pyform_vals),
    ]
    # Ours keeps the appearances it drew: each round gets records it has not seen
    # (new ids, names and purposes), so no round reuses more than a batch would.
    batch_rounds = [records(args.docs, start=(r + 1) * 1000) for r in range(args.rounds)]
    filled: list[bytes] = []
    for round_ in range(args.rounds):
        label = "ours, every text value distinct"
        outputs = rates.run(label, compiled.render, distinct_rounds[round_])
        sizes[label] = sum(len(o) for o in outputs) / len(outputs) / 1024
        contenders[0] = (contenders[0][0], compiled.render, batch_rounds[round_])
        for label, func, items in contenders:
            outputs = rates.run(label, func, items)
            sizes[label] = sum(len(o) for o in outputs) / len(outputs) / 1024
            if label.startswith("ours (compile"):
                filled = outputs
        rates.run("read: ours (read_form, raw)", lambda b: read_form(b, name="bench.pdf"), filled)
        rates.run("read: ours (typed, validated)", lambda b: forms.read(b, name="bench.pdf"), filled)
        resaved = [_resaved(b) for b in filled]  # as another program saves them: the careful reading
        rates.run("read: ours typed, saved by pikepdf", lambda b: forms.read(b, name="bench.pdf"), resaved)
        rates.run("read: pikepdf field walk", pikepdf_read, filled)
        rates.run("read: pypdf PdfReader.get_fields", lambda b: PdfReader(io.BytesIO(b)).get_fields(), filled)

    print("fill")
    for label in [contenders[0][0], "ours, every text value distinct"] + [c[0] for c in contenders[1:]]:
        print(f"{rates.line(label, 36)}  {sizes[label]:6.1f} KiB/doc")
    ours = rates.best("ours (compile once, render)")
    peer = rates.best("pikepdf peer: /V + NeedAppearances")
    print(goal("ours / pikepdf peer (ours draws every appearance)", ours / peer, 10))
    print(goal("ours, every text distinct / pikepdf peer", rates.best("ours, every text value distinct") / peer, 10))
    print(f"  {'ours / pypdf (what users do today)':<44} {ours / rates.best('pypdf clone+update+write'):7.2f}x")
    print(f"  {'ours / PyPDFForm (what users do today)':<44} {ours / rates.best('PyPDFForm fill'):7.2f}x")
    size = sizes["ours (compile once, render)"]
    print(f"  {'filled agreement size':<44} {size:7.1f} KiB  goal <= 60 KiB: {'MET' if size <= 60 else 'not met'}")
    import json

    plan = load("action_plan", json.loads((SAMPLES / "action_plan.json").read_text(encoding="utf-8")))
    plan_size = len(compile_template("action_plan", paper=args.paper).render(plan)) / 1024
    print(f"  {'filled action plan size (bundled sample)':<44} {plan_size:7.1f} KiB  goal <= 80 KiB: "
          f"{'MET' if plan_size <= 80 else 'not met'}")

    print("\nread back (the documents ours filled)")
    for label in ("read: ours (read_form, raw)", "read: ours (typed, validated)", "read: ours typed, saved by pikepdf",
                  "read: pikepdf field walk", "read: pypdf PdfReader.get_fields"):
        print(rates.line(label, 36))
    walk = rates.best("read: pikepdf field walk")
    print(goal("typed read / pikepdf walk", rates.best("read: ours (typed, validated)") / walk, 2))
    print(f"  {'raw read / pikepdf walk':<44} {rates.best('read: ours (read_form, raw)') / walk:7.2f}x")
    print(f"  {'typed read of a file saved elsewhere / walk':<44} "
          f"{rates.best('read: ours typed, saved by pikepdf') / walk:7.2f}x")
    print(f"  {'raw read / pypdf get_fields':<44} "
          f"{rates.best('read: ours (read_form, raw)') / rates.best('read: pypdf PdfReader.get_fields'):7.2f}x")
    extension_cost(recs, args.paper)
    print(f"  after: {load_line()}")


def timed(label: str, func: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    """One timed pass of ``func`` over ``items`` after a warm-up call; prints and returns docs/s."""
    func(items[0])
    start = time.perf_counter()
    outputs = [func(item) for item in items]
    elapsed = time.perf_counter() - start
    print(f"  {label:<34} {len(items) / elapsed:9.1f} docs/s   {1000 * elapsed / len(items):8.2f} ms/doc")
    return len(items) / elapsed, outputs


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
