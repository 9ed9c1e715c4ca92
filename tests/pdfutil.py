"""Helpers for the PDF tests: fill, read back, render with the real viewers, measure ink."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from mentoring_docs import load
from mentoring_docs.forms import interpret
from mentoring_docs.pdf import compile_template, read_form

ROOT = Path(__file__).resolve().parent.parent


def sample(kind: str) -> dict[str, Any]:
    """A bundled complete sample, validated."""
    return load(kind, json.loads((ROOT / "samples" / f"{kind}.json").read_text(encoding="utf-8")))


def sample_with(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The bundled sample with the values at some dotted paths replaced, validated again.

    A validated record must not be changed in place (its flat form is cached), so the
    changes go into the plain data before it is loaded.
    """
    data = json.loads((ROOT / "samples" / f"{kind}.json").read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
    return load(kind, data)


def fill(kind: str, record: dict[str, Any], **options: Any) -> bytes:
    return compile_template(kind, **options).render(record)


def read(blob: bytes, password: str | None = None, name: str = "test.pdf"):
    """The core's ReadResult for a PDF's bytes."""
    kind, raw, found = read_form(blob, name=name, password=password)
    return interpret(name, "pdf", kind, raw, found)


def widgets(blob: bytes) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """(qualified field name, page index, rect) of every widget of the form."""
    out = []
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        for index, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Widget":
                    continue
                parts, node = [], annot
                while node is not None:
                    if "/T" in node:
                        parts.append(str(node.T))
                    node = node.get("/Parent")
                out.append((".".join(reversed(parts)), index, tuple(float(v) for v in annot.Rect)))
    return out


def render(tool: str, pdf: Path, page: int, out: Path, dpi: int = 100) -> Image.Image:
    """Page ``page`` (0-based) of ``pdf`` rendered by poppler or MuPDF, as a greyscale image."""
    if tool == "pdftoppm":
        prefix = out.with_suffix("")
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1),
                        "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True, timeout=60)
        path = prefix.with_suffix(".png")
    else:
        path = out
        subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-o", str(path), str(pdf), str(page + 1)],
                       check=True, capture_output=True, timeout=60)
    return Image.open(path).convert("L")


def ink(image: Image.Image, rect: tuple[float, float, float, float], dpi: int = 100) -> int:
    """Dark pixels inside a field's box (shrunk by its border), at the render's scale."""
    scale = dpi / 72
    x1, y1, x2, y2 = rect
    height = image.height
    box = (int(x1 * scale) + 2, int(height - y2 * scale) + 2, int(x2 * scale) - 2, int(height - y1 * scale) - 2)
    if box[2] <= box[0] or box[3] <= box[1]:
        return 0
    return sum(image.crop(box).histogram()[:128])


def stored(blob: bytes) -> bytes:
    """The file's bytes followed by the inflated content of its object streams (where our
    forms keep their dictionaries), for tests that look for PDF syntax as written."""
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        return blob + b"".join(obj.read_bytes() for obj in pdf.objects
                               if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/ObjStm")
