"""Walking a PDF form's field tree safely (shared by the filler and the reader).

The field tree of a file from elsewhere may be deep, broken or loop back on
itself; the walk visits every object once, stops at a depth no real form reaches,
and names fields the way the standard does (partial names joined by periods).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import pikepdf
from pikepdf import Name

#: Deeper than any real form (ours is five levels: goals.0.activities.1.status).
MAX_DEPTH = 32

BTN_RADIO = 1 << 15
BTN_PUSH = 1 << 16


class FieldTreeError(Exception):
    """The field tree cannot be walked (a loop, or absurd depth)."""


@dataclass
class TerminalField:
    """A field that holds a value, with the widgets that show it."""

    name: str
    obj: pikepdf.Object
    ftype: str | None
    flags: int
    value: pikepdf.Object | None
    widgets: list[pikepdf.Object] = field(default_factory=list)

    @property
    def is_checkbox(self) -> bool:
        return self.ftype == "/Btn" and not self.flags & (BTN_RADIO | BTN_PUSH)

    @property
    def has_value(self) -> bool:
        return self.ftype in ("/Tx", "/Ch") or self.is_checkbox


def _key(obj: pikepdf.Object) -> tuple[int, int] | int:
    return obj.objgen if obj.is_indirect else id(obj)


def terminal_fields(pdf: pikepdf.Pdf) -> Iterator[TerminalField]:
    """Every terminal field of the document's AcroForm, in tree order."""
    acro = pdf.Root.get("/AcroForm")
    if not isinstance(acro, pikepdf.Dictionary):
        return
    roots = acro.get("/Fields")
    if not isinstance(roots, pikepdf.Array):
        return
    seen: set[tuple[int, int] | int] = set()
    # (object, parent's qualified name, inherited FT, Ff, V, depth)
    stack: list[tuple[pikepdf.Object, str, str | None, int, pikepdf.Object | None, int]] = [
        (obj, "", None, 0, None, 0) for obj in reversed(list(roots))
    ]
    while stack:
        obj, prefix, ftype, flags, value, depth = stack.pop()
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        key = _key(obj)
        if key in seen:
            raise FieldTreeError("the form's field tree loops back on itself")
        seen.add(key)
        if depth > MAX_DEPTH:
            raise FieldTreeError(f"the form's field tree is deeper than {MAX_DEPTH} levels")
        partial = obj.get("/T")
        name = prefix
        if partial is not None:
            name = f"{prefix}.{partial}" if prefix else str(partial)
        ft = obj.get("/FT")
        ftype = str(ft) if isinstance(ft, Name) else ftype
        ff = obj.get("/Ff")
        if isinstance(ff, int):
            flags = ff
        if "/V" in obj:
            value = obj.get("/V")
        kids = obj.get("/Kids")
        kid_list = [k for k in kids if isinstance(k, pikepdf.Dictionary)] if isinstance(kids, pikepdf.Array) else []
        field_kids = [k for k in kid_list if "/T" in k]
        if field_kids:
            for kid in reversed(field_kids):
                stack.append((kid, name, ftype, flags, value, depth + 1))
            continue
        widgets = []
        for kid in kid_list:
            kkey = _key(kid)
            if kkey in seen:
                raise FieldTreeError("the form's field tree loops back on itself")
            seen.add(kkey)
            widgets.append(kid)
        if not widgets and obj.get("/Subtype") == Name.Widget:
            widgets = [obj]
        yield TerminalField(name, obj, ftype, flags, value, widgets)
