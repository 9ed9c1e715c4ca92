"""The built-in blank PDF forms already compiled: what a cold fill loads instead of parsing them.

:class:`~.filler.CompiledForm` parses the blank form with pikepdf (qpdf) to find each
field's object, its dictionary without a value, its boxes and choices. Loading
pikepdf alone is ~30 ms of a single ``mentoring-docs fill`` of a PDF. For the
built-in blanks the result is always the same, so ``python -m
mentoring_docs.pdf.prepared --write`` keeps it, per kind and paper, in
``templates/compiled/<blank's file name>.json``: the compiled form's attributes
(field dictionaries as bytes, numbers, boxes), with the catalogue's fields named by
path, the font and the fallback chain by a marker, and the blank's own bytes left
out (they are read as they are now).

Derived data, never edited by hand: ``tests/test_pdf_prepared.py`` fails, naming
the command, when a file is not what compiling the blank gives now. Each file
keeps a digest (name, size, CRC-32) of the blank it was made from, of the modules
whose code decides what a compiled form holds (:data:`SOURCES`), of the bundled font
and of the schema snapshot's sources. :func:`load` returns None when any of them
differs (the blank was regenerated, the filler changed) or the file is missing or
unreadable: the blank is then parsed as before, so a stale file costs time, never
a wrong document. Only a fill with no option that changes the compiled form (no
password, flattening, fonts or field extension) uses it.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import os
import sys
from typing import Any

from ..catalogue import Catalogue, Field, catalogue
from ..kinds import KINDS, Kind
from ..paper import PAPERS, suffix
from ..shipped import shipped_bytes
from ..snapshot import file_entry, modules_digest, sources_digest, write_or_check
from .filler import CompiledForm
from .font import FONT_FILE, font_bytes, metrics
from .fontset import FontChain
from .templates import blank_template

HERE = os.path.dirname(os.path.abspath(__file__))

#: The modules of this package whose code decides what a compiled form holds.
SOURCES = ("filler.py", "fields.py", "appearance.py", "font.py", "fontset.py", "syntax.py", "prepared.py")

#: The command that writes the files again (the test names it when one is out of date).
COMMAND = "python -m mentoring_docs.pdf.prepared --write"


def file_name(kind: str, paper: str) -> str:
    """The name of the compiled form of ``kind``'s blank for ``paper``."""
    return f"{kind}{suffix(paper)}.pdf.json"


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Name, size and CRC-32 of each module of :data:`SOURCES` as installed; "" when one cannot be read."""
    return modules_digest(HERE, SOURCES, "pdf/")


def digest(kind: str, paper: str) -> str:
    """The digest of what the compiled form of ``kind`` for ``paper`` derives from; "" when unknown."""
    code, schemas = _code_digest(), sources_digest()
    if not code or not schemas:
        return ""
    blank = file_entry(f"{kind}{suffix(paper)}.pdf", blank_template(kind, paper), text=False)
    return " ".join((blank, file_entry(FONT_FILE, font_bytes(), text=False), code, schemas))


# -- a compiled form's attributes as JSON ---------------------------------------------------------
#
# Plain values stay JSON; bytes, tuples, dicts with keys of any type and sets are
# tagged; objects of this package's own classes (the filler's slots and widgets) are kept
# attribute by attribute with their class's module and name, once
# each (a second mention, as in ``by_path``, refers to the first); the catalogue, its
# fields, the font and the fallback chain are named, not copied.

#: The modules whose classes a compiled form may hold by value.
_OURS = "mentoring_docs.pdf."


def _attributes(value: Any) -> list[str]:
    """The names of ``value``'s attributes: a dataclass's fields, else its ``__slots__`` and ``__dict__``."""
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value)]
    names = [n for klass in type(value).__mro__ for n in getattr(klass, "__slots__", ()) if hasattr(value, n)]
    return names + list(getattr(value, "__dict__", {}))


class _Encoder:
    def __init__(self, form: CompiledForm) -> None:
        self.form = form
        self.seen: dict[int, int] = {}

    def encode(self, value: Any) -> Any:
        if value is None or value.__class__ in (bool, int, float, str):
            return value
        if value.__class__ is bytes:
            return {"$b": value.decode("latin-1")}
        if value.__class__ is list:
            return [self.encode(v) for v in value]
        if value.__class__ is tuple:
            return {"$t": [self.encode(v) for v in value]}
        if value.__class__ is dict:
            return {"$d": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if value.__class__ in (set, frozenset) and all(v.__class__ is str for v in value):
            # A set stays a set (a cache the form adds to), a frozenset frozen.
            return {"$s" if value.__class__ is frozenset else "$set": sorted(value)}
        if isinstance(value, Field):
            if catalogue(self.form.kind).field(value.path) is not value:
                raise TypeError(f"field {value.path} is not the built-in catalogue's")
            return {"$field": value.path}
        if isinstance(value, Catalogue):
            if value is not catalogue(self.form.kind):
                raise TypeError("a compiled built-in form must use the built-in catalogue")
            return {"$catalogue": 0}
        if value is metrics():
            return {"$metrics": 0}
        if value.__class__ is FontChain:
            if getattr(value, "_user", None) != [] or value.system is None:
                raise TypeError("a compiled built-in form must use the default font chain")
            return {"$chain": 0}
        cls = type(value)
        if cls.__module__.startswith(_OURS) and getattr(importlib.import_module(cls.__module__), cls.__qualname__,
                                                        None) is cls:
            number = self.seen.get(id(value))
            if number is not None:
                return {"$ref": number}
            number = self.seen[id(value)] = len(self.seen)
            return {"$obj": f"{cls.__module__}:{cls.__qualname__}", "id": number,
                    "f": {name: self.encode(getattr(value, name)) for name in _attributes(value)}}
        raise TypeError(f"cannot keep {type(value).__name__} in a compiled form: extend {__name__}")


class _Decoder:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.cat = catalogue(kind)
        self.objects: dict[int, Any] = {}

    def decode(self, value: Any) -> Any:
        if value.__class__ is list:
            return [self.decode(v) for v in value]
        if value.__class__ is not dict:
            return value
        tag, content = next(iter(value.items()))
        if tag == "$b":
            return content.encode("latin-1")
        if tag == "$t":
            return tuple(self.decode(v) for v in content)
        if tag == "$d":
            return {self.decode(k): self.decode(v) for k, v in content}
        if tag == "$s":
            return frozenset(content)
        if tag == "$set":
            return set(content)
        if tag == "$field":
            return self.cat.field(content)
        if tag == "$catalogue":
            return self.cat
        if tag == "$metrics":
            return metrics()
        if tag == "$chain":
            return FontChain((), system=True)
        if tag == "$ref":
            return self.objects[content]
        if tag == "$obj":
            module, _, name = content.partition(":")
            if not module.startswith(_OURS):  # never a class from anywhere else
                raise ValueError(f"{content} is not a class a compiled form keeps")
            cls = getattr(importlib.import_module(module), name)
            obj = cls.__new__(cls)
            self.objects[value["id"]] = obj
            for name, item in value["f"].items():
                object.__setattr__(obj, name, self.decode(item))
            return obj
        raise ValueError(f"unknown entry {tag!r} in a compiled form")


# -- deriving, loading ---------------------------------------------------------------------------


def _compile(kind: Kind, paper: str) -> CompiledForm:
    """The blank compiled now, as a fill without options compiles it (parses it with pikepdf)."""
    return CompiledForm(kind, blank_template(kind, paper), name="built-in form", custom=False)


def derive(kind: Kind, paper: str) -> dict[str, Any]:
    """The compiled form of ``kind``'s blank for ``paper``, compiled now."""
    form = _compile(kind, paper)
    encoder = _Encoder(form)
    state = dict(vars(form))
    blank = blank_template(kind, paper)
    if state.pop("base") not in (blank, blank + b"\n"):
        raise ValueError("the compiled form does not hold the blank's bytes")
    return {
        "kind": kind,
        "paper": paper,
        "digest": digest(kind, paper),
        "base_newline": not blank.endswith(b"\n"),
        "state": {name: encoder.encode(value) for name, value in state.items()},
    }


def text(kind: Kind, paper: str) -> str:
    """The file's text, as :func:`derive` makes it."""
    # Not sorted: a slot is written in full where it first appears (``slots``), and
    # ``by_path`` after it refers to it; JSON keeps that order.
    return json.dumps(derive(kind, paper), ensure_ascii=False, indent=0) + "\n"


@functools.lru_cache(maxsize=None)
def _data(kind: str, paper: str) -> dict[str, Any] | None:
    """The file of ``kind`` for ``paper`` as JSON, once per process; None when missing, unreadable or stale."""
    try:
        data = json.loads(shipped_bytes("templates", "compiled", file_name(kind, paper)))
    except (OSError, ValueError):
        return None
    expected = digest(kind, paper)
    if (not isinstance(data, dict) or data.get("kind") != kind or data.get("paper") != paper
            or not expected or data.get("digest") != expected):
        return None
    return data


def load(kind: str, paper: str) -> CompiledForm | None:
    """The compiled blank of ``kind`` for ``paper``, or None when its file is missing, unreadable or
    stale (then parse the blank). A new form each call, as compiling makes one (each keeps its own
    appearances for reuse)."""
    data = _data(kind, paper)
    if data is None:
        return None
    decoder = _Decoder(kind)
    try:
        state = {name: decoder.decode(value) for name, value in data["state"].items()}
    except (KeyError, ValueError, TypeError, AttributeError, StopIteration):
        return None
    blank = blank_template(kind, paper)
    state["base"] = blank + b"\n" if data.get("base_newline") else blank
    form = CompiledForm.__new__(CompiledForm)
    form.__dict__.update(state)
    return form


def main(argv: list[str] | None = None) -> int:
    """``--write`` the compiled blank forms, or ``--check`` (exit 1 when one is out of date)."""
    folder = os.path.normpath(os.path.join(HERE, os.pardir, "templates", "compiled"))
    return write_or_check(argv, "mentoring_docs.pdf.prepared",
                          [(os.path.join(folder, file_name(kind, paper)), functools.partial(text, kind, paper))
                           for kind in KINDS for paper in PAPERS])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
