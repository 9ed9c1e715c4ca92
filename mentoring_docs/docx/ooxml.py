"""WordprocessingML names and small XML helpers shared by the Word backend.

Everything that knows an OOXML namespace or a relationship type lives here, so
the other modules read as what they do rather than as URIs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection

if TYPE_CHECKING:
    from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: Prefixes declared on every part we write. ``w15`` is declared explicitly because
#: python-docx's oxml layer does not know it, and Word needs it for repeating sections.
NSMAP = {"w": W_NS, "r": R_NS, "mc": MC_NS, "w14": W14_NS, "w15": W15_NS, "wp": WP_NS}

#: The namespace declarations of a document part, as written on its root element.
ROOT_DECLS = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:mc="{MC_NS}" xmlns:w14="{W14_NS}" '
    f'xmlns:w15="{W15_NS}" xmlns:wp="{WP_NS}" mc:Ignorable="w14 w15"'
)

REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
REL_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
CT_SETTINGS = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def qn(tag: str) -> str:
    """Clark notation for a prefixed name: ``qn("w:p")`` -> ``{...main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"


def esc(text: str) -> str:
    """``text`` escaped for XML character data."""
    # str.replace, not str.translate: translate looks every character up in a dict when
    # a character maps to several, ~25 ns each; a replace that finds nothing is a memchr.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def esc_attr(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute value."""
    text = esc(text)
    return text.replace('"', "&quot;") if '"' in text else text


def insert_in_order(parent: etree._Element, node: etree._Element, later: Collection[str]) -> None:
    """Insert ``node`` into ``parent`` before the first child whose tag is in ``later``, else last.

    WordprocessingML fixes the order of the children of its property and settings
    elements (``w:rPr``, ``w:pPr``, ``w:settings``); Word refuses a file that breaks it.
    ``later`` names the elements the schema puts after ``node``.
    """
    position = len(parent)
    for index, child in enumerate(parent):
        if child.tag in later:
            position = index
            break
    parent.insert(position, node)


def text_runs_content(text: str) -> str:
    """The inside of a ``w:r`` that shows ``text``: tabs and line breaks become elements.

    Every ``w:t`` keeps its spaces (``xml:space="preserve"``), so leading,
    trailing and repeated spaces read back exactly.
    """
    if "\n" not in text and "\t" not in text:
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>' if text else ""
    # Split by str.split rather than a regular expression (this runs for every long
    # text of every filled form); an empty piece between two breaks writes nothing.
    lines = []
    for line in text.split("\n"):
        if "\t" in line:
            lines.append("<w:tab/>".join(_text_element(piece) for piece in line.split("\t")))
        else:
            lines.append(_text_element(line))
    return "<w:br/>".join(lines)


def _text_element(text: str) -> str:
    return f'<w:t xml:space="preserve">{esc(text)}</w:t>' if text else ""


# Clark names (``{namespace}local``) of the elements and attributes the template
# compiler and the control variants look for.
W_SDT_PR = qn("w:sdtPr")
W_SDT_CONTENT = qn("w:sdtContent")
W_ID = qn("w:id")
W_VAL = qn("w:val")
W_TAG = qn("w:tag")
W_ALIAS = qn("w:alias")
W_RPR = qn("w:rPr")
W_R = qn("w:r")
W_T = qn("w:t")
W_P = qn("w:p")
W_RSTYLE = qn("w:rStyle")
W_SHOWING = qn("w:showingPlcHdr")
W_DATE = qn("w:date")
W_FULL_DATE = qn("w:fullDate")
BM_START = qn("w:bookmarkStart")
BM_END = qn("w:bookmarkEnd")
W_NAME = qn("w:name")
W14_CHECKBOX = qn("w14:checkbox")
W14_CHECKED = qn("w14:checked")
W14_VAL = qn("w14:val")
W14_CHECKED_STATE = qn("w14:checkedState")
W14_UNCHECKED_STATE = qn("w14:uncheckedState")
W14_PARA_ID = qn("w14:paraId")
W14_TEXT_ID = qn("w14:textId")
W15_ITEM = qn("w15:repeatingSectionItem")
WP_DOC_PR = qn("wp:docPr")
