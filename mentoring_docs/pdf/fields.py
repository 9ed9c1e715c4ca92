"""Walking a PDF form's field tree safely (shared by the filler and the reader).

The field tree of a file from elsewhere may be deep, broken or loop back on
itself; the walk visits every object once, stops at a depth no real form reaches,
and names fields the way the standard does (partial names joined by periods).

Reading a form is mostly this walk, so it touches as little as it can: each
object is loaded once (pikepdf parses objects lazily, and loading one costs more
than anything else here), a key is looked up only when the object has it (a
lookup of a missing key costs pikepdf several times one that succeeds), and the
widgets of a field are worked out only when someone asks for them.
"""

from __future__ import annotations

from typing import Iterator, TypeAlias

import pikepdf
from pikepdf import Array, Dictionary, Name

#: Deeper than any real form (ours is five levels: goals.0.activities.1.status).
MAX_DEPTH = 32

BTN_RADIO = 1 << 15
BTN_PUSH = 1 << 16

_DIRECT = (0, 0)  # pikepdf's objgen of an object that is not indirect

# Keys as Name objects: pikepdf tests ``Name in dictionary`` faster than ``str in dictionary``.
_T, _FT, _FF, _V, _KIDS = (Name(key) for key in ("/T", "/FT", "/Ff", "/V", "/Kids"))


class FieldTreeError(Exception):
    """The field tree cannot be walked (a loop, or absurd depth)."""


class TerminalField:
    """A field that holds a value, with the widgets that show it."""

    __slots__ = ("name", "obj", "ftype", "flags", "value", "_kids", "_widgets")

    def __init__(self, name: str, obj: pikepdf.Object, ftype: str | None, flags: int,
                 value: pikepdf.Object | None, kids: list[pikepdf.Object]) -> None:
        self.name = name
        self.obj = obj
        self.ftype = ftype
        self.flags = flags
        self.value = value
        self._kids = kids
        self._widgets: list[pikepdf.Object] | None = None

    @property
    def widgets(self) -> list[pikepdf.Object]:
        """The widget annotations: the kids, or the field itself when it is its own widget."""
        if self._widgets is None:
            if self._kids:
                self._widgets = self._kids
            elif "/Subtype" in self.obj and self.obj.get("/Subtype") == Name.Widget:
                self._widgets = [self.obj]
            else:
                self._widgets = []
        return self._widgets

    @property
    def is_checkbox(self) -> bool:
        return self.ftype == "/Btn" and not self.flags & (BTN_RADIO | BTN_PUSH)

    @property
    def has_value(self) -> bool:
        """Whether the field holds data: text, choice or checkbox.

        Signature fields (``/FT /Sig``: ours, ``signatures.<party>.signature``, or one
        Acrobat adds), push buttons and radio groups are not data: the filler never
        fills them and does not count them as unknown fields of a custom template,
        and the reader skips them (signatures are read by :mod:`mentoring_docs.signatures`).
        """
        return self.ftype in ("/Tx", "/Ch") or self.is_checkbox

    def __repr__(self) -> str:
        return f"<TerminalField {self.name!r} {self.ftype}>"


def _loop() -> FieldTreeError:
    return FieldTreeError("the form's field tree loops back on itself")


#: The objects above a node, innermost first: ``(objgen, the rest)``; built only as kids are pushed.
_Chain: TypeAlias = "tuple[tuple[int, int], _Chain | None]"


def _repeated(key: tuple[int, int], chain: _Chain | None, obj: pikepdf.Object, parent: str) -> FieldTreeError:
    """A loop if ``key`` is one of the node's own ancestors; otherwise an object listed twice."""
    link = chain
    while link is not None:
        if link[0] == key:
            return _loop()
        link = link[1]
    partial = obj.get_str("/T", None) if isinstance(obj, Dictionary) else None
    what = ".".join(p for p in (parent, partial) if p) if partial is not None else ""
    if what:
        return FieldTreeError(f"the form's field tree lists the field {what[:200]!r} more than once")
    return FieldTreeError(f"the form's field tree lists a widget of {parent[:200]!r} more than once"
                          if parent else "the form's field tree lists one object more than once")


def terminal_fields(pdf: pikepdf.Pdf) -> Iterator[TerminalField]:
    """Every terminal field of the document's AcroForm, in tree order."""
    acro = pdf.Root.get("/AcroForm")
    if not isinstance(acro, Dictionary):
        return
    roots = acro.get("/Fields")
    if not isinstance(roots, Array):
        return
    # Only indirect objects can close a loop: a direct one sits inside its parent,
    # which is itself visited once.
    seen: set[tuple[int, int]] = set()
    # (object, parent's qualified name, inherited FT, Ff, V, depth); kids on the
    # stack are known to be dictionaries with a /T, so those checks are not repeated.
    stack: list[tuple[pikepdf.Object, str, str | None, int, pikepdf.Object | None, int, _Chain | None]] = [
        (obj, "", None, 0, None, 0, None) for obj in reversed(list(roots)) if isinstance(obj, Dictionary)
    ]
    while stack:
        obj, name, ftype, flags, value, depth, chain = stack.pop()
        key = obj.objgen
        if key != _DIRECT:
            if key in seen:
                raise _repeated(key, chain, obj, name)
            seen.add(key)
        if depth > MAX_DEPTH:
            raise FieldTreeError(f"the form's field tree is deeper than {MAX_DEPTH} levels")
        # Each call into pikepdf costs about as much as a line of Python, and asking
        # for a missing key several times more: test for a key before getting it.
        if depth == 0 and _T not in obj:
            partial = None
        else:
            partial = obj.get_str("/T", None)  # a text string, decoded, without a wrapper object
            if partial is None:  # not a string: take whatever it is, as before
                other = obj.get("/T")
                partial = None if other is None else str(other)
        if partial is not None:
            name = f"{name}.{partial}" if name else partial
        if _FT in obj:
            ft = obj.get("/FT")
            if isinstance(ft, Name):
                ftype = str(ft)
        if _FF in obj:
            ff = obj.get("/Ff")
            if isinstance(ff, int):
                flags = ff
        if _V in obj:
            value = obj.get("/V")
        kid_list: list[pikepdf.Object] = []
        if _KIDS in obj:
            kids = obj.get("/Kids")
            if isinstance(kids, Array):
                kid_list = [k for k in kids if isinstance(k, Dictionary)]
        field_kids = [k for k in kid_list if _T in k]
        if field_kids:
            link = (key, chain)
            for kid in reversed(field_kids):
                stack.append((kid, name, ftype, flags, value, depth + 1, link))
            continue
        for kid in kid_list:  # widgets
            kkey = kid.objgen
            if kkey != _DIRECT:
                if kkey in seen:
                    raise _repeated(kkey, (key, chain), kid, name)
                seen.add(kkey)
        yield TerminalField(name, obj, ftype, flags, value, kid_list)
