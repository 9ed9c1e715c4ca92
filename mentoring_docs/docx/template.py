"""Generates the built-in Word templates from the field catalogue.

The templates are committed as ``mentoring_docs/templates/<kind>.docx`` so that
users can open them; a test checks that they are exactly what this module
generates. After changing the catalogue or the layout, regenerate them with::

    python -m mentoring_docs.docx
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..kinds import KINDS
from ..paper import PAPERS, suffix
from ..shipped import shipped_bytes

if TYPE_CHECKING:
    from ..extension import Extension

RECORD_ITEM = 1


def build_template(kind: str, paper: str = "letter", extension: Extension | None = None) -> bytes:
    """The built-in template of ``kind`` for ``paper`` (with an extension's Program questions) as DOCX
    bytes (deterministic)."""
    # Here, not at the top: a fill reads the committed template and never generates one.
    from . import parts
    from .layout import Layout
    from .package import pack_parts, write_zip
    from .record import item_props_xml, record_xml

    layout = Layout(kind, extension)
    body = layout.body()
    cat = layout.cat
    placeholders = {fd.path: fd.help for fd in cat.fields}
    members = {
        "[Content_Types].xml": parts.content_types_xml(RECORD_ITEM),
        "_rels/.rels": parts.package_rels(),
        "word/document.xml": parts.document_xml(body, layout.section_properties("rId4", paper)),
        "word/_rels/document.xml.rels": parts.document_rels(RECORD_ITEM),
        "word/styles.xml": parts.styles_xml(),
        "word/settings.xml": parts.settings_xml(),
        "word/numbering.xml": parts.numbering_xml(layout.numbering),
        "word/footer1.xml": parts.footer_xml(layout.footer()),
        f"customXml/item{RECORD_ITEM}.xml": record_xml(kind, placeholders, cat.extension),
        f"customXml/itemProps{RECORD_ITEM}.xml": item_props_xml(),
        f"customXml/_rels/item{RECORD_ITEM}.xml.rels": parts.item_rels(RECORD_ITEM),
        "docProps/core.xml": parts.core_xml(cat.title),
        "docProps/app.xml": parts.app_xml(),
    }
    return write_zip(pack_parts(members, level=9))


def template_file(kind: str, paper: str = "letter") -> str:
    """The file name of ``kind``'s built-in template for ``paper`` inside the package."""
    return f"{kind}{suffix(paper)}.docx"


@functools.lru_cache(maxsize=None)
def packaged_template(kind: str, paper: str = "letter") -> bytes:
    """The committed built-in template of ``kind`` for ``paper``, read from the installed package."""
    return shipped_bytes("templates", template_file(kind, paper))


def main(argv: list[str] | None = None) -> int:
    """Write both built-in templates into ``mentoring_docs/templates/``."""
    folder = Path(__file__).resolve().parent.parent / "templates"
    folder.mkdir(exist_ok=True)
    for kind in KINDS:
        for paper in PAPERS:
            target = folder / template_file(kind, paper)
            target.write_bytes(build_template(kind, paper))
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
