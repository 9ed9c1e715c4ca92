"""The built-in Word templates already compiled: what a cold fill loads instead of compiling.

Compiling a template (:mod:`.compiler`) parses ``word/document.xml`` with lxml,
finds and checks every control and cuts the XML into a program: ~30 ms, most of a
single ``mentoring-docs fill`` of a Word form. For the built-in templates that work
always gives the same program, so ``python -m mentoring_docs.docx.prepared --write``
keeps it, per kind and paper, in ``templates/compiled/<template name>.json``: the
program (text, operations, controls and lists, each control naming its field by
path), the placeholders, the first free bookmark id and the other parts of the
package as text. Loading one is a JSON parse and a :class:`~.render.Compiled` made
from it, with no lxml, compiler or template parsing.

Like the schema snapshot (:mod:`mentoring_docs.snapshot`) it is derived and never
edited by hand: ``tests/test_docx_prepared.py`` fails, naming the command, when a
file is not what the compiler makes now. Each file keeps a digest (name, size and
CRC-32) of what it is derived from: the template it compiles, the modules that
compile it and the schema snapshot's own sources (:data:`SOURCES`). :func:`load`
compares it with the digest of the installed files and returns None when they
differ (or a file is missing or unreadable): the caller compiles the template as
before, so a forgotten regeneration is slower, never wrong.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any

from ..catalogue import catalogue
from ..kinds import KINDS, Kind
from ..paper import PAPERS, suffix
from ..shipped import shipped_bytes
from ..snapshot import file_entry, modules_digest, sources_digest, write_or_check
from .controls import ControlKind
from .package import Member
from .render import PART_LEVEL, Compiled, Loop, Slot
from .scripts import RunProps

HERE = os.path.dirname(os.path.abspath(__file__))

#: The modules of this package whose code decides what a compiled template holds
#: (the compiler, the control variants and names, the program's classes, the parts it
#: edits, and this module); the schemas' sources come in through the snapshot's digest.
SOURCES = ("compiler.py", "control_variants.py", "controls.py", "control_names.py", "structure.py",
           "package_edits.py", "record.py", "render.py", "scripts.py", "ooxml.py", "package.py", "prepared.py")

#: The command that writes the files again (the test names it when one is out of date).
COMMAND = "python -m mentoring_docs.docx.prepared --write"

#: Keys of a program's entries that are not text (a str) or an operation (an int).
_SLOT, _LOOP = "slot", "loop"


def file_name(kind: str, paper: str) -> str:
    """The name of the compiled form of ``kind``'s built-in template for ``paper``."""
    return f"{kind}{suffix(paper)}.docx.json"


def template_name(kind: str, paper: str) -> str:
    """The built-in template's own file name (as :func:`.template.template_file` gives it)."""
    return f"{kind}{suffix(paper)}.docx"


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Name, size and CRC-32 of each module of :data:`SOURCES` as installed; "" when one cannot be read."""
    return modules_digest(HERE, SOURCES, "docx/")


def digest(kind: str, paper: str) -> str:
    """The digest of what the compiled form of ``kind`` for ``paper`` derives from; "" when unknown.

    A CRC, as in :func:`mentoring_docs.snapshot.sources_digest`: it catches a forgotten
    regeneration, not an attacker (who could edit the JSON as easily).
    """
    code = _code_digest()
    schemas = sources_digest()
    if not code or not schemas:
        return ""
    name = template_name(kind, paper)
    return " ".join((file_entry(name, shipped_bytes("templates", name), text=False), code, schemas))


def _path(kind: str, paper: str) -> str:
    return os.path.join(HERE, os.pardir, "templates", "compiled", file_name(kind, paper))


# -- the program as JSON ------------------------------------------------------------------------


def _encode(program: list[Any]) -> list[Any]:
    out: list[Any] = []
    for piece in program:
        if piece.__class__ is str or piece.__class__ is int:
            out.append(piece)
        elif piece.__class__ is Slot:
            out.append({_SLOT: {
                "field": piece.field.path, "kind": piece.kind.value, "path_format": piece.path_format,
                "empty": _encode(piece.empty), "filled": _encode(piece.filled),
                "filled_rtl": None if piece.filled_rtl is None else _encode(piece.filled_rtl),
                "run_props": piece.run_props, "date_format": piece.date_format, "display": piece.display,
            }})
        elif piece.__class__ is Loop:
            out.append({_LOOP: {"pattern": piece.pattern, "keys": list(piece.keys), "minimum": piece.minimum,
                                "body": _encode(piece.body), "separator": _encode(piece.separator)}})
        else:  # pragma: no cover - a program holds only these
            raise TypeError(f"cannot keep {piece!r} in a compiled template")
    return out


def _decode(entries: list[Any], kind: Kind) -> list[Any]:
    out: list[Any] = []
    for entry in entries:
        if entry.__class__ is dict:
            slot = entry.get(_SLOT)
            if slot is not None:
                rtl = slot["filled_rtl"]
                entry = Slot(field=catalogue(kind).field(slot["field"]), kind=ControlKind(slot["kind"]),
                             path_format=slot["path_format"], empty=_decode(slot["empty"], kind),
                             filled=_decode(slot["filled"], kind),
                             filled_rtl=None if rtl is None else _decode(rtl, kind),
                             run_props=slot["run_props"], date_format=slot["date_format"],
                             display=slot["display"], marked=RunProps(slot["run_props"]))
            else:
                loop = entry[_LOOP]
                entry = Loop(loop["pattern"], tuple(loop["keys"]), loop["minimum"], _decode(loop["body"], kind),
                             _decode(loop["separator"], kind))
        out.append(entry)
    return out


# -- deriving, loading ---------------------------------------------------------------------------


def derive(kind: Kind, paper: str) -> dict[str, Any]:
    """The compiled form of ``kind``'s built-in template for ``paper``, compiled now (loads lxml)."""
    from .compiler import compile_parts

    name = template_name(kind, paper)
    program, members, placeholders, first_bookmark = compile_parts(
        kind, shipped_bytes("templates", name), name=f"the built-in {kind} template")
    return {
        "kind": kind,
        "paper": paper,
        "digest": digest(kind, paper),
        "first_bookmark": first_bookmark,
        "placeholders": placeholders,
        # The body is rendered; every other part is kept as its text, packed on load.
        "parts": [[part, None if content is None else content.decode("utf-8")] for part, content in members],
        "program": _encode(program),
    }


def text(kind: Kind, paper: str) -> str:
    """The file's text, as :func:`derive` makes it."""
    return json.dumps(derive(kind, paper), ensure_ascii=False, indent=0, sort_keys=True) + "\n"


@functools.lru_cache(maxsize=None)
def load(kind: Kind, paper: str) -> Compiled | None:
    """The compiled built-in template of ``kind`` for ``paper``, or None when its file is missing,
    unreadable or stale (then compile the template)."""
    try:
        data = json.loads(shipped_bytes("templates", "compiled", file_name(kind, paper)))
    except (OSError, ValueError):
        return None
    if (not isinstance(data, dict) or data.get("kind") != kind or data.get("paper") != paper
            or data.get("digest") != digest(kind, paper) or not data["digest"]):
        return None
    members: list[Member | None] = []
    body_index = -1
    try:
        for part, content in data["parts"]:
            if content is None:
                body_index = len(members)
                members.append(None)
            else:
                members.append(Member.pack(part, content.encode("utf-8"), PART_LEVEL))
        return Compiled(kind, _decode(data["program"], kind), members, body_index, data["placeholders"],
                        data["first_bookmark"])
    except (KeyError, ValueError, TypeError, AttributeError):  # a file edited by hand: compile instead
        return None


def main(argv: list[str] | None = None) -> int:
    """``--write`` the compiled built-in templates, or ``--check`` (exit 1 when one is out of date)."""
    return write_or_check(argv, "mentoring_docs.docx.prepared",
                          [(os.path.normpath(_path(kind, paper)), functools.partial(text, kind, paper))
                           for kind in KINDS for paper in PAPERS])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
