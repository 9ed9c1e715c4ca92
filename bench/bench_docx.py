"""Word form filling and reading: mentoring-docs against a competent Jinja peer, the naive docxtpl loop and the floor.

All fill the same template (the built-in one; for the Jinja contenders, the same
XML with Jinja tags in the controls and ``{% for %}`` around list rows) with the
same records, on one core, alternating inside each round (bench/README.md says
what each contender is and why the comparison is fair):

- ours: ``compile_template`` once, ``render`` per record;
- competent Jinja peer: docxtpl's XML preprocessing (``patch_xml``) done once,
  the Jinja template compiled once, then ``render`` and a ``zipfile`` write per record;
- naive docxtpl loop: what the docxtpl documentation shows, a new ``DocxTemplate``,
  ``render`` and ``save`` per record;
- floor: only the filled ``word/document.xml`` deflated at level 1 with its CRC,
  joined with the other parts compressed once up front (zlib; the same with
  ISA-L's deflate, which ours uses, is printed next to it).

Reading back: ours (raw fields, and typed + validated) against ``zipfile`` + an
lxml walk over every ``w:sdt`` (tag and text).

    python bench/bench_docx.py [--kind agreement|action_plan|both] [-n 400] [--naive-n 40] [--rounds 5]
                               [--paper letter|a4] [--samples FOLDER]

``--samples`` takes the records from another folder's ``<kind>.json`` (for example
a copy of the samples from before a field was added, to compare like with like).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zipfile
import zlib

import jinja2
from isal import isal_zlib
from docxtpl import DocxTemplate
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import Rates, goal, load_line, pin_one_core  # noqa: E402

from mentoring_docs import dump, forms, load  # noqa: E402
from mentoring_docs.catalogue import FieldKind  # noqa: E402
from mentoring_docs.docx import blank_template, compile_template, read_form  # noqa: E402
from mentoring_docs.docx.render import OP_DATE, OP_DID, OP_MARK, OP_SID, OP_TAG, OP_VALUE, Loop, Slot  # noqa: E402
from mentoring_docs.docx.package import Package, pack_parts, read_all, write_zip  # noqa: E402


SAMPLES = ROOT / "samples"
PAPER = "letter"


def records(kind: str, n: int) -> list[dict[str, Any]]:
    """``n`` different valid records, variations of the bundled complete sample."""
    base = json.loads((SAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        record = copy.deepcopy(base)
        record["mentee"]["name"] = f"{base['mentee']['name']} {i}"
        record["mentor"]["name"] = f"{base['mentor']['name']} {i}"
        record["agreement_id"] = f"BENCH-{i:05d}"
        out.append(load(kind, record))
    return out


def mixed_records(kind: str, n: int) -> list[dict[str, Any]]:
    """The records of :func:`records` with names in Arabic and Chinese and one long text in Hindi and Hebrew.

    These take the script path of the Word backend: runs by script and direction, ``w:rtl``/``w:bidi``.
    """
    out = []
    for i, record in enumerate(records(kind, n)):
        record = copy.deepcopy(record)
        record["mentor"]["name"] = f"أحمد الخطيب {i}"
        record["mentee"]["name"] = f"王芳 (Wang Fang) {i}"
        text = "हर सप्ताह एक बैठक, और हर महीने एक समीक्षा।\nשורה שנייה בעברית 2026"
        if kind == "agreement":
            record["purpose"] = text
        else:
            record["goals"][0]["description"] = text
        out.append(record)
    return out


# -- the docxtpl version of the same template -------------------------------------------------


def _subscript(var: str, path: str) -> str:
    return var + "".join(f"[{key!r}]" for key in path.split(".") if key)


def _expr(slot: Slot, scope: str) -> str:
    pattern = slot.field.path
    if pattern.endswith(".*"):
        return scope
    return _subscript(scope, pattern.rsplit(".*.", 1)[-1])


def _jinja(program: list[Any], scope: str, depth: int) -> str:
    out: list[str] = []
    for piece in program:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, int):
            out.append("1")  # docxtpl copies ids as they are
        elif isinstance(piece, Slot):
            out.append(_jinja_slot(piece, scope))
        elif isinstance(piece, Loop):
            var = f"it{depth}"
            out.append(f"{{% for {var} in ({_subscript(scope, '.'.join(piece.keys))} or []) %}}")
            out.append(_jinja(piece.body, var, depth + 1))
            out.append("{% endfor %}")
    return "".join(out)


def _variant(pieces: list[Any], slot: Slot, value: str) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif piece in (OP_SID, OP_DID):
            out.append("1")
        elif piece == OP_TAG:
            out.append(slot.field.path)
        elif piece == OP_VALUE:
            out.append(f'<w:r><w:t xml:space="preserve">{{{{ {value} }}}}</w:t></w:r>')
        elif piece == OP_DATE:
            out.append(f"{{{{ {value} }}}}T00:00:00Z")
        elif piece == OP_MARK:
            pass
    return "".join(out)


def _jinja_slot(slot: Slot, scope: str) -> str:
    fd = slot.field
    if fd.kind is FieldKind.CHECKBOX:
        group, _, name = fd.path.rpartition(".")
        condition = f"{name!r} in ({_subscript(scope, group)} or [])"
        return (f"{{% if {condition} %}}{_variant(slot.filled, slot, '')}"
                f"{{% else %}}{_variant(slot.empty, slot, '')}{{% endif %}}")
    value = _expr(slot, scope)
    return f"{{% if {value} %}}{_variant(slot.filled, slot, value)}{{% else %}}{_variant(slot.empty, slot, '')}{{% endif %}}"


def docxtpl_template(kind: str) -> bytes:
    """The built-in template with Jinja tags where mentoring-docs has its slots."""
    compiled = compile_template(kind, paper=PAPER)
    body = _jinja(compiled._program, "d", 1)  # noqa: SLF001 - the bench mirrors our own program
    parts = read_all(Package(blank_template(kind, PAPER), "template"))
    parts["word/document.xml"] = body.encode("utf-8")
    return write_zip(pack_parts(parts))


# -- the competent peers and the floor -------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class JinjaPeer:
    """docxtpl's preprocessing once, the Jinja template compiled once; per record: render and zip."""

    def __init__(self, path: Path, env: jinja2.Environment) -> None:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        self.template = env.from_string(tpl.patch_xml(tpl.get_xml()))
        with zipfile.ZipFile(path) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]

    def fill(self, context: dict[str, Any]) -> bytes:
        xml = self.template.render(context).encode("utf-8")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for info, data in self.parts:
                zf.writestr(info.filename, xml if info.filename == "word/document.xml" else data)
        return out.getvalue()


class Floor:
    """The least a fill must do: deflate the filled document.xml (level 1), CRC it, join it with the rest.

    The rest (every other part, compressed once here) and the zip headers are
    taken as free; the filled XML itself is ours, taken from a finished fill.
    """

    def __init__(self, template: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(template)) as zf:
            self.rest = b"".join(zlib.compress(zf.read(i), 1) for i in zf.infolist()
                                 if i.filename != "word/document.xml")

    def fill(self, xml: bytes) -> bytes:
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = compressor.compress(xml) + compressor.flush()
        return b"".join((self.rest, zlib.crc32(xml).to_bytes(4, "little"), body))


class IsalFloor(Floor):
    """The floor with ISA-L's deflate and CRC-32 (level 1), as ours deflates the body: shown, not a goal.

    Ours deflates with ISA-L, three times as fast as zlib on this XML, so it can
    pass the zlib floor; this line says how close it is to the floor of the
    deflater it actually uses.
    """

    def fill(self, xml: bytes) -> bytes:
        return b"".join((self.rest, isal_zlib.crc32(xml).to_bytes(4, "little"), isal_zlib.compress(xml, 1, -15)))


def _rezipped(blob: bytes) -> bytes:
    """``blob`` zipped again by ``zipfile`` (entries dated now), as any editor saves it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return out.getvalue()


def lxml_walk(blob: bytes) -> dict[str, str]:
    """The competent reader: every content control's tag and its text, by ``zipfile`` and lxml."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    out: dict[str, str] = {}
    for sdt in root.iter(W + "sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        content = sdt.find(W + "sdtContent")
        if tag is None or content is None:
            continue
        out[tag.get(W + "val", "")] = "".join(t.text or "" for t in content.iter(W + "t"))
    return out


# -- measuring ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="both", choices=["agreement", "action_plan", "both"])
    parser.add_argument("-n", type=int, default=400, help="documents per round for ours, the peer and the floor")
    parser.add_argument("--naive-n", type=int, default=40, help="documents per round for the naive docxtpl loop")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; min and median are printed")
    parser.add_argument("--paper", default="letter", choices=["letter", "a4"], help="which built-in template")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples", help="folder of the sample records")
    args = parser.parse_args(argv)
    global SAMPLES, PAPER
    SAMPLES, PAPER = args.samples, args.paper
    print(f"Word forms ({PAPER}), {pin_one_core()}; {load_line()}")
    for kind in (["agreement", "action_plan"] if args.kind == "both" else [args.kind]):
        bench(kind, args)
    print(f"  after: {load_line()}")
    return 0


def bench(kind: str, args: argparse.Namespace) -> None:
    """Measure and print one kind of document."""
    data = records(kind, max(args.n, args.naive_n))[: max(args.n, args.naive_n)]
    mixed = mixed_records(kind, args.n)
    contexts = [{"d": dump(kind, record)} for record in data]

    start = time.perf_counter()
    compiled = compile_template(kind, paper=PAPER)
    compile_seconds = time.perf_counter() - start
    floor = Floor(blank_template(kind, PAPER))
    isal_floor = IsalFloor(blank_template(kind, PAPER))
    rates = Rates()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docxtpl-template.docx"
        path.write_bytes(docxtpl_template(kind))
        env = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=True)
        peer = JinjaPeer(path, env)

        def naive(context: dict[str, Any]) -> bytes:
            tpl = DocxTemplate(str(path))
            tpl.render(context, env)
            out = io.BytesIO()
            tpl.save(out)
            return out.getvalue()

        # A first pass outside the timing: warms caches, and gives the floor its filled XML.
        ours: list[bytes] = [compiled.render(r) for r in data[: args.n]]
        xmls = [zipfile.ZipFile(io.BytesIO(b)).read("word/document.xml") for b in ours]
        peer_out = [peer.fill(c) for c in contexts[:2]]
        # The same documents as an editor leaves them (re-zipped with today's date, as Word,
        # LibreOffice and python-docx do): these take the careful reading (lxml), never the fast one.
        resaved = [_rezipped(b) for b in ours]
        for _ in range(args.rounds):
            ours = rates.run("ours: compiled template", compiled.render, data[: args.n])
            rates.run("ours: Arabic/CJK/Hindi values", compiled.render, mixed)
            peer_out = rates.run("competent peer: Jinja once + zipfile", peer.fill, contexts[: args.n])
            rates.run("naive docxtpl loop", naive, contexts[: args.naive_n])
            rates.run("floor: deflate document.xml + join", floor.fill, xmls)
            rates.run("floor with ISA-L deflate (as ours)", isal_floor.fill, xmls)
            rates.run("read: ours, raw fields", lambda b: read_form(b, name="bench.docx"), ours)
            rates.run("read: ours, typed + validated", lambda b: forms.read(b, name="bench.docx"), ours)
            rates.run("read: ours, typed, file saved by an editor", lambda b: forms.read(b, name="bench.docx"),
                      resaved)
            rates.run("read: zipfile + lxml walk over w:sdt", lxml_walk, ours)

    print(f"\nkind {kind}: {len(lxml_walk(ours[0]))} content controls; compile once {compile_seconds * 1000:.1f} ms;"
          f" output {len(ours[0]) / 1024:.1f} KiB ours, {len(peer_out[0]) / 1024:.1f} KiB peer")
    print("fill")
    for label in ("ours: compiled template", "ours: Arabic/CJK/Hindi values", "competent peer: Jinja once + zipfile",
                  "naive docxtpl loop", "floor: deflate document.xml + join", "floor with ISA-L deflate (as ours)"):
        print(rates.line(label))
    ours_rate = rates.best("ours: compiled template")
    print(goal("ours / competent Jinja peer", ours_rate / rates.best("competent peer: Jinja once + zipfile"), 3))
    print(goal("ours / floor (share of the floor's speed)",
               100 * ours_rate / rates.best("floor: deflate document.xml + join"), 80, "%"))
    print(f"  {'ours / floor with ISA-L deflate (shown)':<44} "
          f"{100 * ours_rate / rates.best('floor with ISA-L deflate (as ours)'):7.2f}%")
    print(f"  {'ours / naive docxtpl loop (what users do today)':<44} "
          f"{ours_rate / rates.best('naive docxtpl loop'):7.2f}x")
    print("read back")
    for label in ("read: ours, raw fields", "read: ours, typed + validated",
                  "read: ours, typed, file saved by an editor", "read: zipfile + lxml walk over w:sdt"):
        print(rates.line(label))
    walk = rates.best("read: zipfile + lxml walk over w:sdt")
    print(goal("typed read / lxml walk", rates.best("read: ours, typed + validated") / walk, 1.5))
    print(f"  {'raw read / lxml walk':<44} {rates.best('read: ours, raw fields') / walk:7.2f}x")
    print(f"  {'typed read of an edited file / lxml walk':<44} "
          f"{rates.best('read: ours, typed, file saved by an editor') / walk:7.2f}x")


if __name__ == "__main__":
    sys.exit(main())
