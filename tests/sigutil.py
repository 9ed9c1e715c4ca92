"""Helpers for the signature tests: a signed agreement, raw incremental updates, pdfsig."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf

from mentoring_docs import fill, load

#: Typed names that match the test certificates (tests/certs.py).
RECORD = {
    "mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
    "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
    "purpose": "Grow as a team lead.",
    "signatures": {"mentor": {"name": "Ana Lima", "date": "2026-01-12"},
                   "mentee": {"name": "Ben Okafor", "date": "2026-01-12"}},
}


def filled_agreement(path: Path, record: dict | None = None) -> Path:
    """The agreement filled with ``record`` (default :data:`RECORD`), as a PDF file."""
    return fill("agreement", load("agreement", record or RECORD), path)


def append_update(blob: bytes, objects: dict[int, bytes], new: list[bytes] = ()) -> bytes:
    """``blob`` with an incremental update: new versions of ``objects`` (number -> body, generation 0)
    and brand-new objects ``new``, written by hand as any PDF editor would append them."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.trailer.Root.objgen
        ids = pdf.trailer.get("/ID")
        id0 = bytes(ids[0]).hex() if ids is not None else "00" * 16
    prev = int(re.findall(rb"startxref\s+(\d+)", blob)[-1])
    out = bytearray(blob if blob.endswith(b"\n") else blob + b"\n")
    offsets: dict[int, int] = {}
    numbered = dict(objects)
    for i, body in enumerate(new):
        numbered[size + i] = body
    for num, body in sorted(numbered.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (num, offsets[num])
    out += (b"trailer\n<< /Size %d /Root %d %d R /Prev %d /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (size + len(new), root[0], root[1], prev, id0.encode(), b"11" * 16, xref))
    return bytes(out)


def field_object(blob: bytes, name: str) -> tuple[int, bytes]:
    """(object number, dictionary without its /V and its closing ``>>``) of the merged field ``name``
    (its appearance dictionary kept, as a filler that sets only the value keeps it)."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                parts, node = [], annot
                while node is not None:
                    if "/T" in node:
                        parts.append(str(node.T))
                    node = node.get("/Parent")
                if ".".join(reversed(parts)) == name:
                    body = pikepdf.Dictionary({k: v for k, v in annot.items() if k not in ("/V",)})
                    return annot.objgen[0], body.unparse()[:-2]
    raise KeyError(name)


def pdfsig(path: Path) -> tuple[str, list[dict[str, str]]]:
    """poppler's ``pdfsig`` output, and one dict per signature (field name, validation lines)."""
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    text = done.stdout + done.stderr
    found: list[dict[str, str]] = []
    for line in text.splitlines():
        if re.match(r"^Signature #\d+:", line):
            found.append({})
        elif found and ":" in line and line.strip().startswith("- "):
            key, _, value = line.strip()[2:].partition(":")
            found[-1][key.strip()] = value.strip()
    return text, found
