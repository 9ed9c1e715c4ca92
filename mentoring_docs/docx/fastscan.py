"""A fast reading of the content controls of a Word form this library wrote and nobody re-saved.

Building an lxml tree of ``word/document.xml`` is most of the cost of reading a
form back. A form straight from our writer (every ZIP entry dated 1980-01-01 at
midnight, as only :func:`.package.write_zip` dates them: Word, LibreOffice,
python-docx and docxtpl all write the time of saving) is read here from the text,
without a tree. Only a narrow, strict subset of XML is accepted, and everything
that steps outside it makes :func:`scan` return None, so that the caller reads the
file the careful way (:mod:`.reader`) with exactly the old result:

- no DOCTYPE, comment, CDATA section or processing instruction (the XML
  declaration aside), no carriage return (XML would turn it into a line feed),
  no character XML forbids, no entity but the five XML defines and numeric ones;
- the prefixes ``w`` and ``w14`` bound once, on the root element, to their
  namespaces, and no default namespace (so that a prefix means what it says);
- tables, rows and controls properly nested; no control inside another;
- every element inside a control a well-formed, balanced tag with quoted attributes.

From the second form with the same start on, the text between its controls is
also checked to be sound and to nest from the start to the end, and learnt, so
that later forms of that template are read by matching only their controls (see
"forms like ones read before" below).

For the controls it accepts it gives what :func:`.controls.read_control` and
:meth:`.structure.Marks` give: kind, tag, placeholder flag, text, the state a
checkbox, date picker or drop-down keeps, and the table row and table around it.
"""

from __future__ import annotations

import re
import sys
from .controls import ControlKind

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"

#: Tables, rows and controls: the structure a reader needs around each control.
_EVENTS = re.compile(r"<(/?)w:(sdt|tbl|tr)(?=[\s/>])([^>]*)>")
#: One token of a control: a tag (closing?, name, attributes, empty?), text, or a stray ``<``.
_TOKEN = re.compile(r'<(/?)([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)((?:\s+[A-Za-z_][\w.\-:]*="[^"<]*")*)\s*(/?)>'
                    r'|([^<]+)|(<)')
_ATTR = re.compile(r'([A-Za-z_][\w.\-:]*)="([^"]*)"')
#: Characters XML 1.0 does not allow (carriage returns are refused separately).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));|&")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

_KINDS = {"w:text": ControlKind.TEXT, "w:richText": ControlKind.TEXT, "w14:checkbox": ControlKind.CHECKBOX,
          "w:dropDownList": ControlKind.DROPDOWN, "w:comboBox": ControlKind.DROPDOWN, "w:date": ControlKind.DATE,
          **{name: ControlKind.OTHER for name in (
              "w:picture", "w:docPartObj", "w:docPartList", "w:group", "w:citation", "w:bibliography",
              "w:equation", "w15:repeatingSection", "w15:repeatingSectionItem")}}
_LITERAL = {"w:br": "\n", "w:cr": "\n", "w:noBreakHyphen": "\u2011", "w:softHyphen": "\u00ad"}


class Unsure(Exception):
    """The text steps outside what :func:`scan` reads: read the file the careful way."""


class Place:
    """A table or a table row (identity is all that matters: the same object for the same element)."""

    __slots__ = ()


class Control:
    """What one content control holds, as :class:`.structure.Marks` has it for the reader."""

    __slots__ = ("kind", "tag", "showing", "text", "row", "table", "checked", "full_date", "date_format",
                 "items", "all_placeholder", "runs")

    def __init__(self, kind: ControlKind = ControlKind.TEXT, tag: str | None = None, showing: bool = False,
                 text: str = "", row: Place | None = None, table: Place | None = None, runs: str | None = None, *,
                 checked: str | None = None, full_date: str | None = None, date_format: str | None = None,
                 items: list[tuple[str, str]] | None = None) -> None:
        self.kind = kind
        self.tag = tag
        self.showing = showing
        self.text = text
        self.row = row
        self.table = table
        #: ``w14:checked``'s value (None: no such element), for checkboxes.
        self.checked = checked
        #: the date picker's ``w:fullDate`` and its first ``w:dateFormat``'s value ("" without one).
        self.full_date = full_date
        self.date_format = date_format
        #: ``(display text, value)`` of each drop-down item, as :func:`.controls.list_items` gives them.
        self.items = items if items is not None else []
        #: whether every run with text is styled as a placeholder (:func:`.controls.runs_all_placeholder`).
        self.all_placeholder = False
        #: the runs of a control read whole by :data:`_SHAPE`, until :func:`all_placeholder` looks at them.
        self.runs = runs


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        hexa, decimal, name = match.groups()
        if name:
            return _NAMED[name]
        if hexa is None and decimal is None:
            raise Unsure("a bare ampersand")
        code = int(hexa, 16) if hexa is not None else int(decimal)
        if not (code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF):
            raise Unsure("a character reference XML forbids")
        return chr(code)

    return _ENTITY.sub(one, text)


def _attrs(text: str) -> dict[str, str]:
    pairs = _ATTR.findall(text)
    out = {}
    for name, value in pairs:
        if "\t" in value or "\n" in value:
            value = value.replace("\t", " ").replace("\n", " ")  # attribute-value normalisation
        out[name] = _unescape(value) if "&" in value else value
    if len(out) != len(pairs):
        raise Unsure("an attribute given twice")
    return out


def _on(value: str | None, default: str) -> str:
    return default if value is None else value


def _check_document(body: bytes) -> None:
    """The document-wide rules (see the module's docstring) on the UTF-8 bytes; Unsure when one is broken.

    Searched for by single bytes first (memchr speed); the two-byte searches
    run only when a ``!`` or ``?`` is there at all (a prompt asks a question).
    """
    if b"\r" in body or b"!" in body and b"<!" in body:
        raise Unsure("a carriage return, a comment, CDATA or a DOCTYPE")
    start = 0
    if body.startswith(b"<?xml"):
        start = body.find(b"?>") + 2
        declaration = body[:start]
        if start < 2 or b"encoding" in declaration and not re.search(
                rb"""encoding=["']UTF-8["']""", declaration, re.I):
            raise Unsure("an XML declaration this reading does not take")
    question = body.find(b"?", start)
    while question >= 0:
        if body[question - 1:question] == b"<":
            raise Unsure("a processing instruction")
        question = body.find(b"?", question + 1)
    root_end = body.find(b">", start)
    root = body[start:root_end]
    if not root.lstrip().startswith(b"<w:document") or b'xmlns="' in root or b"xmlns='" in root:
        raise Unsure("not a w:document, or a default namespace")
    w14 = b'xmlns:w14="' + _W14_NS.encode() + b'"'
    if (b'xmlns:w="' + _W_NS.encode() + b'"' not in root or body.find(b"xmlns", root_end) >= 0
            or root.count(b"xmlns:w=") != 1 or root.count(b"xmlns:w14=") != root.count(w14)):
        raise Unsure("namespaces bound in another way")


def scan(body: bytes) -> list[Control]:
    """Every content control of ``word/document.xml`` (its bytes), in document order; Unsure when unsure."""
    if b"\r" in body:
        raise Unsure("a carriage return")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsure("not UTF-8") from None
    found = _known_controls(text)
    if found is not None:
        return found
    _check_document(body)
    found = _shaped_controls(text)
    if found is not None:
        return found
    # Some control is not of our writer's shapes: every table, row and control in order.
    out: list[Control] = []
    shape = _SHAPE.match
    shaped = -1  # where the control read whole by _SHAPE ends
    stack: list[tuple[str, Place]] = []
    opened = -1
    spans: list[tuple[int, int]] = []  # where each control starts and ends
    for match in _EVENTS.finditer(text):
        closing, name, attrs = match.groups()
        if attrs.strip():
            raise Unsure(f"attributes on w:{name}")  # not ours (nor an empty element, which Word never writes)
        if not closing:
            if name == "sdt":
                if opened >= 0:
                    raise Unsure("a control inside a control")
                whole = shape(text, match.start())
                if whole is not None:
                    out.append(_shaped(whole, *_around(stack)))
                    shaped = whole.end()
                    spans.append((whole.start(), shaped))
                    opened = -2  # inside a control already read
                    continue
                opened = match.end()
                spans.append((match.start(), -1))
            elif opened != -1:
                raise Unsure("a table inside a control")
            else:
                stack.append((name, Place()))
            continue
        if name == "sdt":
            if opened == -2 and match.end() == shaped:
                opened = -1
                continue
            if opened < 0:
                raise Unsure("a control closed that was not opened")
            control = _control(text[opened:match.start()])
            control.row, control.table = _around(stack)
            out.append(control)
            opened = -1
            spans[-1] = (spans[-1][0], match.end())
        elif opened != -1 or not stack or stack[-1][0] != name:
            raise Unsure(f"w:{name} closed out of order")
        else:
            stack.pop()
    if stack or opened != -1:
        raise Unsure("tables or controls left open")
    if not _sound(text, spans):
        raise Unsure("the text between controls does not nest, or is not sound")
    return out


_TABLE_TAG = re.compile(r"w:t(?:bl|r)(?=[\s/>])")


def _shaped_controls(text: str) -> list[Control] | None:
    """:func:`scan` when every control is one our writer makes (:data:`_SHAPE`), or None.

    The usual case, and the fast one: the controls are found by the expression's
    literal start, and tables and rows by one search, merged in document order.
    """
    matches = list(_SHAPE.finditer(text))
    # Each control of our shapes holds three tags starting "<w:sdt" (w:sdt, w:sdtPr, w:sdtContent):
    # any other (a control of another shape, an w:sdtEndPr) makes the count differ.
    if text.count("<w:sdt") != 3 * len(matches):
        return None
    out: list[Control] = []
    stack: list[tuple[str, Place]] = []
    tags = _TABLE_TAG.finditer(text)
    upcoming = next(tags, None)
    row = table = None
    for match in matches:
        start = match.start()
        if upcoming is not None and upcoming.start() < start:
            row, table = None, None  # the stack changes: worked out again below
        while upcoming is not None and upcoming.start() < start:
            at = upcoming.start()
            name = upcoming.group()[2:]
            if text[at - 1] == "<":
                if text[upcoming.end()] != ">":
                    raise Unsure(f"attributes on w:{name}")
                stack.append((name, Place()))
            elif text[at - 2:at] == "</":
                if not stack or stack[-1][0] != name or text[upcoming.end()] != ">":
                    raise Unsure(f"w:{name} closed out of order")
                stack.pop()
            # else: the letters in an attribute or in text, not a tag
            upcoming = next(tags, None)
            if upcoming is None or upcoming.start() >= start:
                row, table = _around(stack)
        out.append(_shaped(match, row, table))
    if not _sound(text, [(match.start(), match.end()) for match in matches]):
        raise Unsure("the text between controls does not nest, or is not sound")
    return out


# -- forms like ones read before ------------------------------------------------------------------
#
# Forms filled from one template differ only inside their controls (and in how many list rows
# they have): the text between two controls -- paragraphs, tables, rows, the document's start
# and end -- is one of a few pieces the template holds. When a second form with the same start
# passes the whole scan above (the first only notes its start: working pieces out costs a few
# times the scan, worth it for a template read again), each such piece that is also sound on its own (tags balanced or left open, quoted
# attributes, known entities, no character XML forbids) is kept with what it does to the
# elements open around it: which it closes, which it leaves open, and which tables and rows it
# opens and closes. A later form whose text between controls is all known pieces (each in the
# place it was seen: the start as a start, the end as an end), whose elements so nest properly
# from the start to the end, and whose controls all have our writer's shapes, is read without
# the document-wide searches: only the controls themselves are read, by the same expression,
# and checked as before. Nothing of an earlier form's values is kept, only its markup.


class Piece:
    """What a piece of text between controls does to the elements open around it."""

    __slots__ = ("closes", "opens", "steps", "after")

    def __init__(self, closes: list[str], opens: list[str], steps: tuple[tuple[bool, str], ...]) -> None:
        #: the names of the open elements it closes, outermost first (as they sit on the stack)
        self.closes = tuple(closes)
        #: the names of the elements it leaves open, outermost first
        self.opens = tuple(opens)
        #: ``(opening?, "tbl" or "tr")`` of each table and row tag, in order
        self.steps = steps
        #: the elements open after it by those open before it (numbers of a :class:`_Memory`), as met
        #: (-1: it cannot follow them); one look-up per piece instead of comparing names
        self.after: dict[int, int] = {}

    def follow(self, before: int, last: bool, memory: "_Memory") -> int:
        """The number of the elements open after this piece, met with ``before`` open; -1 when it cannot be.

        A piece between controls must leave the root open; the ``last`` piece must close it.
        """
        found = self.after.get(before)
        if found is None:
            names = memory.opened[before]
            closes = self.closes
            count = len(closes)
            closes_all = len(names) == count
            if names[len(names) - count:] != closes or (closes_all != last and (count or last)):
                found = -1
            else:
                found = memory.number(names[:len(names) - count] + self.opens)
            self.after[before] = found
        return found


class _Memory:
    """The pieces learnt, and each list of open elements met by number (0: none).

    Forgetting replaces the whole memory, so that a reading under way keeps
    numbers and pieces that agree with each other.
    """

    __slots__ = ("starts", "between", "ends", "opened", "numbers", "seen")

    def __init__(self) -> None:
        #: pieces of text seen at the start of a document (up to its first control), between two
        #: controls, and at its end (after its last control)
        self.starts: dict[str, Piece] = {}
        self.between: dict[str, Piece] = {}
        self.ends: dict[str, Piece] = {}
        self.opened: list[tuple[str, ...]] = [()]
        self.numbers: dict[tuple[str, ...], int] = {(): 0}
        #: the hashes of the starts of forms read once, whose pieces are worked out when read again
        self.seen: set[int] = set()

    def number(self, names: tuple[str, ...]) -> int:
        """The number of a list of open elements (outermost first)."""
        found = self.numbers.get(names)
        if found is None:
            found = self.numbers[names] = len(self.opened)
            self.opened.append(names)
        return found

    def size(self) -> int:
        """How many pieces or lists of open elements it holds at most."""
        return max(len(self.starts), len(self.between), len(self.ends), len(self.opened))


_MEMORY = _Memory()
#: Pieces kept at most (a template has a few hundred); past this the memory starts again.
_MAX_PIECES = 4096
#: Longest piece kept: a start holding a page of text before the first control is still kept.
_MAX_PIECE = 1024 * 1024
_DECLARATION = re.compile(r"<\?xml[^<>?]*\?>")


def forget() -> None:
    """Forget every piece learnt (tests use it to see both readings)."""
    global _MEMORY
    _MEMORY = _Memory()


#: One tag of a piece (closing?, name, attributes, empty?) with its attributes double-quoted, or a stray ``<``.
_PIECE_TAG = re.compile(r'<(/?)([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)((?:\s+[A-Za-z_][\w.\-:]*="[^"<]*")*)\s*(/?)>'
                        r"|(<)")
#: An ampersand that starts no reference XML defines.
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);|#[0-9]{1,7};|#x[0-9A-Fa-f]{1,6};)")
_TABLE_NAMES = frozenset({"w:tbl", "w:tr"})


def _piece(text: str, where: str) -> Piece | None:
    """What ``text``, seen at the ``where`` ("start", "between" or "end") of a document, does; None when unsound.

    Sound: every ``<`` starts a tag with double-quoted attributes, every ``&`` a
    reference XML defines to a character it allows, no character XML forbids, tags
    it opens closed in order. A start opens the root and never closes it; an end
    holds nothing after its last closing tag of an element opened before it (which,
    read in its place, closes the root) but white space. A piece between controls
    never closes the root: :func:`_known_controls` checks that where it is used.
    (An attribute given twice is not looked for: the whole scan never did either.)
    """
    if where == "start":
        declaration = _DECLARATION.match(text)
        if declaration is not None:
            text = text[declaration.end():]
        if not text.lstrip().startswith("<"):
            return None  # text before the root
    if _FORBIDDEN.search(text) is not None or _BAD_AMPERSAND.search(text) is not None:
        return None
    if "&#" in text:
        try:
            _unescape(text)  # the characters the references name
        except Unsure:
            return None
    if where == "end" and text[text.rfind(">") + 1:].strip():
        return None  # text after the root
    closes: list[str] = []  # innermost first, until the end
    opens: list[str] = []
    steps: list[tuple[bool, str]] = []
    start = where == "start"
    rooted = False  # a start: the root is open
    after = False  # an end: an element after its last closing of an outer element
    for closing, name, attrs, empty, stray in _PIECE_TAG.findall(text):
        if stray:
            return None
        if name in _TABLE_NAMES:
            if attrs or empty:
                return None  # not ours: the whole scan refuses them too
            steps.append((not closing, name[2:]))
        if closing:
            if attrs or empty:
                return None
            if opens:
                if opens.pop() != name or start and not opens:
                    return None  # out of order, or the root closed before the first control
            elif start:
                return None
            else:
                closes.append(name)
                after = False
            continue
        if not opens:
            if start:
                if rooted or empty:
                    return None  # a second root, or an empty one
                rooted = True
            else:
                after = True
        if not empty:
            opens.append(name)
    if start and not opens or where == "end" and (opens or after):
        return None
    closes.reverse()
    return Piece(closes, opens, tuple(steps))


def _sound(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the text around the controls at ``spans`` (start, end) is sound and nests from start to end.

    The pieces are learnt as they are worked out, for :func:`_known_controls`;
    that is done from the second form with the same start on (see below).
    """
    if not spans:
        return True  # no control: nothing is read from it
    if _MEMORY.size() + len(spans) + 1 > _MAX_PIECES:
        forget()
    memory = _MEMORY
    head = text[:spans[0][0]]
    if head not in memory.starts:
        # Working the pieces out costs a few times the scan itself: worth it only for a template
        # read again (tracking, a batch read back), so the first form of a start is read as the
        # whole scan always read forms (tables, rows and controls nested, the rest not looked at).
        key = hash(head)
        if key not in memory.seen:
            if len(memory.seen) >= _MAX_PIECES:
                memory.seen.clear()
            memory.seen.add(key)
            return True
    opened = 0
    at = 0
    for number, (start, end) in enumerate(spans):
        piece = _learnt(memory.between if number else memory.starts, text[at:start],
                        "between" if number else "start")
        if piece is None:
            return False
        opened = piece.follow(opened, False, memory)
        if opened <= 0:
            return False
        at = end
    piece = _learnt(memory.ends, text[at:], "end")
    return piece is not None and piece.follow(opened, True, memory) == 0


def _learnt(known: dict[str, Piece], text: str, where: str) -> Piece | None:
    """The piece ``text`` at ``where``, from ``known`` or worked out (and kept if sound); None if unsound."""
    piece = known.get(text)
    if piece is None:
        piece = _piece(text, where)
        if piece is not None and len(text) <= _MAX_PIECE:
            known[text] = piece
    return piece


def _known_controls(text: str) -> list[Control] | None:
    """:func:`scan` of a form whose text between controls is all pieces seen before (see above), or None."""
    memory = _MEMORY
    start = text.find("<w:sdt")
    if start < 0 or not memory.starts:
        return None
    piece = memory.starts.get(text[:start])
    if piece is None:
        return None
    first = start
    out: list[Control] = []
    opened = 0  # the elements open (a number of the memory's): none yet
    stack: list[tuple[str, Place]] = []  # the tables and rows open
    row = table = None
    shape = _SHAPE.match
    between = memory.between
    while True:
        after = piece.after.get(opened)
        opened = after if after is not None else piece.follow(opened, False, memory)
        if opened <= 0:
            return None  # the piece cannot follow what is open, or it closes the root
        if piece.steps:
            for opening, name in piece.steps:
                if opening:
                    stack.append((name, Place()))
                elif not stack or stack.pop()[0] != name:
                    return None
            row, table = _around(stack)
        match = shape(text, start)
        if match is None:
            return None
        out.append(_shaped(match, row, table))
        at = match.end()
        start = text.find("<w:sdt", at)
        if start < 0:
            break
        piece = between.get(text[at:start])
        if piece is None:
            return None
    piece = memory.ends.get(text[at:])
    # The end closes every element still open, so the tables and rows are closed too.
    if piece is None or piece.follow(opened, True, memory) != 0:
        return None
    # The pieces keep the document-wide rules; what a control may hold and they may not:
    # a namespace bound again (an attribute of an empty element inside a control).
    if text.find("xmlns", first) >= 0:
        return None
    return out


def _around(stack: list[tuple[str, Place]]) -> tuple[Place | None, Place | None]:
    """The innermost row and table open on ``stack`` (a row only if inside that table), as Marks finds them."""
    row = None
    for kind, place in reversed(stack):
        if kind == "tr":
            if row is None:
                row = place
        else:
            return row, place
    return row, None


# The controls our writer makes, read whole by one regular expression. Elements the
# careful reading gives a meaning to inside a control's content (paragraphs, text,
# breaks, tabs, symbols, bookmarks, controls) are kept out of the "any empty element"
# pattern, so that every one of them is seen where the expression names it.
# Loops unrolled (a run of plain characters, then entity and run again): one
# alternation per character would cost more than the rest of the reading. Quantifiers
# possessive where nothing need be given back (Python 3.10 has none: see _compile).
_VALUE = r'[^"<&]*+(?:&(?:amp|lt|gt|quot|apos);[^"<&]*+)*+'
_TEXT = r"[^<&]*+(?:&(?:amp|lt|gt|quot|apos);[^<&]*+)*+"
_NAME = r"[A-Za-z_][\w.\-]*+:[A-Za-z_][\w.\-]*+"
_EMPTY = (r"<(?!w:(?:p|t|r|sym|cr|br|tab|tabs|noBreakHyphen|softHyphen|sdt\w*+|tbl|tr|bookmarkStart"
          r"|bookmarkEnd|tag|alias|showingPlcHdr|listItem|dateFormat)[\s/>]|w14:checked[\s/>])"
          + _NAME + r'(?: ' + _NAME + '="' + _VALUE + r'")*+/>')
_RPR = r"<w:rPr>(?:" + _EMPTY + r")*+</w:rPr>"


def _compile(pattern: str) -> re.Pattern[str]:
    if sys.version_info < (3, 11):  # no possessive quantifiers: the same language, more backtracking
        pattern = pattern.replace("*+", "*").replace("++", "+").replace("?+", "?")
    return re.compile(pattern)


_SHAPE = _compile(
    r"<w:sdt><w:sdtPr>(?:" + _RPR + r")?"
    r'<w:alias w:val="' + _VALUE + r'"/><w:tag w:val="(' + _VALUE + r')"/><w:id w:val="-?\d++"/>'
    r"(<w:showingPlcHdr/>)?"
    r"(?:(<w14:checkbox>)<w14:checked w14:val=\"(" + _VALUE + r")\"/>(?:" + _EMPTY + r")*</w14:checkbox>"
    r'|(<w:date)(?: w:fullDate="(' + _VALUE + r')")?><w:dateFormat w:val="(' + _VALUE + r')"/>(?:'
    + _EMPTY + r")*</w:date>"
    r'|<w:dropDownList>((?:<w:listItem w:displayText="' + _VALUE + r'" w:value="' + _VALUE + r'"/>)*)'
    r"</w:dropDownList>)?"
    r"</w:sdtPr><w:sdtContent>"
    r'(?:<w:bookmarkStart w:id="-?\d+" w:name="' + _VALUE + r'"/><w:bookmarkEnd w:id="-?\d+"/>)?'
    # the runs: one run of one w:t (most controls: its text is a group), or any runs of text, breaks and tabs
    r"((?:<w:r>(?:" + _RPR + r')?<w:t(?: xml:space="preserve")?>(' + _TEXT + r")</w:t></w:r>)"
    r"|(?:<w:r>(?:" + _RPR + r')?(?:<w:t(?: xml:space="preserve")?>' + _TEXT + r"</w:t>|<w:br/>|<w:tab/>)*</w:r>)*)"
    r"</w:sdtContent></w:sdt>")
_RUN_TEXT = re.compile(r'<w:t(?: xml:space="preserve")?>([^<]*)</w:t>|<w:(br|tab)/>')
_RUN = re.compile(r"<w:r>(?:<w:rPr>(.*?)</w:rPr>)?(.*?)</w:r>")
_RSTYLE = re.compile(r'<w:rStyle((?: [^<>]*?)?)/>')
_ITEM = re.compile(r'<w:listItem w:displayText="([^"]*)" w:value="([^"]*)"/>')
_BREAKS = {"br": "\n", "tab": "\t"}


def _shaped(match: re.Match[str], row: Place | None, table: Place | None) -> Control:
    """A control our writer made, from its :data:`_SHAPE` match."""
    tag, showing, checkbox, checked, date, full, fmt, items, runs, single = match.groups()
    if "&" in tag:
        tag = _unescape(tag)
    if single is not None:
        text = single
    else:
        pieces = [t or _BREAKS.get(b, "") for t, b in _RUN_TEXT.findall(runs)]
        text = pieces[0] if len(pieces) == 1 else "".join(pieces)
    if "&" in text:
        text = _unescape(text)
    # isprintable() is False for every character XML forbids (and for some it allows): the search is rare.
    if not (text.isprintable() and tag.isprintable()) and (
            _FORBIDDEN.search(text) is not None or _FORBIDDEN.search(tag) is not None):
        raise Unsure("a character XML forbids")
    if checkbox is None and date is None and items is None:  # a text control: most of them
        return Control(_TEXT_KIND, tag, showing is not None, text, row, table, runs)
    if checkbox is not None:
        return Control(ControlKind.CHECKBOX, tag, showing is not None, text, row, table, runs,
                       checked=_unescape(checked) if "&" in checked else checked)
    if date is not None:
        return Control(ControlKind.DATE, tag, showing is not None, text, row, table, runs,
                       full_date=_unescape(full) if full and "&" in full else full,
                       date_format=_unescape(fmt) if "&" in fmt else fmt)
    return Control(ControlKind.DROPDOWN, tag, showing is not None, text, row, table, runs,
                   items=[(_unescape(d) if "&" in d else d, _unescape(v) if "&" in v else v)
                          for d, v in _ITEM.findall(items)])


_TEXT_KIND = ControlKind.TEXT


def all_placeholder(control: Control) -> bool:
    """:func:`.controls.runs_all_placeholder` for a scanned control (worked out on first use)."""
    if control.runs is not None:
        control.all_placeholder = _all_placeholder(control.runs)
        control.runs = None
    return control.all_placeholder


def _all_placeholder(runs: str) -> bool:
    """:func:`.controls.runs_all_placeholder` for the runs of a :data:`_SHAPE` match."""
    if "PlaceholderText" not in runs:
        return False  # no run is styled as a placeholder: true only with no text at all
    seen = False
    for props, body in _RUN.findall(runs):
        if "<w:t>" not in body and "<w:t " not in body:
            continue
        seen = True
        style = _RSTYLE.search(props)
        if style is None or _attrs(style.group(1)).get("w:val") != "PlaceholderText":
            return False
    return seen


def _control(inner: str) -> Control:
    """One control from the text between ``<w:sdt>`` and ``</w:sdt>``."""
    control = Control()
    names: list[str] = []  # open elements inside the control
    region = ""  # "pr", "content" or another child of w:sdt
    pieces: list[str] = []
    first_paragraph = True
    seen_pr = seen_content = False
    state: str | None = None  # the type element of w:sdtPr whose state is kept
    in_run = run_text = run_placeholder = run_styled = False
    run_depth = 0
    runs_seen = False
    all_placeholder = True
    for closing, name, attrs, empty, chars, stray in _TOKEN.findall(inner):
        if stray:
            raise Unsure("a stray <")
        if chars:
            if names and names[-1] == "w:t" and region == "content":
                pieces.append(_unescape(chars) if "&" in chars else chars)
            elif chars.strip() and (not names or names[-1] != "w:t"):
                if "&" in chars:
                    _unescape(chars)  # checked, not used: text elsewhere is not the control's text
            continue
        depth = len(names)
        if closing:
            if attrs or empty or not names or names[-1] != name:
                raise Unsure(f"{name} closed out of order")
            names.pop()
            if depth == 1:
                region = ""
            elif name == "w:r" and region == "content" and in_run and depth - 1 == run_depth:
                in_run = False
                if run_text:  # as runs_all_placeholder: runs with a w:t of their own count
                    runs_seen = True
                    if not run_placeholder:
                        all_placeholder = False
            continue
        if names and names[-1] == "w:t":
            raise Unsure("an element inside w:t")
        if depth == 0:
            if name == "w:sdtPr":
                if seen_pr or seen_content:
                    raise Unsure("w:sdtPr twice or late")
                seen_pr, region = True, "pr"
            elif name == "w:sdtContent":
                if seen_content:
                    raise Unsure("w:sdtContent twice")
                seen_content, region = True, "content"
            else:
                region = "other"
        elif region == "pr":
            if depth == 1:
                if name == "w:tag":
                    control.tag = _attrs(attrs).get("w:val")
                elif name == "w:showingPlcHdr":
                    control.showing = _on(_attrs(attrs).get("w:val"), "true") not in ("0", "false", "off")
                elif name == "w:alias":
                    pass
                elif state is None and name in _KINDS:
                    state = name
                    control.kind = _KINDS[name]
                    if name == "w:date":
                        control.full_date = _attrs(attrs).get("w:fullDate")
            elif depth == 2 and names[1] == state:
                if name == "w14:checked" and control.checked is None and state == "w14:checkbox":
                    control.checked = _on(_attrs(attrs).get("w14:val"), "1")
                elif name == "w:dateFormat" and state == "w:date" and control.date_format is None:
                    control.date_format = _attrs(attrs).get("w:val")
                    control.date_format = control.date_format if control.date_format is not None else ""
                elif name == "w:listItem" and state in ("w:dropDownList", "w:comboBox"):
                    found = _attrs(attrs)
                    value, display = found.get("w:value"), found.get("w:displayText")
                    if value is not None or display is not None:
                        control.items.append((display if display is not None else value or "",
                                              value if value is not None else display or ""))
        elif region == "content":
            if name == "w:t":
                if in_run and depth == run_depth + 1:
                    run_text = True
            elif name == "w:p":
                if not first_paragraph:
                    pieces.append("\n")
                first_paragraph = False
            elif name == "w:r":
                if in_run or empty:
                    raise Unsure("a run inside a run, or an empty run")
                in_run, run_depth, run_text, run_placeholder, run_styled = True, depth, False, False, False
            elif name == "w:rStyle":
                # the first w:rPr/w:rStyle of the run decides, as lxml's find does
                if in_run and not run_styled and depth == run_depth + 2 and names[-1] == "w:rPr":
                    run_styled = True
                    run_placeholder = _attrs(attrs).get("w:val") == "PlaceholderText"
            elif name in _LITERAL:
                pieces.append(_LITERAL[name])
            elif name == "w:tab":
                if names[-1] != "w:tabs":
                    pieces.append("\t")
            elif name == "w:sym":
                raise Unsure("a symbol character")  # rare: the careful reader decodes it
            elif name == "w:sdt":
                raise Unsure("a nested control")
        if not empty:
            names.append(name)
    if names:
        raise Unsure("elements left open in a control")
    if not seen_pr or not seen_content:
        raise Unsure("a control without properties or content")
    control.text = pieces[0] if len(pieces) == 1 else "".join(pieces)
    control.all_placeholder = runs_seen and all_placeholder
    return control

