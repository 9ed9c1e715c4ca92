"""A fast reading of a PDF form filled by our filler: the blank it was filled from, plus one update.

Our filler appends one incremental update to the blank form: new versions of the
blank's value objects and appearance dictionaries of the text and choice fields
it filled (the built-in blanks keep those as objects of their own), the checkbox
dictionaries it ticked (with ``/V`` and ``/AS``; a custom template's fields are
written this way too, with ``/AP``), and their new appearance streams.
Opening the whole file with qpdf and walking the field tree is most of the cost of
reading it back. Here the blank is walked once (with pikepdf, the careful way,
when the same blank has been seen twice) and remembered; a file that is exactly
that blank, byte for byte, followed by exactly one update whose cross-reference
table, trailer and changed objects are checked here, is read by parsing only the
field objects the update changed.

The update may be a classic one (whole objects, a cross-reference table) or a
hybrid one, as our filler writes it now: the changed objects packed in a
compressed object stream, a cross-reference stream listing them, and a classic
table of one entry (that stream) whose trailer points at it with ``/XRefStm``.
A value object must be one string (or name); an appearance dictionary holds at
most ``/N`` naming a new stream of the update; it is not read further, as the
careful reading reads no appearance.
Both streams are inflated here with bounds worked out before inflating (from the
update's length and :data:`~mentoring_docs.limits.MAX_FORM_BYTES`), so a stream
that claims or inflates to more is not read.

Anything else, or anything in the update this reading does not take (an object
that is not one of the blank's fields, widgets, value objects or appearance
dictionaries, a value object or appearance dictionary shared by two fields or
written as a whole object, a field whose name, type,
flags, parent or kids changed, a value that is not a plain string or name, a
long value, an encrypted file, a second update: signed files, files saved again
by any other program), makes :func:`read` return None, and the caller reads the
file the careful way (:mod:`.reader`), with the same result.
"""

from __future__ import annotations

import re
import struct
import sys
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import Problem
from ..extension import Extension
from ..limits import MAX_FORM_BYTES

#: Blanks remembered (a batch uses one or two; each costs its bytes and a few hundred small objects).
_MAX_BLANKS = 8
#: Prefixes seen once, waiting for a second sighting before their blank is worked out.
_MAX_SIGHTINGS = 64


class Unsure(Exception):
    """Something this reading does not take: read the file the careful way."""


@dataclass
class Terminal:
    """One terminal field of the blank, and what the careful reading would make of it."""

    name: str
    pattern: str
    number: int                   # its object number (0: a direct object, never changed by an update)
    checkbox: bool
    inherited: Any                # its /V in the blank, its own or inherited (a parsed value), or None
    has_own: bool                 # whether that /V is its own (then an update that drops it is not taken)
    widgets: tuple[int, ...]      # object numbers of its widgets (itself when it is its own widget)
    blank_as: tuple[Any, ...]     # each widget's /AS in the blank
    own: dict[str, Any]           # the blank's /T, /FT, /Ff, /Kids, /Parent, /Subtype of its object
    own_text: dict[str, bytes]    # the same entries as qpdf writes them (equal text: equal values)
    value_number: int = 0         # the object its own /V is, when that is an object of its own (else 0)


@dataclass
class Blank:
    """A blank form's bytes and what the careful reading finds in it."""

    data: bytes
    startxref: int
    size: int
    root: tuple[int, int]
    info: tuple[int, int] | None
    kind: Any
    extension: Extension | None
    problems: list[Problem]
    terminals: list[Terminal]
    ours: Any                     # the catalogue's fields by pattern
    fields: dict[int, Terminal] = field(default_factory=dict)
    widgets: dict[int, tuple[Terminal, int]] = field(default_factory=dict)
    widget_own: dict[int, tuple[dict[str, Any], dict[str, bytes]]] = field(default_factory=dict)
    #: By object number: the text a packed dictionary started with in an update already read, up to its
    #: value entries, and the entries of :data:`_KEYS` in it (equal to the blank's, checked when learnt).
    heads: dict[int, tuple[bytes, dict[str, bytes]]] = field(default_factory=dict)
    #: By object number: the terminal whose own value that object is (an update replaces it to fill the field).
    values: dict[int, Terminal] = field(default_factory=dict)
    #: Numbers of the widgets' appearance dictionaries that are objects of their own (an update replaces
    #: them with the drawn appearances; no value is read from them, as the careful reading reads none).
    appearances: set[int] = field(default_factory=set)


_BLANKS: dict[bytes, Blank] = {}
_SEEN: dict[bytes, int] = {}
_UNLEARNABLE: dict[bytes, bool] = {}
_LOCK = threading.Lock()

_WS = b"\x00\t\n\x0c\r "
_TOKEN = re.compile(
    rb"[\x00\t\n\x0c\r ]*(?:(<<|>>|\[|\])"
    rb"|/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)"
    rb"|\(([^()\\]*(?:\\[\s\S][^()\\]*)*)\)"
    rb"|<([0-9A-Fa-f\x00\t\n\x0c\r ]*)>"
    rb"|([-+]?(?:\d+\.?\d*|\.\d+))"
    rb"|([A-Za-z]+)"
    rb"|([\s\S]))")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"\\": b"\\"}
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|([\s\S]))")
_TAIL = re.compile(rb"startxref[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+%%EOF[\x00\t\n\x0c\r ]*\Z")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")


class Ref(tuple):  # type: ignore[type-arg]
    """An indirect reference ``(number, generation)``."""


class Name(str):
    """A PDF name, with its slash (``/Yes``)."""


def _literal(raw: bytes) -> bytes:
    if b"\\" not in raw:
        return raw

    def one(match: re.Match[bytes]) -> bytes:
        octal, newline, other = match.groups()
        if octal is not None:
            return bytes((int(octal, 8) & 0xFF,))
        if newline is not None:
            return b""
        return _ESCAPES.get(other, other)

    return _ESCAPE.sub(one, raw)


def _hex(raw: bytes) -> bytes:
    digits = bytes(c for c in raw if c not in _WS)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def parse_dict(data: bytes, start: int) -> tuple[dict[str, Any], int]:
    """The dictionary at ``start`` (top-level keys; nested values parsed too) and where it ends."""
    tokens = []
    pos = start
    depth = 0
    match = _TOKEN.match
    while True:
        found = match(data, pos)
        if found is None:
            raise Unsure("the end of the data inside a dictionary")
        groups = found.groups()
        if groups[6] is not None:
            raise Unsure("syntax this reading does not take")
        tokens.append(groups)
        pos = found.end()
        delim = groups[0]
        if delim == b"<<" or delim == b"[":
            depth += 1
        elif delim == b">>" or delim == b"]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 0:
            raise Unsure("not a dictionary")
    value, used = _value(tokens, 0)
    if used != len(tokens) or not isinstance(value, dict):
        raise Unsure("not a dictionary")
    return value, pos


def _value(tokens: list[tuple[Any, ...]], i: int) -> tuple[Any, int]:
    delim, name, literal, hexa, number, word, _ = tokens[i]
    if delim is not None:
        if delim == b"<<":
            out: dict[str, Any] = {}
            i += 1
            while tokens[i][0] != b">>":
                key = tokens[i][1]
                if key is None or b"#" in key:
                    raise Unsure("a dictionary key this reading does not take")
                value, i = _value(tokens, i + 1)
                out["/" + key.decode("latin-1")] = value
            return out, i + 1
        if delim == b"[":
            items = []
            i += 1
            while tokens[i][0] != b"]":
                value, i = _value(tokens, i)
                items.append(value)
            return items, i + 1
        raise Unsure("a closing bracket out of place")
    if name is not None:
        if b"#" in name:
            raise Unsure("a name with # escapes")
        return Name("/" + name.decode("latin-1")), i + 1
    if literal is not None:
        return _literal(literal), i + 1
    if hexa is not None:
        return _hex(hexa), i + 1
    if number is not None:
        if (i + 2 < len(tokens) and tokens[i + 1][4] is not None and tokens[i + 2][5] == b"R"
                and number.isdigit() and tokens[i + 1][4].isdigit()):
            return Ref((int(number), int(tokens[i + 1][4]))), i + 3
        return (int(number) if number.lstrip(b"+-").isdigit() else float(number)), i + 1
    if word == b"true":
        return True, i + 1
    if word == b"false":
        return False, i + 1
    if word == b"null":
        return None, i + 1
    raise Unsure("a keyword this reading does not take")


# A dictionary as our filler writes it, as regular expressions: values are atoms, arrays of
# atoms (or of such arrays), or dictionaries nested at most twice (/AP << /N << /Off 1 0 R /Yes 2 0 R >> >>).
# Possessive quantifiers throughout: nothing here needs to give back what it matched, and
# not trying to makes the expressions a third faster. Python 3.10 has none: there the
# same expressions are compiled without them (the same language, more backtracking).


def _compile(pattern: bytes) -> re.Pattern[bytes]:
    if sys.version_info < (3, 11):
        pattern = pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?")
    return re.compile(pattern)


_W = rb"[\x00\t\n\x0c\r ]*+"
_NAME = rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*+"
_ATOM = (rb"(?:\([^()\\]*+(?:\\[\s\S][^()\\]*+)*+\)|" + _NAME
         + rb"|\d++[\x00\t\n\x0c\r ]++\d++[\x00\t\n\x0c\r ]++R(?![A-Za-z])"
         + rb"|[-+]?+(?:\d++\.?+\d*+|\.\d++)(?![\d.])|<(?!<)[0-9A-Fa-f\x00\t\n\x0c\r ]*+>"
         + rb"|(?:true|false|null)(?![A-Za-z]))")
_ARRAY1 = rb"\[" + _W + rb"(?:" + _ATOM + _W + rb")*+\]"
_ARRAY = rb"\[" + _W + rb"(?:(?:" + _ATOM + rb"|" + _ARRAY1 + rb")" + _W + rb")*+\]"  # /Opt [ [ (a) (A) ] ... ]
_DICT1 = rb"<<" + _W + rb"(?:" + _NAME + _W + rb"(?:" + _ATOM + rb"|" + _ARRAY + rb")" + _W + rb")*+>>"
_DICT2 = rb"<<" + _W + rb"(?:" + _NAME + _W + rb"(?:" + _ATOM + rb"|" + _ARRAY + rb"|" + _DICT1 + rb")" + _W + rb")*+>>"
_VALUE_RE = rb"(?:" + _ATOM + rb"|" + _ARRAY + rb"|" + _DICT2 + rb")"
_OPEN = _compile(_W + rb"<<" + _W)
_CLOSE = _compile(rb">>" + _W + rb"\Z")
_DICT_ENTRY = _compile(rb"((" + _NAME + rb")" + _W + rb"(" + _VALUE_RE + rb")" + _W + rb")")
_REF = re.compile(rb"(\d+)[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+R")
_INT = re.compile(rb"[-+]?\d+")


def entries(data: bytes, start: int, stop: int, wanted: frozenset[bytes]) -> dict[str, Any]:
    """The ``wanted`` top-level entries (their text; :func:`_atom` parses one) of the dictionary that fills
    ``data[start:stop]`` (whitespace around it).

    One expression checks that the text is exactly one dictionary of the shapes
    our filler writes, another splits its top-level entries; only the wanted
    values are parsed. Anything else is Unsure.
    """
    _, found = _split(data, start, stop)
    return {key.decode("latin-1"): value for _, key, value in found if key in wanted}


def _split(data: bytes, start: int, stop: int) -> tuple[int, list[tuple[bytes, bytes, bytes]]]:
    """Where the entries of the one dictionary in ``data[start:stop]`` start, and ``(whole entry,
    key, value)`` of each top-level one; Unsure unless the text is exactly one dictionary of our shapes."""
    opening = _OPEN.match(data, start, stop)
    closing = _CLOSE.search(data, start, stop)
    if opening is None or closing is None:
        raise Unsure("not one dictionary")
    at, end = opening.end(), closing.start()
    found: list[tuple[bytes, bytes, bytes]] = _DICT_ENTRY.findall(data, at, end)
    # findall skips what it cannot match: the entries cover the whole text only if their lengths add up.
    if sum([len(whole) for whole, _, _ in found]) != end - at:
        raise Unsure("not one dictionary of the shapes this reading takes")
    return at, found


def _atom(raw: bytes) -> Any:
    """A value :data:`_DICT_ENTRY` found, parsed (arrays of references for /Kids; dictionaries are Unsure)."""
    first = raw[:1]
    if first == b"/":
        return Name(raw.decode("latin-1"))
    if first == b"(":
        return _literal(raw[1:-1])
    if raw[:2] == b"<<":
        raise Unsure("a dictionary where a field keeps a value")
    if first == b"<":
        return _hex(raw[1:-1])
    if first == b"[":
        items: list[Any] = []
        for found in _ITEMS.finditer(raw, 1, len(raw) - 1):
            items.append(_atom(found.group(1)))
        return items
    ref = _REF.fullmatch(raw)
    if ref is not None:
        return Ref((int(ref.group(1)), int(ref.group(2))))
    if _INT.fullmatch(raw) is not None:
        return int(raw)
    if raw in (b"true", b"false"):
        return raw == b"true"
    if raw == b"null":
        return None
    return float(raw)


_ITEMS = _compile(_W + rb"(" + _ATOM + rb"|" + _ARRAY1 + rb")")


def text_of(value: bytes) -> str:
    """A PDF text string's text, as pikepdf gives it, for the strings this reading takes; Unsure otherwise."""
    if value.startswith(b"\xfe\xff"):
        try:
            return value[2:].decode("utf-16-be")
        except UnicodeDecodeError:
            raise Unsure("damaged UTF-16") from None
    if value.isascii() and (value.isalnum() or _PRINTABLE.fullmatch(value) is not None):
        return value.decode("ascii")
    raise Unsure("a string in PDFDocEncoding beyond ASCII")


_PRINTABLE = re.compile(rb"[\x20-\x7e\t\n\r]*")

# -- the blank ------------------------------------------------------------------------------


_KEYS = ("/T", "/FT", "/Ff", "/Kids", "/Parent", "/Subtype")
_WANTED = frozenset(key.encode() for key in _KEYS + ("/V", "/AS"))


def _prefix(blob: bytes) -> tuple[int, int, int, bytes]:
    """``(end of the blank, startxref of the update, /Prev, key)`` of a file that is a blank plus one update."""
    tail = _TAIL.search(blob, max(0, len(blob) - 64))
    if tail is None:
        raise Unsure("no startxref at the end")
    xref = int(tail.group(1))
    trailer_at = blob.rfind(b"trailer", xref, tail.start())
    if trailer_at < 0 or not blob.startswith(b"xref", xref):
        raise Unsure("no cross-reference table")
    prev = re.search(rb"/Prev[\x00\t\n\x0c\r ]+(\d+)", blob[trailer_at:tail.start()])
    if prev is None:
        raise Unsure("not an update")
    start = int(prev.group(1))
    end_mark = blob.find(b"%%EOF", start, xref)
    if end_mark < 0:
        raise Unsure("no end of the first revision")
    end = end_mark + 5
    while end < xref and blob[end:end + 1] in (b"\r", b"\n"):
        end += 1
    if blob.find(b"%%EOF", end, xref) >= 0 or blob.find(b"startxref", end, xref) >= 0:
        raise Unsure("more than one update")
    return end, xref, start, blob[start:end]


def read(blob: bytes, learn: Callable[[bytes], Blank | None]) -> tuple[Any, dict[str, Any], list[Problem],
                                                                         Extension | None] | None:
    """``(kind, raw values, problems, extension)`` of a form our filler filled, or None (read it carefully).

    ``learn`` works out a blank's :class:`Blank` from its bytes (the careful way); it
    is called when a blank is seen for the second time.
    """
    try:
        end, xref, start, key = _prefix(blob)
    except Unsure:
        return None
    if key in _UNLEARNABLE:
        return None
    blank = _BLANKS.get(key)
    if blank is None or not blob.startswith(blank.data):
        with _LOCK:
            seen = _SEEN.get(key, 0) + 1
            if seen < 2:
                if len(_SEEN) >= _MAX_SIGHTINGS:
                    _SEEN.pop(next(iter(_SEEN)))
                _SEEN[key] = seen
                return None
            _SEEN.pop(key, None)
        blank = learn(blob[:end])
        if blank is None:
            with _LOCK:  # not learnt again: such files are read carefully from now on
                if len(_UNLEARNABLE) >= _MAX_SIGHTINGS:
                    _UNLEARNABLE.pop(next(iter(_UNLEARNABLE)))
                _UNLEARNABLE[key] = True
            return None
        with _LOCK:
            if len(_BLANKS) >= _MAX_BLANKS:
                _BLANKS.pop(next(iter(_BLANKS)))
            _BLANKS[key] = blank
    if blank.startxref != start or len(blank.data) != end:
        return None
    try:
        return _read_update(blob, blank, end, xref)
    except (Unsure, IndexError, ValueError, RecursionError, zlib.error):
        return None


def _read_update(blob: bytes, blank: Blank, end: int, xref: int) -> tuple[Any, dict[str, Any], list[Problem],
                                                                           Extension | None]:
    trailer_at = blob.rfind(b"trailer", xref)
    changed = _xref(blob, xref + 4, trailer_at)
    trailer = _all_entries(blob, trailer_at + 7, blob.rfind(b"startxref", trailer_at))
    if (trailer.get("/Prev") != blank.startxref or trailer.get("/Root") != blank.root
            or trailer.get("/Info") != blank.info or "/Encrypt" in trailer):
        raise Unsure("a trailer this reading does not take")
    size = trailer.get("/Size")
    if not isinstance(size, int) or size < blank.size or any(n >= size for n in changed):
        raise Unsure("objects beyond /Size")
    objects: dict[int, dict[str, Any]] = {}
    same: set[int] = set()  # objects whose own entries are known to be the blank's (a learnt head)
    values: dict[int, Any] = {}  # new versions of the blank's value objects, parsed
    if "/XRefStm" in trailer:
        changed, packed = _hybrid(blob, changed, trailer["/XRefStm"], end, xref, size, blank)
        if packed:
            _unpack(blob, packed, changed, end, xref, blank, objects, same, values)
    for number, offset in changed.items():
        if number >= blank.size:
            continue  # a new object (an appearance stream, an object stream): reachable only through the others
        if number not in blank.fields and number not in blank.widgets:
            raise Unsure("the update changes an object that is not a field or a widget")
        if not end <= offset < xref:
            raise Unsure("an object outside the update")
        body = _object_body(blob, number, offset)
        # Up to the first "endobj": a value holding that word, or a stream, ends the dictionary
        # early or late, and entries() refuses what is then not exactly one dictionary.
        stop = blob.find(b"endobj", offset, xref)
        if stop < 0:
            raise Unsure("an object not ended")
        objects[number] = entries(blob, body, stop, _WANTED)
    for number, found in objects.items():
        if number in same:
            continue
        terminal = blank.fields.get(number)
        own, own_text = (terminal.own, terminal.own_text) if terminal is not None else blank.widget_own[number]
        if tuple(map(found.get, _KEYS)) == tuple(map(own_text.get, _KEYS)):
            continue  # the same text: the same values (the usual case, checked in one comparison)
        for key in _KEYS:
            text = found.get(key)
            if text != own_text.get(key) and (text is None or key not in own or _atom(text) != own[key]):
                raise Unsure(f"the update changes {key} of a field")
    raw: dict[str, Any] = {}
    for terminal in blank.terminals:
        changed_field = objects.get(terminal.number) if terminal.number else None
        state = terminal.inherited
        if terminal.value_number in values:
            state = values[terminal.value_number]
        if changed_field is not None:
            if "/V" in changed_field:
                state = _atom(changed_field["/V"])
            elif terminal.has_own:
                raise Unsure("the update takes a field's own value away")
        if terminal.checkbox:
            if state is None:  # as the careful reading: the first widget with an appearance state
                for widget, before in zip(terminal.widgets, terminal.blank_as):
                    now = objects.get(widget)
                    appearance = (_atom(now["/AS"]) if "/AS" in now else None) if now is not None else before
                    if appearance is not None:
                        state = appearance
                        break
            if state is not None and not isinstance(state, Name):
                raise Unsure("a checkbox state that is not a name")
            value: Any = state is not None and state not in ("/Off", "")
        elif state is None:
            value = None
        elif isinstance(state, Name):
            value = state[1:]
        elif isinstance(state, bytes):
            if len(state) > _VALUE_BYTES:
                raise Unsure("a long value: the careful reading reports it")
            value = text_of(state)
        else:
            raise Unsure("a value that is not text")
        if terminal.pattern not in blank.ours and value in (None, "", False):
            continue
        raw[terminal.name] = value
    return blank.kind, raw, list(blank.problems), blank.extension


def _xref(blob: bytes, pos: int, stop: int) -> dict[int, int]:
    """Object number -> offset of each object in use in the cross-reference table between ``pos`` and ``stop``."""
    out: dict[int, int] = {}
    while True:
        while pos < stop and blob[pos:pos + 1] in (b" ", b"\r", b"\n", b"\t"):
            pos += 1
        if pos >= stop:
            return out
        header = _SUBSECTION.match(blob, pos, stop)
        if header is None:
            raise Unsure("a cross-reference table this reading does not take")
        first, count = int(header.group(1)), int(header.group(2))
        pos = header.end()
        chunk = blob[pos:pos + 20 * count]
        entries = _ENTRY.findall(chunk)
        if len(entries) != count or pos + 20 * count > stop:
            raise Unsure("a cross-reference subsection of another length")
        for number, (offset, generation, use) in enumerate(entries, first):
            if use == b"n":
                if generation != b"00000" or number in out:
                    raise Unsure("generations or repeated entries")
                out[number] = int(offset)
            elif number != 0:
                raise Unsure("a freed object")
        pos += 20 * count


# -- a hybrid update: cross-reference stream and object streams ----------------------------

#: struct's code for an unsigned big-endian field of so many bytes (others, and absent fields: by hand).
_FORMATS = {1: "B", 2: "H", 4: "I", 8: "Q"}

#: Keys a cross-reference stream and an object stream of our filler have (any other: Unsure).
_XREF_KEYS = frozenset(("/Type", "/Size", "/Index", "/W", "/Filter", "/Length"))
_OBJSTM_KEYS = frozenset(("/Type", "/N", "/First", "/Filter", "/Length"))
#: The fewest bytes a whole object takes (``N 0 obj<<>>endobj``): bounds the entries an update can list.
_OBJECT_BYTES = 16
#: Room for a packed dictionary's own entries besides its value (its name, label, rectangle, options).
_DICT_BYTES = 16 * 1024
_STREAM_START = re.compile(rb"[\x00\t\n\x0c\r ]*stream(?:\r\n|\n)")
_STREAM_END = re.compile(rb"(?:\r\n|\r|\n)?endstream[\x00\t\n\x0c\r ]+endobj")
# Digits and PDF whitespace only (one character class: nothing to backtrack over).
_OFFSETS = re.compile(rb"[0-9\x00\t\n\x0c\r ]*")


def _hybrid(blob: bytes, table: dict[int, int], at: Any, end: int, xref: int, size: int,
            blank: Blank) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """The update's whole objects (number -> offset) and packed ones (number -> (object stream, index)),
    from the cross-reference stream at ``at`` that the classic ``table`` lists alone."""
    if not isinstance(at, int) or not end <= at < xref or len(table) != 1:
        raise Unsure("a hybrid section this reading does not take")
    (number, offset), = table.items()
    if offset != at:
        raise Unsure("/XRefStm is not the object the table lists")
    info, data = _stream(blob, number, at, xref, _XREF_KEYS)
    widths, index, declared = info.get("/W"), info.get("/Index", [0, info.get("/Size")]), info.get("/Size")
    if (info.get("/Type") != "/XRef" or not isinstance(declared, int) or not 0 <= declared <= size
            or not isinstance(widths, list) or len(widths) != 3 or widths[0] != 1
            or not all(type(w) is int for w in widths) or not 1 <= widths[1] <= 8 or not 0 <= widths[2] <= 4
            or not isinstance(index, list) or len(index) % 2 or not all(type(n) is int and n >= 0 for n in index)):
        raise Unsure("a cross-reference stream this reading does not take")
    # Every entry is a blank object's new place (at most one each) or a new whole object in the
    # update: more entries than that cannot be ours, and are refused before anything is inflated.
    count = sum(index[1::2])
    if count > blank.size + (xref - end) // _OBJECT_BYTES:
        raise Unsure("more cross-reference entries than the update can hold")
    row = 1 + widths[1] + widths[2]
    rows = _inflate(data, count * row)
    if len(rows) != count * row:
        raise Unsure("a cross-reference stream of another length")
    whole: dict[int, int] = {}
    packed: dict[int, tuple[int, int]] = {}
    formats = _FORMATS.get(widths[1]), _FORMATS.get(widths[2])
    if formats[0] is not None and formats[1] is not None:
        fields = iter(struct.iter_unpack(">B" + formats[0] + formats[1], rows))
    else:
        second = 1 + widths[1]
        fields = ((rows[at], int.from_bytes(rows[at + 1:at + second], "big"),
                   int.from_bytes(rows[at + second:at + row], "big")) for at in range(0, len(rows), row))
    for first, many in zip(index[::2], index[1::2]):
        if first + many > declared:
            raise Unsure("cross-reference entries beyond /Size")
        for n in range(first, first + many):
            kind, field2, field3 = next(fields)
            if n in whole or n in packed or n == number:
                raise Unsure("an object listed twice")
            if kind == 1 and field3 == 0:
                whole[n] = field2
            elif kind == 2:
                packed[n] = (field2, field3)
            elif not (kind == 0 and n == 0):
                raise Unsure("a freed object or a generation other than 0")
    return whole, packed


def _unpack(blob: bytes, packed: dict[int, tuple[int, int]], whole: dict[int, int], end: int, xref: int,
            blank: Blank, objects: dict[int, dict[str, Any]], same: set[int], values: dict[int, Any]) -> None:
    """The wanted entries of each packed object (blank fields and widgets) into ``objects``; the
    numbers of those read through a learnt head (their own entries are the blank's) into ``same``;
    each new version of a blank's value object, parsed, into ``values`` (by number). Appearance
    dictionaries of the blank's widgets are taken and not read; any other object is Unsure."""
    by_stream: dict[int, dict[int, int]] = {}
    fields, widgets, value_objects, appearances = blank.fields, blank.widgets, blank.values, blank.appearances
    for number, (stream, index) in packed.items():
        if (number not in fields and number not in widgets and number not in value_objects
                and number not in appearances):
            raise Unsure("the update packs an object that is not a field, a widget, a value or an appearance")
        by_stream.setdefault(stream, {})[index] = number
    for stream, numbers in by_stream.items():
        offset = whole.get(stream)
        if offset is None or stream < blank.size or not end <= offset < xref:
            raise Unsure("an object stream that is not a new object of the update")
        info, data = _stream(blob, stream, offset, xref, _OBJSTM_KEYS)
        n, first = info.get("/N"), info.get("/First")
        # Each of the n objects is listed once by the cross-reference stream, at its index.
        if (info.get("/Type") != "/ObjStm" or type(n) is not int or n != len(numbers)
                or any(i not in numbers for i in range(n)) or type(first) is not int
                or not 0 < first <= n * 42):
            raise Unsure("an object stream this reading does not take")
        dicts = sum(1 for number in numbers.values() if number in fields or number in widgets)
        strings = sum(1 for number in numbers.values() if number in value_objects)
        text = _inflate(data, packed_limit(first, dicts, strings, n - dicts - strings))
        table = _OFFSETS.fullmatch(text, 0, first)
        if table is None:
            raise Unsure("an object stream's offset table this reading does not take")
        pairs = [int(v) for v in text[:first].replace(b"\x00", b" ").split()]
        starts = pairs[1::2]
        if pairs[0::2] != [numbers[i] for i in range(n)] or starts != sorted(set(starts)):
            raise Unsure("an object stream's offsets do not match the cross-reference stream")
        bounds = [first + start for start in starts] + [len(text)]
        if bounds[-2] >= len(text):
            raise Unsure("an object stream cut short")
        heads = blank.heads
        for i in range(n):
            number = numbers[i]
            start, stop = bounds[i], bounds[i + 1]
            if number not in fields and number not in widgets:
                if number in value_objects:
                    found_value = _VALUE_OBJECT.fullmatch(text, start, stop)
                    if found_value is None:
                        raise Unsure("a value object this reading does not take")
                    values[number] = _atom(found_value.group(1))
                else:  # an appearance dictionary: the new appearance stream (or one of the blank's), or none
                    found_ap = _AP_OBJECT.fullmatch(text, start, stop)
                    if found_ap is None or (found_ap.group(1) is not None and int(found_ap.group(1)) not in whole
                                            and int(found_ap.group(1)) >= blank.size):
                        raise Unsure("an appearance dictionary this reading does not take")
                continue
            known = heads.get(number)
            if known is not None and text.startswith(known[0], start):
                found = _tail(text, start + len(known[0]), stop, known[1])
                if found is not None:
                    objects[number] = found
                    same.add(number)
                    continue
            objects[number] = _learn_head(blank, number, text, start, stop)


#: A value object in an object stream: one string (or name), whitespace around it.
_VALUE_OBJECT = _compile(_W + rb"(\([^()\\]*+(?:\\[\s\S][^()\\]*+)*+\)|<(?!<)[0-9A-Fa-f\x00\t\n\x0c\r ]*+>|" + _NAME
                         + rb")" + _W)

#: An appearance dictionary in an object stream, as our filler writes it.
_AP_OBJECT = _compile(_W + rb"<<" + _W + rb"(?:/N[\x00\t\n\x0c\r ]++(\d++)[\x00\t\n\x0c\r ]++0[\x00\t\n\x0c\r ]++R"
                      + _W + rb")?+>>" + _W)

#: The entries our filler writes after a dictionary's own ones (the only entries a fill changes).
_VALUE_KEYS = frozenset((b"/V", b"/AS", b"/AP"))


def _tail(text: bytes, start: int, stop: int, head: dict[str, bytes]) -> dict[str, Any] | None:
    """The entries of a packed dictionary whose text up to ``start`` is a head learnt before (its
    :data:`_KEYS` entries ``head``), when what follows is value entries only, each once, then ``>>``;
    None for anything else (read then as any dictionary)."""
    found = _TAIL_RE.fullmatch(text, start, stop)
    if found is None:
        return None
    key1, value1, key2, value2, key3, value3 = found.groups()
    out = dict(head)
    if key1 is not None:
        out[key1.decode("latin-1")] = value1
    if key2 is not None:
        if key2 == key1:
            return None
        out[key2.decode("latin-1")] = value2
    if key3 is not None:
        if key3 == key1 or key3 == key2:
            return None
        out[key3.decode("latin-1")] = value3
    return out


def _learn_head(blank: Blank, number: int, text: bytes, start: int, stop: int) -> dict[str, Any]:
    """The entries of a packed dictionary (:func:`entries`); and when its own entries equal the blank's
    and its value entries come last, each once, its text up to them is learnt as its head.

    The next update that starts this object with the same text is then read from
    its value entries on (:func:`_tail`): the same dictionary, checked with less work.
    """
    at, found = _split(text, start, stop)
    out = {key.decode("latin-1"): value for _, key, value in found if key in _WANTED}
    keys = [key for _, key, _ in found]
    if len(set(keys)) != len(keys):
        raise Unsure("a key given twice")  # which one counts is the careful reading's to say
    values = 0
    while values < len(keys) and keys[len(keys) - 1 - values] in _VALUE_KEYS:
        values += 1
    own = blank.fields[number].own_text if number in blank.fields else blank.widget_own[number][1]
    if (values and not _VALUE_KEYS.intersection(keys[:len(keys) - values])
            and len(set(keys[len(keys) - values:])) == values
            and tuple(map(out.get, _KEYS)) == tuple(map(own.get, _KEYS)) and len(blank.heads) < _MAX_HEADS):
        head_end = at + sum(len(whole) for whole, _, _ in found[:len(found) - values])
        blank.heads[number] = (text[start:head_end], {key: out[key] for key in _KEYS if key in out})
    return out


# Up to three value entries (each of /V, /AS, /AP, in any order), then the end of the dictionary.
_VALUE_ENTRY = (rb"(?:(/V|/AS|/AP)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])" + _W + rb"(" + _VALUE_RE + rb")" + _W
                + rb")?+")
_TAIL_RE = _compile(_VALUE_ENTRY * 3 + rb">>" + _W)

#: Heads remembered per blank (one per field and widget object; a form has a few hundred).
_MAX_HEADS = 4096


def packed_limit(first: int, dicts: int, values: int, appearances: int) -> int:
    """The most bytes an object stream (offset table of ``first`` bytes) may inflate to here, holding so
    many field or widget ``dicts``, ``values`` (the blank's value objects) and ``appearances``
    (appearance dictionaries).

    Values are at most :data:`_VALUE_BYTES`, each byte written as at most two (our
    filler escapes only ``\\``, parentheses and line breaks), and so are the values a
    dictionary holds; a longer stream is left to the careful reading, which refuses
    long values anyway. Never more than :data:`~mentoring_docs.limits.MAX_FORM_BYTES`.
    """
    return min(MAX_FORM_BYTES, first + dicts * (2 * _VALUE_BYTES + _DICT_BYTES) + values * (2 * _VALUE_BYTES + 8)
               + appearances * _APPEARANCE_BYTES)


#: Room for an appearance dictionary as our filler writes it (``<< /N 123 0 R >>``), with room to spare.
_APPEARANCE_BYTES = 64


def _object_body(blob: bytes, number: int, offset: int) -> int:
    """Where object ``number``'s body starts, given that the table puts it at ``offset``; Unsure if it is not there."""
    head = b"%d 0 obj" % number
    if not blob.startswith(head, offset):
        raise Unsure("an object not where the table says")
    return offset + len(head)


def _stream(blob: bytes, number: int, offset: int, stop: int, keys: frozenset[str]) -> tuple[dict[str, Any], bytes]:
    """The dictionary and stored data of the stream object ``number`` at ``offset`` (FlateDecode, nothing else)."""
    body = _object_body(blob, number, offset)
    at = blob.find(b"stream", offset, stop)
    if at < 0:
        raise Unsure("not a stream")
    info = _all_entries(blob, body, at)
    length = info.get("/Length")
    opening = _STREAM_START.match(blob, at, stop)
    if (opening is None or type(length) is not int or length < 0 or not keys.issuperset(info)
            or info.get("/Filter") != "/FlateDecode"):
        raise Unsure("a stream this reading does not take")
    start = opening.end()
    if start + length > stop or _STREAM_END.match(blob, start + length, stop) is None:
        raise Unsure("a stream whose /Length is not where it ends")
    return info, blob[start:start + length]


def _all_entries(data: bytes, start: int, stop: int) -> dict[str, Any]:
    """Every entry of the dictionary that fills ``data[start:stop]``, parsed (:func:`_atom`), each key once."""
    opening = _OPEN.match(data, start, stop)
    closing = _CLOSE.search(data, start, stop)
    if opening is None or closing is None:
        raise Unsure("not one dictionary")
    at, end = opening.end(), closing.start()
    found = _DICT_ENTRY.findall(data, at, end)
    if sum([len(whole) for whole, _, _ in found]) != end - at:
        raise Unsure("not one dictionary of the shapes this reading takes")
    out = {key.decode("latin-1"): _atom(value) for _, key, value in found}
    if len(out) != len(found):
        raise Unsure("a key given twice")
    return out


def _inflate(data: bytes, limit: int) -> bytes:
    """``data`` inflated; Unsure when it inflates past ``limit`` bytes, is cut short or has bytes after its end."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        raise Unsure("a compressed stream longer than it may be, or damaged")
    return out


#: As :data:`.reader._VALUE_BYTES`: longer values are the careful reading's to refuse.
_VALUE_BYTES = 0  # set by the reader (it owns the limit)


def configure(value_bytes: int) -> None:
    """Take the longest value (in bytes) a field may hold from the reader."""
    global _VALUE_BYTES
    _VALUE_BYTES = value_bytes


def blank_from(pdf: Any, data: bytes, *, kind: Any, extension: Extension | None, problems: list[Problem],
               fields: list[Any], ours: Any, pattern_of: Callable[[str], str]) -> Blank | None:
    """A :class:`Blank` from the careful reading of a blank (``pdf`` open on ``data``), or None when
    the blank has something this reading does not take (values of its own, direct objects...)."""
    import pikepdf

    trailer = pdf.trailer
    root = trailer.get("/Root")
    info = trailer.get("/Info")
    if root is None or not root.is_indirect or "/Encrypt" in trailer or (info is not None and not info.is_indirect):
        return None
    startxref = _startxref(data)
    if startxref is None:
        return None
    blank = Blank(data, startxref, int(trailer.get("/Size")), Ref(root.objgen),
                  Ref(info.objgen) if info is not None else None, kind, extension, problems, [], ours)
    own_values: dict[int, Terminal] = {}
    appearances: list[tuple[int, int]] = []
    shared: set[int] = set()  # value or appearance objects that something else uses too: never taken
    for tf in fields:
        obj = tf.obj
        if not obj.is_indirect:
            return None
        widgets = tf.widgets
        numbers = []
        states = []
        for widget in widgets:
            if not widget.is_indirect:
                return None
            numbers.append(widget.objgen[0])
            state = widget.get("/AS")
            states.append(Name(str(state)) if isinstance(state, pikepdf.Name) else None)
            if widget.objgen != obj.objgen:
                blank.widget_own[widget.objgen[0]] = _own(widget)
        try:
            inherited = _plain(tf.value)
        except Unsure:
            return None
        terminal = Terminal(tf.name, pattern_of(tf.name), obj.objgen[0], tf.is_checkbox, inherited, "/V" in obj,
                            tuple(numbers), tuple(states), *_own(obj))
        own_value = obj.get("/V") if "/V" in obj else None
        if own_value is not None and own_value.is_indirect:
            number, generation = own_value.objgen
            if generation or number in own_values:
                shared.add(number)  # never taken: writing it would change more than one field
            own_values[number] = terminal
            terminal.value_number = number
        for widget in widgets:
            ap = widget.get("/AP") if "/AP" in widget else None
            if ap is not None and ap.is_indirect:
                appearances.append(ap.objgen)
        blank.terminals.append(terminal)
        blank.fields[terminal.number] = terminal
        for number in numbers:
            blank.widgets[number] = (terminal, number)
    taken = set(blank.fields) | set(blank.widgets)
    for number, generation in appearances:
        if generation or number in blank.appearances:
            shared.add(number)
        blank.appearances.add(number)
    shared |= taken & (set(own_values) | blank.appearances) | set(own_values) & blank.appearances
    blank.values = {number: terminal for number, terminal in own_values.items() if number not in shared}
    blank.appearances -= shared
    return blank


def _startxref(data: bytes) -> int | None:
    tail = _TAIL.search(data, max(0, len(data) - 64))
    return int(tail.group(1)) if tail is not None else None


def _plain(value: Any) -> Any:
    """A pikepdf value as :func:`parse_dict` gives it (for what a blank can hold), Unsure otherwise."""
    import pikepdf

    if value is None:
        return None
    if isinstance(value, pikepdf.Name):
        return Name(str(value))
    if isinstance(value, pikepdf.String):
        return bytes(value)
    raise Unsure("an inherited value this reading does not take")


def _own(obj: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The entries of ``obj`` that an update must leave alone: parsed, and as qpdf writes them."""
    text = obj.unparse(resolved=True)
    out, _ = parse_dict(text, 0)
    return ({key: out[key] for key in _KEYS if key in out},
            entries(text, 0, len(text), frozenset(key.encode() for key in _KEYS)))
