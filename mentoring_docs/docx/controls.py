"""Word content controls (``w:sdt``): writing the four kinds we use, reading any kind back.

python-docx has no content-control support (its paragraph text skips ``w:sdt``),
so controls are written as XML text and read with lxml.

Text fields are *rich-text* controls, not plain-text ones. Measured with
LibreOffice 7.4 (Debian 12): re-saving a plain-text control that holds a line
break moves the break out of the control and joins the lines, and a plain-text
control holding CJK or Arabic text is written back as several controls that
repeat the text. Rich-text, checkbox, drop-down and date controls come back
intact, with their content, placeholder flag and inner bookmarks.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Sequence

from lxml import etree

from .naming import bookmark_name
from .ooxml import esc_attr, qn, text_runs_content

#: The display format of date pickers: ISO, so it reads the same in every locale.
DATE_FORMAT = "yyyy-MM-dd"

#: Checkbox glyphs (the ones Word uses by default) and their font.
CHECKED_GLYPH = "2612"
UNCHECKED_GLYPH = "2610"
CHECKBOX_FONT = "MS Gothic"

PLACEHOLDER_STYLE = "PlaceholderText"

#: Placeholder texts Word puts into a control that a user emptied.
WORD_DEFAULT_PLACEHOLDERS = frozenset({
    "Click or tap here to enter text.",
    "Click here to enter text.",
    "Choose an item.",
    "Click or tap to enter a date.",
    "Click here to enter a date.",
    "Enter any content that you want to repeat, including other content controls. "
    "You can also insert this control around table rows in order to repeat parts of a table.",
})


class ControlKind(str, enum.Enum):
    """What a content control lets a person do."""

    TEXT = "text"            # rich text or plain text
    CHECKBOX = "checkbox"
    DROPDOWN = "dropdown"    # drop-down list or combo box
    DATE = "date"
    OTHER = "other"          # picture, building block, repeating section, group...

    def __str__(self) -> str:
        return self.value


_W_TEXT = qn("w:text")
_W_RICH = qn("w:richText")
_W14_CHECKBOX = qn("w14:checkbox")
_W_DROPDOWN = qn("w:dropDownList")
_W_COMBO = qn("w:comboBox")
_W_DATE = qn("w:date")
_OTHER_TYPES = {qn(t) for t in ("w:picture", "w:docPartObj", "w:docPartList", "w:group", "w:citation",
                                "w:bibliography", "w:equation", "w15:repeatingSection",
                                "w15:repeatingSectionItem")}


def kind_of(sdt_pr: etree._Element | None) -> ControlKind:
    """The kind of the control whose ``w:sdtPr`` this is."""
    if sdt_pr is None:
        return ControlKind.TEXT
    for child in sdt_pr:
        tag = child.tag
        if tag == _W_TEXT or tag == _W_RICH:
            return ControlKind.TEXT
        if tag == _W14_CHECKBOX:
            return ControlKind.CHECKBOX
        if tag == _W_DROPDOWN or tag == _W_COMBO:
            return ControlKind.DROPDOWN
        if tag == _W_DATE:
            return ControlKind.DATE
        if tag in _OTHER_TYPES:
            return ControlKind.OTHER
    return ControlKind.TEXT  # no type element: a rich-text control


# -- writing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Everything needed to write one control of the built-in template."""

    path: str                 # concrete dotted path
    alias: str                # title shown by Word
    kind: ControlKind
    prompt: str               # placeholder text (the question the field answers)
    choices: Sequence[tuple[str, str]] = ()  # (value, display text) for drop-downs
    run_props: str = ""       # extra w:rPr content for the typed text


class IdSource:
    """Hands out unique ``w:id`` numbers for controls and bookmarks."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def __call__(self) -> int:
        value = self._next
        self._next += 1
        return value


def _bookmark(path: str, ids: IdSource) -> str:
    name = bookmark_name(path)
    if name is None:
        return ""
    number = ids()
    # Collapsed, at the start of the content: typing over the placeholder replaces
    # the text after it, so the mark stays where it is.
    return f'<w:bookmarkStart w:id="{number}" w:name="{name}"/><w:bookmarkEnd w:id="{number}"/>'


def control_xml(spec: Spec, sdt_ids: IdSource, bookmark_ids: IdSource) -> str:
    """An empty control (showing its prompt, or an unticked box) for the template."""
    head = (f'<w:sdt><w:sdtPr>{f"<w:rPr>{spec.run_props}</w:rPr>" if spec.run_props else ""}'
            f'<w:alias w:val="{esc_attr(spec.alias)}"/><w:tag w:val="{esc_attr(spec.path)}"/>'
            f'<w:id w:val="{sdt_ids()}"/>')
    mark = _bookmark(spec.path, bookmark_ids)
    placeholder = (f'<w:r><w:rPr><w:rStyle w:val="{PLACEHOLDER_STYLE}"/>{spec.run_props}</w:rPr>'
                   f"{text_runs_content(spec.prompt)}</w:r>")
    if spec.kind is ControlKind.CHECKBOX:
        return (head + '<w14:checkbox><w14:checked w14:val="0"/>'
                f'<w14:checkedState w14:val="{CHECKED_GLYPH}" w14:font="{CHECKBOX_FONT}"/>'
                f'<w14:uncheckedState w14:val="{UNCHECKED_GLYPH}" w14:font="{CHECKBOX_FONT}"/></w14:checkbox>'
                f'</w:sdtPr><w:sdtContent>{mark}<w:r><w:rPr>{checkbox_font_props()}</w:rPr>'
                f'<w:t>{chr(int(UNCHECKED_GLYPH, 16))}</w:t></w:r></w:sdtContent></w:sdt>')
    if spec.kind is ControlKind.DROPDOWN:
        items = "".join(f'<w:listItem w:displayText="{esc_attr(label)}" w:value="{esc_attr(value)}"/>'
                        for value, label in spec.choices)
        kind = f"<w:dropDownList>{items}</w:dropDownList>"
    elif spec.kind is ControlKind.DATE:
        kind = (f'<w:date><w:dateFormat w:val="{DATE_FORMAT}"/><w:lid w:val="en-US"/>'
                '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    else:
        kind = ""
    return f"{head}<w:showingPlcHdr/>{kind}</w:sdtPr><w:sdtContent>{mark}{placeholder}</w:sdtContent></w:sdt>"


def checkbox_font_props() -> str:
    """Run properties that make the checkbox glyph render as Word draws it."""
    return (f'<w:rFonts w:ascii="{CHECKBOX_FONT}" w:eastAsia="{CHECKBOX_FONT}" '
            f'w:hAnsi="{CHECKBOX_FONT}" w:hint="eastAsia"/>')


# -- reading ---------------------------------------------------------------------------

_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_P = qn("w:p")
_W_NBH = qn("w:noBreakHyphen")
_W_SOFT = qn("w:softHyphen")
_W_SYM = qn("w:sym")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_SHOWING = qn("w:showingPlcHdr")
_W_RSTYLE = qn("w:rStyle")
_W_VAL = qn("w:val")
_W_CHAR = qn("w:char")
_W_R = qn("w:r")
_W_LIST_ITEM = qn("w:listItem")
_W_DISPLAY = qn("w:displayText")
_W_VALUE = qn("w:value")
_W_FULL_DATE = qn("w:fullDate")
_W_DATE_FORMAT = qn("w:dateFormat")
_W14_CHECKED = qn("w14:checked")
_W14_VAL = qn("w14:val")


def content_text(content: etree._Element | None) -> str:
    """The text a person sees in a control's content.

    Tabs and line breaks come back as ``\\t`` and ``\\n``; paragraphs (a control
    grown to several paragraphs in Word) are joined with ``\\n``. Deleted text of
    tracked changes (``w:delText``) and field codes are not text.
    """
    if content is None:
        return ""
    out: list[str] = []
    first_paragraph = True
    for node in content.iter(_W_T, _W_TAB, _W_BR, _W_CR, _W_P, _W_NBH, _W_SOFT, _W_SYM):
        tag = node.tag
        if tag == _W_T:
            out.append(node.text or "")
        elif tag == _W_TAB:
            out.append("\t")
        elif tag == _W_BR:
            out.append("\n")
        elif tag == _W_CR:
            out.append("\n")
        elif tag == _W_P:
            if not first_paragraph:
                out.append("\n")
            first_paragraph = False
        elif tag == _W_NBH:
            out.append("\u2011")
        elif tag == _W_SOFT:
            out.append("\u00ad")
        elif tag == _W_SYM:
            code = node.get(_W_CHAR, "")
            try:
                out.append(chr(int(code, 16)))
            except ValueError:
                pass
    return "".join(out)


def showing_placeholder(sdt_pr: etree._Element | None) -> bool:
    """Whether the control says its content is placeholder text."""
    if sdt_pr is None:
        return False
    flag = sdt_pr.find(_W_SHOWING)
    return flag is not None and flag.get(_W_VAL, "true") not in ("0", "false", "off")


def checkbox_state(sdt_pr: etree._Element, text: str) -> bool:
    """A checkbox's state: its ``w14:checked`` value, else the glyph it shows."""
    checked = sdt_pr.find(f"{_W14_CHECKBOX}/{_W14_CHECKED}")
    if checked is not None:
        return checked.get(_W14_VAL, "1") in ("1", "true", "on")
    return text.strip() in ("\u2612", "\u2611", "\u2713", "\u2714", "X", "x")


def list_items(sdt_pr: etree._Element) -> list[tuple[str, str]]:
    """``(display text, value)`` of each item of a drop-down list or combo box."""
    out = []
    for item in sdt_pr.iter(_W_LIST_ITEM):
        value = item.get(_W_VALUE)
        display = item.get(_W_DISPLAY)
        if value is None and display is None:
            continue
        out.append((display if display is not None else value or "", value if value is not None else display or ""))
    return out


def date_state(sdt_pr: etree._Element) -> tuple[dt.date | None, str | None]:
    """The date a date picker stores (``w:fullDate``) and its display format."""
    node = sdt_pr.find(_W_DATE)
    if node is None:
        return None, None
    fmt_node = node.find(_W_DATE_FORMAT)
    fmt = fmt_node.get(_W_VAL) if fmt_node is not None else None
    full = node.get(_W_FULL_DATE)
    if not full:
        return None, fmt
    try:
        return dt.date.fromisoformat(full[:10]), fmt
    except ValueError:
        return None, fmt


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOKENS = sorted(["yyyy", "yy", "MMMM", "MMM", "MM", "M", "dddd", "ddd", "dd", "d"], key=len, reverse=True)


def format_date(value: dt.date, fmt: str) -> str:
    """``value`` written in a Word date format (``yyyy-MM-dd``, ``d MMMM yyyy``...), English names."""
    if fmt == DATE_FORMAT:
        return value.isoformat()
    out: list[str] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "'":
            end = fmt.find("'", i + 1)
            end = len(fmt) if end < 0 else end
            out.append(fmt[i + 1:end])
            i = end + 1
            continue
        for token in _TOKENS:
            if fmt.startswith(token, i):
                out.append({
                    "yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}",
                    "MMMM": _MONTHS[value.month - 1], "MMM": _MONTHS[value.month - 1][:3],
                    "MM": f"{value.month:02d}", "M": str(value.month),
                    "dddd": _DAYS[value.weekday()], "ddd": _DAYS[value.weekday()][:3],
                    "dd": f"{value.day:02d}", "d": str(value.day),
                }[token])
                i += len(token)
                break
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


def bookmark_names(sdt: etree._Element, end_names: dict[str, str]) -> list[str]:
    """Names of the bookmarks that mark ``sdt``.

    Those starting inside its content, those ending inside it (LibreOffice may
    move the start just before the control), and those starting right before it.
    """
    names: list[str] = []
    content = sdt.find(_W_SDT_CONTENT)
    if content is not None:
        for node in content.iter(_BM_START, _BM_END):
            if node.tag == _BM_START:
                name = node.get(_W_NAME)
                if name:
                    names.append(name)
            else:
                name = end_names.get(node.get(_W_ID, ""))
                if name:
                    names.append(name)
    previous = sdt.getprevious()
    while previous is not None and previous.tag in (_BM_START, _BM_END):
        if previous.tag == _BM_START and previous.get(_W_NAME):
            names.append(previous.get(_W_NAME))
        previous = previous.getprevious()
    return names


_BM_START = qn("w:bookmarkStart")
_BM_END = qn("w:bookmarkEnd")
_W_NAME = qn("w:name")
_W_ID = qn("w:id")


def runs_all_placeholder(content: etree._Element | None) -> bool:
    """True when every run with text is styled as placeholder text."""
    if content is None:
        return True
    seen = False
    for run in content.iter(_W_R):
        if run.find(_W_T) is None:
            continue
        seen = True
        style = run.find(f"{qn('w:rPr')}/{_W_RSTYLE}")
        if style is None or style.get(_W_VAL) != PLACEHOLDER_STYLE:
            return False
    return seen


__all__ = [
    "CHECKED_GLYPH", "ControlKind", "DATE_FORMAT", "IdSource", "PLACEHOLDER_STYLE", "Spec",
    "UNCHECKED_GLYPH", "WORD_DEFAULT_PLACEHOLDERS", "bookmark_names", "checkbox_font_props",
    "checkbox_state", "content_text", "control_xml", "date_state", "format_date", "kind_of",
    "list_items", "runs_all_placeholder", "showing_placeholder",
]
