"""Edits to a Word package's other parts: the form record part, content types,
relationships, and the settings that protect a form.

Next to :mod:`.package` (reading and writing the ZIP package itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .ooxml import (
    CT_CUSTOM_XML_PROPS, CT_NS, PKG_REL_NS, REL_CUSTOM_XML, REL_CUSTOM_XML_PROPS, W_NS, XML_HEADER, insert_in_order, qn,
)
from .record import free_item_number, is_item, item_props_xml, parse_record, record_xml

if TYPE_CHECKING:
    from ..extension import Extension

__all__ = ["protected_settings", "with_record"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)

_SETTINGS_AFTER_PROTECTION = (
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength",
    "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
    "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
    "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields",
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


def with_record(parts: dict[str, bytes], kind: str, placeholders: dict[str, str],
                extension: Extension | None = None) -> dict[str, bytes]:
    """``parts`` with our record (kind, prompts, field extension) written in, added if the template had none."""
    for part, content in parts.items():
        if is_item(part) and parse_record(content):
            out = dict(parts)
            out[part] = record_xml(kind, placeholders, extension)
            return out
    number = free_item_number(list(parts))
    out = dict(parts)
    out[f"customXml/item{number}.xml"] = record_xml(kind, placeholders, extension)
    out[f"customXml/itemProps{number}.xml"] = item_props_xml()
    out[f"customXml/_rels/item{number}.xml.rels"] = (
        XML_HEADER + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_CUSTOM_XML_PROPS}" Target="itemProps{number}.xml"/></Relationships>').encode("utf-8")
    out["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"], f"/customXml/itemProps{number}.xml",
                                               CT_CUSTOM_XML_PROPS)
    rels_part = "word/_rels/document.xml.rels"
    out[rels_part] = _add_relationship(parts.get(rels_part), REL_CUSTOM_XML, f"../customXml/item{number}.xml")
    return out


def _add_override(content_types: bytes, part: str, content_type: str) -> bytes:
    root = etree.fromstring(content_types, parser=_PARSER)
    node = etree.SubElement(root, f"{{{CT_NS}}}Override")
    node.set("PartName", part)
    node.set("ContentType", content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_relationship(rels: bytes | None, rel_type: str, target: str) -> bytes:
    if rels is None:
        root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    else:
        root = etree.fromstring(rels, parser=_PARSER)
    used = {node.get("Id") for node in root}
    number = 1
    while f"rIdMd{number}" in used:
        number += 1
    node = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship")
    node.set("Id", f"rIdMd{number}")
    node.set("Type", rel_type)
    node.set("Target", target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def protected_settings(settings: bytes | None) -> bytes:
    """``word/settings.xml`` restricting editing to form fields (Word's "Filling in forms")."""
    if settings is None:
        settings = (XML_HEADER + f'<w:settings xmlns:w="{W_NS}"/>').encode("utf-8")
    root = etree.fromstring(settings, parser=_PARSER)
    for old in root.findall(qn("w:documentProtection")):
        root.remove(old)
    protection = etree.Element(qn("w:documentProtection"))
    protection.set(qn("w:edit"), "forms")
    protection.set(qn("w:enforcement"), "1")
    insert_in_order(root, protection, {qn(f"w:{name}") for name in _SETTINGS_AFTER_PROTECTION})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


