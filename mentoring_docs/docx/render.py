"""Rendering a compiled Word template: join its text pieces with one record's values.

A compiled *program* (see :mod:`.compiler`) is literal XML text, a :class:`Slot` for
each control and a :class:`Loop` for list rows and goal blocks. Rendering walks it
once per record: no XML parsing, no template engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from ..catalogue import Field, FieldKind
from ..errors import DataError, Problem
from ..text_values import illegal_character, illegal_character_message
from ..validation import Record
from . import controls as ctl
from .control_names import bookmark_name
from .controls import ControlKind
from .ooxml import text_runs_content
from .package import Member, write_zip
from .scripts import SPECIAL, RunProps, starts_right_to_left, value_runs

__all__ = ["BODY_LEVEL", "Compiled", "Loop", "Slot"]

#: zlib level for the document body: level 1 is several times faster than the
#: default and the files are only a little larger.
BODY_LEVEL = 1

# Markers put into the XML before it is serialised, found again when splitting it.
SID_MARK = "@@md:sid@@"      # a control's w:id
DID_MARK = "@@md:did@@"      # a drawing's id
TAG_MARK = "@@md:tag@@"      # a control's w:tag (its concrete path)
DATE_MARK = "@@md:date@@"    # a date picker's w:fullDate

# Operations of a compiled program.
OP_SID, OP_DID, OP_TAG, OP_DATE, OP_MARK, OP_VALUE = range(6)

@dataclass
class Slot:
    """One control of the program: its field and the XML of each state it can be in."""

    field: Field
    kind: ControlKind
    path_format: str                 # "goals.{}.activities.{}.status"
    empty: list[Any]                 # program pieces when the field has no value (or a box is unticked)
    filled: list[Any]                # pieces with a value (or a ticked box)
    filled_rtl: list[Any] | None     # pieces with a right-to-left value, whose paragraph turns right-to-left
    run_props: str                   # w:rPr of a typed value
    date_format: str
    display: dict[str, str]          # choice value -> text shown by the drop-down
    marked: RunProps                 # w:rPr of right-to-left, East Asian and complex-script runs


@dataclass
class Loop:
    """A list of the program: its body repeats once per item (at least ``minimum`` times)."""

    pattern: str
    keys: tuple[str, ...]            # path segments from the enclosing item to the list
    minimum: int
    body: list[Any]
    separator: list[Any]


class Compiled:
    """A template ready to render records of one kind. Immutable; safe to share."""

    def __init__(self, kind: str, program: list[Any], members: list[Member | None], body_index: int,
                 placeholders: dict[str, str], first_bookmark: int = 1) -> None:
        self.kind = kind
        self._first_bookmark = first_bookmark
        self._program = program
        self._members = members
        self._body_index = body_index
        self.placeholders = placeholders

    #: A Word form grows with its lists: no list has a limit.
    list_limits: Mapping[str, int] = MappingProxyType({})

    def render(self, record: Record) -> bytes:
        """The DOCX bytes of a form filled with ``record``."""
        return write_zip(self._with_body(self.render_body(record)))

    def render_body(self, record: Record) -> bytes:
        """Only ``word/document.xml`` of the filled form (for tests and benchmarks)."""
        out: list[str] = []
        state = _RenderState(record.flat, self._first_bookmark)
        _run(self._program, record, (), out, state)
        if state.problems:
            raise DataError(state.problems)
        return "".join(out).encode("utf-8")

    def _with_body(self, body: bytes) -> list[Member]:
        members = list(self._members)
        members[self._body_index] = Member.pack("word/document.xml", body, BODY_LEVEL)
        return members  # type: ignore[return-value]


class _RenderState:
    __slots__ = ("flat", "sid", "bid", "did", "problems")

    def __init__(self, flat: Mapping[str, Any], first_bookmark: int) -> None:
        self.flat = flat
        self.sid = 100
        self.bid = first_bookmark - 1  # our bookmarks follow the template's own
        self.did = 1
        self.problems: list[Problem] = []


def _run(program: list[Any], item: Any, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    append = out.append
    for piece in program:
        if piece.__class__ is str:
            append(piece)
        elif piece.__class__ is int:
            if piece == OP_SID:
                state.sid += 1
                append(str(state.sid))
            else:  # OP_DID
                state.did += 1
                append(str(state.did))
        elif piece.__class__ is Slot:
            _render_slot(piece, indices, out, state)
        else:
            _render_loop(piece, item, indices, out, state)


def _render_loop(loop: Loop, item: Any, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    value: Any = item
    for key in loop.keys:
        value = value.get(key) if value.__class__ is dict or isinstance(value, Mapping) else None
    items = value if isinstance(value, list) else []
    for i in range(max(len(items), loop.minimum)):
        if i:
            _run(loop.separator, None, indices, out, state)
        _run(loop.body, items[i] if i < len(items) else {}, indices + (i,), out, state)


def _render_slot(slot: Slot, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    path = slot.path_format.format(*indices) if indices else slot.path_format
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
        if not text.isascii() and SPECIAL.search(text) is not None:
            marked = True
            if slot.filled_rtl is not None and starts_right_to_left(text):
                pieces = slot.filled_rtl
    append = out.append
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
