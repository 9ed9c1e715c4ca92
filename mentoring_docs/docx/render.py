"""Rendering a compiled Word template: join its byte pieces with one record's values.

A compiled *program* (see :mod:`.compiler`) is literal XML text, a :class:`Slot` for
each control and a :class:`Loop` for list rows and goal blocks. Rendering walks it
once per record: no XML parsing, no template engine.

The program is kept as the compiler made it (the benchmarks read it); what a render
walks is a *plan* made from it once: the literal text as UTF-8 bytes, and for each
control every state it can be in (empty, filled, filled right-to-left...) cut into
six byte pieces around five holes (its tag, its id, its date, its bookmark, its
value). Each list position gets a row of the controls' paths and bookmark names,
made the first time it is rendered. Rendering a control then costs a dictionary
look-up, the value's own text and one ``list +=`` of its pieces and holes; the body
is joined once, as bytes, and handed to :class:`~.package.BodyWriter`.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from ..catalogue import Field, FieldKind
from ..errors import DataError, Problem
from ..text_values import format_number, illegal_character, illegal_character_message
from ..validation import Record
from . import controls as ctl
from .control_names import bookmark_name
from .controls import ControlKind
from .ooxml import esc, text_runs_content
from .package import BodyWriter, Member
from .scripts import RunProps, needs_marks, starts_right_to_left, value_runs

__all__ = ["BODY_LEVEL", "PART_LEVEL", "Compiled", "Loop", "Slot"]

#: Deflate level for the document body (ISA-L's level 1: see :class:`~.package.BodyWriter`).
BODY_LEVEL = 1

#: Deflate level of every other part, packed once per compiled template.
PART_LEVEL = 6

# Markers put into the XML before it is serialised, found again when splitting it.
SID_MARK = "@@md:sid@@"      # a control's w:id
DID_MARK = "@@md:did@@"      # a drawing's id
TAG_MARK = "@@md:tag@@"      # a control's w:tag (its concrete path)
DATE_MARK = "@@md:date@@"    # a date picker's w:fullDate

# Operations of a compiled program.
OP_SID, OP_DID, OP_TAG, OP_DATE, OP_MARK, OP_VALUE = range(6)

# Slot and Loop are plain classes, not dataclasses: every Word fill imports this module, and a
# dataclass compiles its generated methods at import (~0.5 ms each); nothing compares or prints them.


class Slot:
    """One control of the program: its field and the XML of each state it can be in."""

    __slots__ = ("field", "kind", "path_format", "empty", "filled", "filled_rtl", "run_props", "date_format",
                 "display", "marked")

    def __init__(self, *, field: Field, kind: ControlKind, path_format: str, empty: list[Any], filled: list[Any],
                 filled_rtl: list[Any] | None, run_props: str, date_format: str, display: dict[str, str],
                 marked: RunProps) -> None:
        self.field = field
        self.kind = kind
        self.path_format = path_format   # "goals.{}.activities.{}.status"
        self.empty = empty               # program pieces when the field has no value (or a box is unticked)
        self.filled = filled             # pieces with a value (or a ticked box)
        self.filled_rtl = filled_rtl     # pieces with a right-to-left value, whose paragraph turns right-to-left
        self.run_props = run_props       # w:rPr of a typed value
        self.date_format = date_format
        self.display = display           # choice value -> text shown by the drop-down
        self.marked = marked             # w:rPr of right-to-left, East Asian and complex-script runs


class Loop:
    """A list of the program: its body repeats once per item (at least ``minimum`` times)."""

    __slots__ = ("pattern", "keys", "minimum", "body", "separator")

    def __init__(self, pattern: str, keys: tuple[str, ...], minimum: int, body: list[Any],
                 separator: list[Any]) -> None:
        self.pattern = pattern
        self.keys = keys                 # path segments from the enclosing item to the list
        self.minimum = minimum
        self.body = body
        self.separator = separator


class Compiled:
    """A template ready to render records of one kind. Immutable; safe to share."""

    def __init__(self, kind: str, program: list[Any], members: list[Member | None], body_index: int,
                 placeholders: dict[str, str], first_bookmark: int = 1) -> None:
        self.kind = kind
        self._first_bookmark = first_bookmark
        self._program = program
        self._row = _row(_plan(program), ())
        self._writer = BodyWriter([m for m in members if m is not None], "word/document.xml", BODY_LEVEL)
        self.placeholders = placeholders

    #: A Word form grows with its lists: no list has a limit.
    list_limits: Mapping[str, int] = MappingProxyType({})

    def render(self, record: Record) -> bytes:
        """The DOCX bytes of a form filled with ``record``."""
        return self._writer.write(self.render_body(record))

    def render_body(self, record: Record) -> bytes:
        """Only ``word/document.xml`` of the filled form (for tests and benchmarks)."""
        out: list[bytes] = []
        state = _RenderState(record.flat, self._first_bookmark)
        _run(self._row, record, (), out, state)
        if state.problems:
            raise DataError(state.problems)
        return b"".join(out)


class _RenderState:
    __slots__ = ("flat", "sid", "bid", "did", "problems")

    def __init__(self, flat: Mapping[str, Any], first_bookmark: int) -> None:
        self.flat = flat
        self.sid = 100
        self.bid = first_bookmark - 1  # our bookmarks follow the template's own
        self.did = 1
        self.problems: list[Problem] = []


# -- the plan ----------------------------------------------------------------------------------
#
# A plan is the program with its slots and loops prepared (_SlotPlan, _LoopPlan) and its
# text as bytes. Each slot cuts every state its control can be in into six byte pieces
# around five holes, once. A *row* is a plan at one list position: each slot replaced
# by its _Instance there (the path, its tag and bookmark name as bytes). The top level
# is one row, made with the template; a list item's row is made the first time that
# position is rendered and kept by its loop, so a render looks up one row per list
# item, not one instance per control.

#: Rows a loop keeps (one per list position seen); past this it starts again, so that
#: documents with huge lists cannot grow it for ever. A row holds only paths and names
#: (the pieces belong to the slots), so even a full one is small.
_MAX_ROWS = 4096

# What a value of a slot is, decided once per slot rather than per value.
_BOX, _TEXT, _DATE_ISO, _DATE_PICKER, _DATE_TEXT, _CHOICE, _NUMBER = range(7)

# States of a slot, by index in ``_SlotPlan.states``.
_EMPTY, _SIMPLE, _RUNS, _RUNS_RTL = range(4)

# The five holes of a state, in the order the compiler writes them: the control's w:tag
# and w:id (in w:sdtPr, in the schema's order), its w:fullDate (in w:date, after them),
# the bookmark naming it (first in w:sdtContent) and the value (after the bookmark).
_H_TAG, _H_SID, _H_DATE, _H_MARK, _H_VALUE = range(5)
_BOOKMARK_START = b'<w:bookmarkStart w:id="'
_BOOKMARK_CLOSE = b'"/>'

#: Six byte pieces around the five holes of one state of one control.
Pieces = tuple[bytes, bytes, bytes, bytes, bytes, bytes]


class _SlotPlan:
    """A slot as a render uses it: what kind of value it takes, and its states cut into pieces.

    ``simple`` states take the escaped text of a one-run value (the run and its
    ``w:t`` written in); ``runs`` states take the runs themselves (values with
    line breaks, tabs or marked scripts). When a state does not fit the five holes
    (a custom template's control holding a drawing or another control, or its
    w:id before its w:tag), ``pieces`` is False and the control is rendered piece
    by piece from the program.
    """

    __slots__ = ("slot", "before", "field", "value", "display", "choices", "pieces", "empty", "simple", "runs",
                 "runs_rtl", "states")

    def __init__(self, slot: Slot, before: str = "") -> None:
        self.slot = slot
        self.before = before  # the program's text right before the control
        self.field = slot.field
        fd_kind = slot.field.kind
        if slot.kind is ControlKind.CHECKBOX:
            self.value = _BOX
        elif fd_kind is FieldKind.DATE:
            if slot.kind is not ControlKind.DATE:
                self.value = _DATE_TEXT
            else:  # the picker's own text: ISO dates (the built-in templates') need no formatting
                self.value = _DATE_ISO if slot.date_format == ctl.DATE_FORMAT else _DATE_PICKER
        elif fd_kind is FieldKind.CHOICE:
            self.value = _CHOICE
        elif fd_kind is FieldKind.NUMBER:
            self.value = _NUMBER
        else:
            self.value = _TEXT
        self.display = slot.display
        #: ``(state, value XML, date)`` of each choice rendered so far (a field has few choices).
        self.choices: dict[str, tuple[int, bytes, bytes]] = {}
        with_value = self.value != _BOX
        with_date = self.value in (_DATE_ISO, _DATE_PICKER)
        empty = _cut(before, slot.empty, date=False, value=False)
        filled = _cut(before, slot.filled, date=with_date, value=with_value)
        turned = filled if slot.filled_rtl is None else _cut(before, slot.filled_rtl, date=with_date,
                                                             value=with_value)
        self.pieces = empty is not None and filled is not None and turned is not None
        self.empty = _encode(empty)
        self.runs = _encode(filled)
        self.runs_rtl = _encode(turned)
        run_open = f'<w:r>{slot.run_props}<w:t xml:space="preserve">'
        self.simple = _encode(_wrap(filled, run_open) if with_value else filled)
        self.states = (self.empty, self.simple, self.runs, self.runs_rtl)


class _Instance:
    """One control at one list position: its path, and its tag and bookmark as bytes."""

    __slots__ = ("plan", "value", "path", "tag", "mark_open", "mark_name", "mark_close", "marked")

    def __init__(self, plan: _SlotPlan, indices: tuple[int, ...]) -> None:
        self.plan = plan
        self.value = plan.value
        self.path = path = plan.slot.path_format.format(*indices) if indices else plan.slot.path_format
        self.tag = path.encode("utf-8")
        name = bookmark_name(path)
        self.marked = name is not None
        if name is None:  # too long for Word: no bookmark, the tag alone names the field
            self.mark_open = self.mark_name = self.mark_close = b""
        else:  # <w:bookmarkStart w:id="ID" w:name="NAME"/><w:bookmarkEnd w:id="ID"/>
            self.mark_open = _BOOKMARK_START
            self.mark_name = f'" w:name="{name}"/><w:bookmarkEnd w:id="'.encode("utf-8")
            self.mark_close = _BOOKMARK_CLOSE


def _cut(before: str, pieces: list[Any], *, date: bool, value: bool) -> list[str] | None:
    """One state's program pieces, after the text ``before``, as six texts around the five holes,
    or None if they do not fit.

    A hole the state does not have (no date, no value) is left between two
    texts, and the render fills it with nothing.
    """
    holes: list[int | str] = [before]
    for piece in pieces:
        if piece.__class__ is str:
            holes.append(piece)
        elif piece == OP_TAG:
            holes.append(_H_TAG)
        elif piece == OP_SID:
            holes.append(_H_SID)
        elif piece == OP_DATE:
            holes.append(_H_DATE)
        elif piece == OP_MARK:
            holes.append(_H_MARK)
        elif piece == OP_VALUE:
            holes.append(_H_VALUE)
        else:  # a drawing's id inside the control: left to the piece-by-piece render
            return None
    found = [h for h in holes if h.__class__ is int]
    expected = [_H_TAG, _H_SID] + ([_H_DATE] if date else []) + [_H_MARK] + ([_H_VALUE] if value else [])
    if found != expected:
        return None
    texts = ["", "", "", "", "", ""]
    at = 0
    for h in holes:
        if h.__class__ is int:
            at = h + 1  # type: ignore[operator]
        else:
            texts[at] += h  # type: ignore[operator]
    return texts


def _wrap(texts: list[str] | None, run_open: str) -> list[str] | None:
    """``texts`` with the value's run and ``w:t`` around the value hole (for one-run values)."""
    if texts is None:
        return None
    out = list(texts)
    out[_H_VALUE] += run_open
    out[_H_VALUE + 1] = "</w:t></w:r>" + out[_H_VALUE + 1]
    return out


def _encode(texts: list[str] | None) -> Pieces:
    if texts is None:
        return (b"", b"", b"", b"", b"", b"")
    return tuple(t.encode("utf-8") for t in texts)  # type: ignore[return-value]


class _LoopPlan:
    """A loop as a render uses it: its body and separator plans, and their rows by list position."""

    __slots__ = ("keys", "minimum", "body", "separator", "rows", "separators")

    def __init__(self, loop: Loop) -> None:
        self.keys = loop.keys
        self.minimum = loop.minimum
        self.body = _plan(loop.body)
        self.separator = _plan(loop.separator)
        self.rows: dict[tuple[int, ...], list[Any]] = {}        # item position -> row of the body
        self.separators: dict[tuple[int, ...], list[Any]] = {}  # position of the list -> row of the separator

    def row(self, indices: tuple[int, ...]) -> list[Any]:
        """The body's row for the item at ``indices``, made on first use."""
        if len(self.rows) >= _MAX_ROWS:
            self.rows = {}
        made = self.rows[indices] = _row(self.body, indices)
        return made

    def separator_row(self, indices: tuple[int, ...]) -> list[Any]:
        """The separator's row inside the list at ``indices``, made on first use."""
        if len(self.separators) >= _MAX_ROWS:
            self.separators = {}
        made = self.separators[indices] = _row(self.separator, indices)
        return made


def _plan(program: list[Any]) -> list[Any]:
    """``program`` as a render walks it: slots and loops prepared, text as UTF-8 bytes.

    Text right before a control goes into the control's pieces (one list entry less
    to walk per control); other text stays an entry of its own.
    """
    out: list[Any] = []
    text = ""
    for piece in program:
        if piece.__class__ is str:
            text += piece
            continue
        if piece.__class__ is Slot:
            out.append(_SlotPlan(piece, text))
        else:
            if text:
                out.append(text.encode("utf-8"))
            out.append(_LoopPlan(piece) if piece.__class__ is Loop else piece)
        text = ""
    if text:
        out.append(text.encode("utf-8"))
    return out


def _row(plan: list[Any], indices: tuple[int, ...]) -> list[Any]:
    """``plan`` at list position ``indices``: each slot replaced by its instance there."""
    return [_Instance(piece, indices) if piece.__class__ is _SlotPlan else piece for piece in plan]


# -- rendering ---------------------------------------------------------------------------------

#: Ids below this are written from a table (a look-up is several times as fast as ``b"%d" % n``).
_IDS_KEPT = 4096
_ID_TABLE: list[tuple[bytes, ...]] = []


def _ids() -> tuple[bytes, ...]:
    """``b"0"``, ``b"1"``... up to :data:`_IDS_KEPT`, made on the first render (not on import)."""
    if not _ID_TABLE:
        _ID_TABLE.append(tuple(b"%d" % n for n in range(_IDS_KEPT)))
    return _ID_TABLE[0]



def _run(row: list[Any], item: Any, indices: tuple[int, ...], out: list[bytes], state: _RenderState) -> None:
    # One function for text, controls and the ids between them: a control is the
    # inner loop of every render, so its work is written out here, the counters
    # kept in locals (written back around a list, which renders through the state).
    append = out.append
    flat = state.flat
    ids = _ids()
    sid = state.sid
    bid = state.bid
    for inst in row:
        if inst.__class__ is not _Instance:
            if inst.__class__ is bytes:
                append(inst)
                continue
            state.sid, state.bid = sid, bid
            if inst.__class__ is _LoopPlan:
                _render_loop(inst, item, indices, out, state)
            elif inst == OP_SID:
                state.sid += 1
                append(b"%d" % state.sid)
            else:  # OP_DID
                state.did += 1
                append(b"%d" % state.did)
            sid, bid = state.sid, state.bid
            continue
        plan = inst.plan
        if not plan.pieces:
            state.sid, state.bid = sid, bid
            append(plan.before.encode("utf-8"))
            _render_slot_pieces(plan.slot, inst.path, out, state)
            sid, bid = state.sid, state.bid
            continue
        value = flat.get(inst.path)
        date = data = b""
        kind = inst.value
        if kind == _BOX:
            pieces = plan.simple if value else plan.empty
        elif value is None:
            pieces = plan.empty
        elif kind == _TEXT and value.isascii() and value.isprintable() and value:
            # Most values: printable ASCII in one run, with only &, < and > to escape.
            data = esc(value).encode("ascii")
            pieces = plan.simple
        elif kind == _DATE_ISO:
            data = value.isoformat().encode("ascii")
            date = data + b"T00:00:00Z"
            pieces = plan.simple
        elif kind == _NUMBER and (value.__class__ is int or value.__class__ is float):
            data = format_number(value).encode("ascii")  # digits, a sign, a point or an exponent
            pieces = plan.simple
        elif kind == _CHOICE:
            choices = plan.choices
            known = choices.get(value)
            if known is None:
                known = choices[value] = _value(plan, inst.path, value, state.problems)
            pieces = plan.states[known[0]]
            data = known[1]
        else:
            which, data, date = _value(plan, inst.path, value, state.problems)
            pieces = plan.states[which]
        sid += 1
        if inst.marked:
            bid += 1
            mark = ids[bid] if bid < _IDS_KEPT else b"%d" % bid
        else:
            mark = b""
        out += (pieces[0], inst.tag, pieces[1], ids[sid] if sid < _IDS_KEPT else b"%d" % sid, pieces[2], date,
                pieces[3], inst.mark_open, mark, inst.mark_name, mark, inst.mark_close, pieces[4], data, pieces[5])
    state.sid, state.bid = sid, bid


def _render_loop(loop: _LoopPlan, item: Any, indices: tuple[int, ...], out: list[bytes],
                 state: _RenderState) -> None:
    value: Any = item
    for key in loop.keys:
        value = value.get(key) if value.__class__ is dict or isinstance(value, Mapping) else None
    items = value if isinstance(value, list) else []
    rows = loop.rows
    for i in range(max(len(items), loop.minimum)):
        if i:
            separator = loop.separators.get(indices)
            if separator is None:
                separator = loop.separator_row(indices)
            _run(separator, None, indices, out, state)
        at = indices + (i,)
        row = rows.get(at)
        if row is None:
            row = loop.row(at)
            rows = loop.rows
        _run(row, items[i] if i < len(items) else {}, at, out, state)


def _value(plan: _SlotPlan, path: str, value: Any, problems: list[Problem]) -> tuple[int, bytes, bytes]:
    """``(state, value XML, full date)`` of a value the quick paths of :func:`_run` do not take."""
    kind = plan.value
    date = b""
    if kind == _TEXT:
        text = value
        bad = illegal_character(text)
        if bad is not None:
            problems.append(Problem(path, illegal_character_message(bad, "Word documents")))
            text = ""  # no document is made; the rest is still checked, so every problem is told
    elif kind == _DATE_PICKER or kind == _DATE_ISO:
        date = b"%sT00:00:00Z" % value.isoformat().encode("ascii")
        text = ctl.format_date(value, plan.slot.date_format)
    elif kind == _DATE_TEXT:
        text = value.isoformat()
    elif kind == _CHOICE:
        text = plan.display.get(value) or plan.field.choice_label(value)
    else:
        text = plan.field.to_text(value)
    if not text.isascii() and needs_marks(text):
        # A script Word marks: several runs, and maybe a right-to-left paragraph.
        data = value_runs(text, plan.slot.marked).encode("utf-8")
        return (_RUNS_RTL if starts_right_to_left(text) else _RUNS), data, date
    if text and "\n" not in text and "\t" not in text:
        return _SIMPLE, esc(text).encode("utf-8"), date
    return _RUNS, f"<w:r>{plan.slot.run_props}{text_runs_content(text)}</w:r>".encode("utf-8"), date


def _render_slot_pieces(slot: Slot, path: str, out: list[bytes], state: _RenderState) -> None:
    """A control whose states do not fit the five holes, rendered piece by piece from the program."""
    value = state.flat.get(path)
    text = ""
    full_date = ""
    marked = False  # a value in a script Word marks: written as several runs
    if slot.kind is ControlKind.CHECKBOX:
        pieces = slot.filled if value else slot.empty
    elif value is None:
        pieces = slot.empty
    else:
        pieces = slot.filled
        fd = slot.field
        if fd.kind is FieldKind.DATE:
            full_date = value.isoformat() + "T00:00:00Z"
            text = ctl.format_date(value, slot.date_format) if slot.kind is ControlKind.DATE else value.isoformat()
        elif fd.kind is FieldKind.CHOICE:
            text = slot.display.get(value) or fd.choice_label(value)
        elif fd.kind is FieldKind.NUMBER:
            text = fd.to_text(value)
        else:
            text = value
            bad = illegal_character(text)
            if bad is not None:
                state.problems.append(Problem(path, illegal_character_message(bad, "Word documents")))
                text = ""  # no document is made; the rest is still checked, so every problem is told
        if not text.isascii() and needs_marks(text):
            marked = True
            if slot.filled_rtl is not None and starts_right_to_left(text):
                pieces = slot.filled_rtl
    parts: list[str] = []
    append = parts.append
    for piece in pieces:
        if piece.__class__ is str:
            append(piece)
        elif piece == OP_SID:
            state.sid += 1
            append(str(state.sid))
        elif piece == OP_TAG:
            append(path)
        elif piece == OP_MARK:
            name = bookmark_name(path)
            if name is not None:
                state.bid += 1
                append(f'<w:bookmarkStart w:id="{state.bid}" w:name="{name}"/><w:bookmarkEnd w:id="{state.bid}"/>')
        elif piece == OP_VALUE:
            if marked:
                append(value_runs(text, slot.marked))
            else:  # Latin and the like: one run, as it always was
                append(f"<w:r>{slot.run_props}{text_runs_content(text)}</w:r>")
        elif piece == OP_DATE:
            append(full_date)
        elif piece == OP_DID:
            state.did += 1
            append(str(state.did))
    out.append("".join(parts).encode("utf-8"))
