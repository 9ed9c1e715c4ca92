"""Generate the blank PDF forms from the field catalogue.

The committed forms in ``mentoring_docs/templates/`` are this module's output;
a test regenerates them and compares bytes, so the PDF and the data model never
drift. After changing the schemas or the layout run::

    python -m mentoring_docs.pdf.generate --write
"""

from __future__ import annotations

import argparse
import io
import sys
from importlib import resources
from typing import TYPE_CHECKING
from pathlib import Path

import pikepdf

from ..catalogue import catalogue
from ..kinds import KINDS
from ..paper import PAPERS, SIZES, parse_paper, suffix
from .assemble import add_fields, save
from .extension_info import store_extension
from .layout import draw

if TYPE_CHECKING:
    from ..extension import Extension


def build(kind: str, paper: str = "letter", extension: Extension | None = None) -> bytes:
    """The blank fillable form of ``kind`` for ``paper`` (with an extension's Program questions), byte for
    byte reproducible.

    A form made with an extension keeps it in its document information (see
    :mod:`.extension_info`), so that it can be read without the extension file.
    """
    cat = catalogue(kind, extension)
    art, widgets, _pages = draw(cat, SIZES[parse_paper(paper)])
    with pikepdf.open(io.BytesIO(art)) as pdf:
        add_fields(pdf, widgets)
        if cat.extension is not None:
            store_extension(pdf, cat.extension)
        return save(pdf)


def template_name(kind: str, paper: str = "letter") -> str:
    """File name of the built-in blank form of ``kind`` for ``paper``."""
    return f"{kind}{suffix(paper)}.pdf"


def _template_dir() -> Path:
    return Path(str(resources.files("mentoring_docs").joinpath("templates")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the forms into the package")
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed form is out of date")
    args = parser.parse_args(argv)
    stale = []
    for kind, paper in ((k, p) for k in KINDS for p in PAPERS):
        data = build(kind, paper)
        path = _template_dir() / template_name(kind, paper)
        current = path.read_bytes() if path.exists() else b""
        if current != data:
            stale.append(path)
            if args.write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                print(f"wrote {path} ({len(data)} bytes)")
    if args.check and stale:
        print("out of date: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
