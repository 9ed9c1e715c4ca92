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
from typing import TYPE_CHECKING, Callable, Mapping, NamedTuple, Sequence

from .control_names import bookmark_name
from .ooxml import esc_attr, qn, text_runs_content

if TYPE_CHECKING:  # only in annotations: rendering a compiled template uses this module without lxml
    from lxml import etree

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
    """The kind of the control whose ``w:sdtPr`` this is (no type element: a rich-text control)."""
    return read_control(sdt_pr, None)[0]


# -- writing ---------------------------------------------------------------------------


class Spec(NamedTuple):
    """Everything needed to write one control of the built-in template.

    A named tuple, not a frozen dataclass: a Word fill imports this module (to render dates
    and know control kinds) and should not compile a dataclass's methods it never uses.
    """

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


_LITERAL = {_W_TAB: "\t", _W_BR: "\n", _W_CR: "\n", _W_NBH: "\u2011", _W_SOFT: "\u00ad"}
_W_SDT = qn("w:sdt")
_BM_START = qn("w:bookmarkStart")
_BM_END = qn("w:bookmarkEnd")
_W_NAME = qn("w:name")
_W_ID = qn("w:id")


def read_control(sdt_pr: etree._Element | None, content: etree._Element | None) -> tuple[
        ControlKind, str | None, etree._Element | None, bool, etree._Element | None, str, list[etree._Element], bool]:
    """Everything the backend reads from one control, in one walk of its properties and one of its content.

    Returns ``(kind, tag, alias, showing placeholder, type element, text,
    bookmarks, nested)``:

    - ``kind`` from the first type element of ``w:sdtPr`` (none: rich text);
      the type element (``w:date``, ``w14:checkbox``, ``w:dropDownList``...) is
      where the control keeps its state and choices;
    - ``tag`` the ``w:tag`` value; ``alias`` the ``w:alias`` element, unread
      (rarely needed); ``showing placeholder`` the ``w:showingPlcHdr`` flag;
    - ``text`` as :func:`content_text` describes it;
    - ``bookmarks`` the ``w:bookmarkStart``/``w:bookmarkEnd`` elements inside,
      in order (see :func:`bookmark_names`); ``nested`` whether the content
      holds other controls.

    This runs for every control of every form read. It visits every node and
    compares tags in Python (lxml's ``find`` is a Python-level path search and
    multi-tag ``iter`` costs more to set up than these small subtrees), and it
    reads attributes only where the common case needs them.
    """
    kind = state = tag_value = alias = None
    showing = False
    if sdt_pr is not None:
        kinds = _KIND_BY_TAG
        for child in sdt_pr:
            tag = child.tag
            if tag == _W_TAG:
                tag_value = child.get(_W_VAL)
            elif tag == _W_ALIAS:
                alias = child
            elif tag == _W_SHOWING:
                showing = child.get(_W_VAL, "true") not in ("0", "false", "off")
            elif kind is None:
                kind = kinds.get(tag)
                if kind is not None:
                    state = child
    pieces: list[str] = []
    marks: list[etree._Element] = []
    nested = False
    if content is not None:
        codes = _CODES
        first_paragraph = True
        for node in content.iter():
            code = codes.get(node.tag)
            if code is None:
                continue  # most nodes: runs and their properties
            if code == 0:
                text = node.text
                if text:
                    pieces.append(text)
            elif code == 2:
                marks.append(node)
            elif code == 1:
                if not first_paragraph:
                    pieces.append("\n")
                first_paragraph = False
            elif code == 4:
                nested = True
            elif code == 5:
                pieces.append(_sym(node))
            elif code == 6:
                if node.getparent().tag != _W_TABS:  # a paragraph's tab stops are no tab characters
                    pieces.append("\t")
            else:
                pieces.append(code)  # type: ignore[arg-type]
    text = pieces[0] if len(pieces) == 1 else "".join(pieces)
    return kind or ControlKind.TEXT, tag_value, alias, showing, state, text, marks, nested


def _sym(node: etree._Element) -> str:
    """The character a ``w:sym`` stands for ("" when its code is not one)."""
    try:
        return chr(int(node.get(_W_CHAR, ""), 16))
    except (ValueError, OverflowError):
        return ""


_W_TAG = qn("w:tag")
_W_ALIAS = qn("w:alias")
_KIND_BY_TAG = {_W_TEXT: ControlKind.TEXT, _W_RICH: ControlKind.TEXT, _W14_CHECKBOX: ControlKind.CHECKBOX,
                _W_DROPDOWN: ControlKind.DROPDOWN, _W_COMBO: ControlKind.DROPDOWN, _W_DATE: ControlKind.DATE,
                **{tag: ControlKind.OTHER for tag in _OTHER_TYPES}}
#: What :func:`read_control` does with each tag of the content: a number, or the text it stands for.
_CODES: dict[str, int | str] = {**_LITERAL, _W_T: 0, _W_P: 1, _BM_START: 2, _BM_END: 2, _W_SDT: 4, _W_SYM: 5,
                                   _W_TAB: 6}
_W_TABS = qn("w:tabs")


def content_text(content: etree._Element | None) -> str:
    """The text a person sees in a control's content.

    Tabs and line breaks come back as ``\\t`` and ``\\n``; paragraphs (a control
    grown to several paragraphs in Word) are joined with ``\\n``. Deleted text of
    tracked changes (``w:delText``) and field codes are not text.
    """
    return read_control(None, content)[5]


def box_state(checkbox: etree._Element | None, text: str) -> bool:
    """A checkbox's state from its ``w14:checkbox`` element (if any) and the glyph it shows."""
    if checkbox is not None:
        for child in checkbox:  # w14:checked comes first, as Word writes it
            if child.tag == _W14_CHECKED:
                return child.get(_W14_VAL, "1") in ("1", "true", "on")
    return text.strip() in ("\u2612", "\u2611", "\u2713", "\u2714", "X", "x")


def list_items(sdt_pr: etree._Element) -> list[tuple[str, str]]:
    """``(display text, value)`` of each item of a drop-down list or combo box."""
    out = []
    for item in sdt_pr.iter(_W_LIST_ITEM):
        pair = _item(item)
        if pair is not None:
            out.append(pair)
    return out


def _item(item: etree._Element) -> tuple[str, str] | None:
    value = item.get(_W_VALUE)
    display = item.get(_W_DISPLAY)
    if value is None and display is None:
        return None
    return display if display is not None else value or "", value if value is not None else display or ""


def chosen_value(choices: etree._Element, text: str, hint: dict[str, int]) -> str | None:
    """The value of the item of a ``w:dropDownList`` (or ``w:comboBox``) whose display text is ``text``.

    ``hint`` maps display texts to the position of their item in lists seen
    before (forms from one template share their lists); it is checked against
    this list, and filled in when it misses, so one look at one item usually
    does. None when no item shows ``text``.
    """
    position = hint.get(text)
    if position is not None and position < len(choices):
        item = choices[position]
        if item.tag == _W_LIST_ITEM:
            pair = _item(item)
            if pair is not None and pair[0] == text:
                return pair[1]
    found = None
    for position, item in enumerate(choices):
        if item.tag == _W_LIST_ITEM:
            pair = _item(item)
            if pair is not None:
                hint.setdefault(pair[0], position)
                if found is None and pair[0] == text:
                    found = pair[1]
    return found


def date_state(sdt_pr: etree._Element) -> tuple[dt.date | None, str | None]:
    """The date a date picker stores (``w:fullDate``) and its display format."""
    return picker_state(next(sdt_pr.iterchildren(_W_DATE), None))


def picker_state(node: etree._Element | None) -> tuple[dt.date | None, str | None]:
    """:func:`date_state` from the ``w:date`` element itself."""
    if node is None:
        return None, None
    fmt = None
    for child in node:  # the format comes first, as Word writes it
        if child.tag == _W_DATE_FORMAT:
            fmt = child.get(_W_VAL)
            break
    return stored_date(node.get(_W_FULL_DATE)), fmt


def stored_date(full: str | None) -> dt.date | None:
    """The date a ``w:fullDate`` value holds (its first ten characters, ISO), or None."""
    if not full:
        return None
    try:
        return dt.date.fromisoformat(full[:10])
    except ValueError:
        return None


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


def bookmark_names(sdt: etree._Element, inside: list[etree._Element],
                   end_names: Callable[[], Mapping[str, str]]) -> list[str]:
    """Names of the bookmarks that mark ``sdt``, given the bookmark elements ``inside`` its content.

    Those starting inside its content, those ending inside it (LibreOffice may
    move the start just before the control), and those starting right before it.
    ``end_names`` gives every bookmark's name by id; it is called only for a
    bookmark that ends inside but starts elsewhere.
    """
    names: list[str] = []
    started = set()
    for node in inside:
        if node.tag == _BM_START:
            name = node.get(_W_NAME)
            started.add(node.get(_W_ID))
            if name:
                names.append(name)
        else:
            number = node.get(_W_ID)
            if number not in started:
                found = end_names().get(number or "")
                if found:
                    names.append(found)
    previous = sdt.getprevious()
    while previous is not None and (previous.tag == _BM_START or previous.tag == _BM_END):
        if previous.tag == _BM_START and previous.get(_W_NAME):
            names.append(previous.get(_W_NAME))
        previous = previous.getprevious()
    return names


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
    "UNCHECKED_GLYPH", "WORD_DEFAULT_PLACEHOLDERS", "bookmark_names", "box_state", "checkbox_font_props",
    "chosen_value", "content_text", "control_xml", "date_state", "format_date", "kind_of", "list_items",
    "picker_state", "read_control", "runs_all_placeholder", "stored_date",
]
