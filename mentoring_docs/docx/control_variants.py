"""The variants of one content control a compiled template keeps: empty, filled, ticked.

Next to :mod:`.controls` (which writes and reads one control): here a template's own
control is turned into the pieces a render joins.
"""

from __future__ import annotations

import copy
import re
from typing import Sequence

from lxml import etree

from . import controls as ctl
from .controls import ControlKind
from .ooxml import (
    BM_END, BM_START, insert_in_order,
    W14_CHECKBOX, W14_CHECKED, W14_CHECKED_STATE, W14_UNCHECKED_STATE, W14_VAL, W_DATE, W_FULL_DATE, W_P, W_R,
    W_RPR, W_RSTYLE, W_SDT_CONTENT, W_SDT_PR, W_SHOWING, W_T, W_VAL, qn,
)
from .render import DATE_MARK

def value_run_props(sdt_pr: etree._Element, content: etree._Element) -> str:
    """The ``w:rPr`` a typed value gets: the control's own, else its prompt's without the grey style."""
    own = sdt_pr.find(W_RPR)
    source = own
    if source is None:
        for run in content.iter(W_R):
            if run.find(W_T) is not None:
                source = run.find(W_RPR)
                break
    if source is None:
        return ""
    props = copy.deepcopy(source)
    for style in props.findall(W_RSTYLE):
        if style.get(W_VAL) == ctl.PLACEHOLDER_STYLE:
            props.remove(style)
    if len(props) == 0:
        return ""
    text = etree.tostring(props, encoding="unicode")
    return re.sub(r' xmlns:\w+="[^"]*"', "", text)


def empty_variant(sdt: etree._Element) -> etree._Element:
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(W_SDT_PR)
    if sdt_pr.find(W_SHOWING) is None:
        node = etree.Element(W_SHOWING)
        insert_after(sdt_pr, node, [qn(t) for t in ("w:rPr", "w:alias", "w:tag", "w:id", "w:lock",
                                                      "w:placeholder", "w:temporary")])
    date = sdt_pr.find(W_DATE)
    if date is not None and W_FULL_DATE in date.attrib:
        del date.attrib[W_FULL_DATE]
    content = variant.find(W_SDT_CONTENT)
    _insert_mark(content)
    return variant


def filled_variant(sdt: etree._Element, kind: ControlKind, *, rtl: bool = False) -> tuple[etree._Element, bool]:
    """The control holding a value; with ``rtl``, its own paragraph inside (if any) made right-to-left.

    Also says whether the control holds the value's own paragraph.
    """
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(W_SDT_PR)
    for flag in sdt_pr.findall(W_SHOWING):
        sdt_pr.remove(flag)
    if kind is ControlKind.DATE:
        sdt_pr.find(W_DATE).set(W_FULL_DATE, DATE_MARK)
    content = variant.find(W_SDT_CONTENT)
    # The value replaces the first run that shows text; the rest of the prompt goes.
    runs = [r for r in content.iter(W_R) if r.find(W_T) is not None]
    marker = etree.ProcessingInstruction("md-value")
    if runs:
        runs[0].addprevious(marker)
        for run in runs:
            detach(run)
    else:
        paragraph = next(content.iter(W_P), None)
        (paragraph if paragraph is not None else content).append(marker)
    # A control grown to several paragraphs keeps only the one holding the value.
    paragraphs = [p for p in content if p.tag == W_P]
    for paragraph in paragraphs:
        if next(paragraph.iter(etree.ProcessingInstruction), None) is None and len(paragraphs) > 1:
            detach(paragraph)
    holder = marker.getparent()
    own = holder is not None and holder.tag == W_P and holds_only(holder, marker)
    if own and rtl:
        turn_right_to_left(holder)
    _insert_mark(content)
    return variant, own


#: What a paragraph may hold besides a value and still be the value's own paragraph.
_NO_TEXT = {qn("w:pPr"), BM_START, BM_END, qn("w:proofErr"), qn("w:permStart"), qn("w:permEnd")}
#: Paragraph properties that come after ``w:bidi`` in the schema's order.
_AFTER_BIDI = {qn(f"w:{name}") for name in (
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange")}
_W_PPR = qn("w:pPr")
_W_BIDI = qn("w:bidi")


def holds_only(paragraph: etree._Element, node: etree._Element) -> bool:
    """Whether ``paragraph`` shows nothing but ``node``: no other text, control or field."""
    for child in paragraph:
        if child is node or child.tag in _NO_TEXT or not isinstance(child.tag, str):
            continue
        if child.tag == W_R and all(grand.tag == W_RPR for grand in child):
            continue  # an empty run
        return False
    return True


def turn_right_to_left(paragraph: etree._Element) -> None:
    """Make ``paragraph`` right-to-left: ``w:bidi`` in its properties, where the schema puts it."""
    ppr = paragraph.find(_W_PPR)
    if ppr is None:
        ppr = etree.Element(_W_PPR)
        paragraph.insert(0, ppr)
    if ppr.find(_W_BIDI) is not None:
        return  # the template's own direction stays
    insert_in_order(ppr, etree.Element(_W_BIDI), _AFTER_BIDI)


def in_paragraph(paragraph: etree._Element, sdt: etree._Element, variant: etree._Element) -> etree._Element:
    """A copy of ``paragraph`` with ``variant`` in place of ``sdt``."""
    twin = copy.deepcopy(paragraph)
    twin.replace(twin[paragraph.index(sdt)], variant)
    return twin


def checkbox_variant(sdt: etree._Element, checked: bool) -> etree._Element:
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(W_SDT_PR)
    for flag in sdt_pr.findall(W_SHOWING):
        sdt_pr.remove(flag)
    box = sdt_pr.find(W14_CHECKBOX)
    state = box.find(W14_CHECKED)
    if state is None:
        state = etree.Element(W14_CHECKED)
        box.insert(0, state)
    state.set(W14_VAL, "1" if checked else "0")
    glyph_node = box.find(W14_CHECKED_STATE if checked else W14_UNCHECKED_STATE)
    code = glyph_node.get(W14_VAL) if glyph_node is not None else None
    glyph = chr(int(code, 16)) if code else ("\u2612" if checked else "\u2610")
    content = variant.find(W_SDT_CONTENT)
    texts = list(content.iter(W_T))
    if texts:
        texts[0].text = glyph
        for extra in texts[1:]:
            detach(extra)
    else:
        run = etree.SubElement(content, W_R)
        etree.SubElement(run, W_T).text = glyph
    _insert_mark(content)
    return variant


def _insert_mark(content: etree._Element) -> None:
    mark = etree.ProcessingInstruction("md-mark")
    first = content[0] if len(content) else None
    if first is not None and first.tag == W_P:
        # Block-level content: the bookmark goes inside the first paragraph, after its properties.
        ppr = first.find(qn("w:pPr"))
        first.insert(1 if ppr is not None else 0, mark)
    else:
        content.insert(0, mark)


def detach(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is not None:
        # Keep the text that follows the node (tail) in place.
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)


def insert_after(parent: etree._Element, node: etree._Element, before_tags: Sequence[str]) -> None:
    position = 0
    for i, child in enumerate(parent):
        if child.tag in before_tags:
            position = i + 1
    parent.insert(position, node)
