"""The form record: a small custom XML part saying "this is a mentoring-docs form of KIND".

It also keeps each field's placeholder text as the template had it, so that the
reader can tell an untouched placeholder from an answer even in a customised
template whose prompts were reworded. Word and LibreOffice both keep custom XML
parts when they save a document (measured with LibreOffice 7.4).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from lxml import etree

from .ooxml import XML_HEADER, esc, esc_attr

if TYPE_CHECKING:
    from ..extension import Extension

RECORD_NS = "urn:mentoring-docs:form:1"
ITEM_PROPS_GUID = "{3F0D2C61-8E5B-4E0C-9B0A-6D2B1C7E5A41}"

_ITEM = re.compile(r"^customXml/item(\d+)\.xml$")


def record_xml(kind: str, placeholders: Mapping[str, str], extension: Extension | None = None) -> bytes:
    """The record part for a form of ``kind``; ``placeholders`` maps field patterns to prompt texts.

    A form made with a field extension also records the extension: its id and
    digest, and its definition, so that the form can be read without the file.
    """
    entries = "".join(f'<placeholder field="{esc_attr(pattern)}">{esc(text)}</placeholder>'
                      for pattern, text in sorted(placeholders.items()))
    if extension is not None:
        entries += (f'<extension id="{esc_attr(extension.id)}" digest="{esc_attr(extension.digest)}">'
                    f'{esc(extension.definition)}</extension>')
    return (XML_HEADER + f'<form xmlns="{RECORD_NS}" kind="{kind}">{entries}</form>').encode("utf-8")


def item_props_xml() -> bytes:
    """The properties part Word expects next to a custom XML item."""
    return (XML_HEADER + f'<ds:datastoreItem ds:itemID="{ITEM_PROPS_GUID}" '
            'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
            f'<ds:schemaRefs><ds:schemaRef ds:uri="{RECORD_NS}"/></ds:schemaRefs></ds:datastoreItem>').encode("utf-8")


def free_item_number(part_names: list[str]) -> int:
    """The lowest ``customXml/itemN.xml`` number not yet used in a package."""
    used = {int(m.group(1)) for name in part_names if (m := _ITEM.match(name))}
    number = 1
    while number in used:
        number += 1
    return number


def is_item(part_name: str) -> bool:
    """Whether ``part_name`` is a custom XML item (which may be our record)."""
    return bool(_ITEM.match(part_name))


def parse_record(blob: bytes) -> tuple[str, dict[str, str], tuple[str, str, str] | None] | None:
    """``(kind, placeholders, extension)`` from a custom XML item, or None if it is not our record.

    ``extension`` is ``(id, digest, definition)`` for a form made with a field extension.
    """
    try:
        root = etree.fromstring(blob, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{RECORD_NS}}}form" or not root.get("kind"):
        return None
    placeholders = {
        node.get("field", ""): node.text or ""
        for node in root.iter(f"{{{RECORD_NS}}}placeholder")
    }
    node = root.find(f"{{{RECORD_NS}}}extension")
    extension = None if node is None else (node.get("id", ""), node.get("digest", ""), node.text or "")
    return root.get("kind", ""), placeholders, extension


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
