"""The committed snapshot of what a fill needs from the schemas, so it need not import marshmallow.

The marshmallow schemas (:mod:`.schema`, :mod:`.fields`) stay the one source of
every field. From them, ``python -m mentoring_docs.snapshot --write`` derives, per
kind, ``schemas/<kind>.snapshot.json``: the field catalogue (:meth:`.Catalogue.to_data`),
the loading plan the fast path compiles (:mod:`.schema_plan`) and the names of the
yes/no boxes. Like the committed templates it is derived, never edited by hand, and
``tests/test_snapshot.py`` fails (naming that command) when it is out of date.

Each file records a digest of the source files it is derived from
(:data:`SOURCES`). At run time :func:`snapshot` compares it with the digest of the
files installed next to it; when they differ (someone changed a schema and forgot
to regenerate), it returns None and the catalogue and the loader are derived from
the schemas as before: a forgotten regeneration is slower, never wrong. Invalid
data is still reported by marshmallow itself (loaded only then).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

from .kinds import KINDS, Kind

HERE = Path(__file__).resolve().parent

#: The files the snapshot is derived from (its digest covers them): the schemas and
#: field constructors, the rules and kinds, and the code that derives and reads it.
SOURCES = ("schema.py", "fields.py", "rules.py", "catalogue.py", "schema_plan.py", "snapshot.py")

#: The command that writes the snapshot again (tests name it when it is out of date).
COMMAND = "python -m mentoring_docs.snapshot --write"


def path_of(kind: Kind) -> Path:
    """The snapshot file of ``kind``."""
    return HERE / "schemas" / f"{kind}.snapshot.json"


@functools.lru_cache(maxsize=1)
def sources_digest() -> str:
    """The name, size and CRC-32 of each file of :data:`SOURCES` as installed; "" when one cannot be read.

    A CRC, not a cryptographic hash: it guards against a forgotten regeneration, not
    against an attacker (who could edit the snapshot as easily), and zlib is loaded
    by every fill anyway while hashlib's OpenSSL costs a few milliseconds to load.
    The test of the committed files compares their whole text.
    """
    return modules_digest(HERE, SOURCES)


def file_entry(name: str, blob: bytes, text: bool = True) -> str:
    """``name:size:crc32`` of one file a derived file comes from; a text file counted with LF line
    ends, so that it reads the same on a checkout that made them CRLF."""
    if text:
        blob = blob.replace(b"\r\n", b"\n")
    return f"{name}:{len(blob)}:{zlib.crc32(blob):08x}"


def modules_digest(folder: str | os.PathLike[str], names: Iterable[str], prefix: str = "") -> str:
    """:func:`file_entry` of each text file of ``names`` in ``folder`` (named ``prefix + name``);
    "" when one cannot be read."""
    parts = []
    for name in names:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                blob = handle.read()
        except OSError:
            return ""  # an install without sources: nothing to compare, so never trusted
        parts.append(file_entry(prefix + name, blob))
    return " ".join(parts)


@functools.lru_cache(maxsize=None)
def snapshot(kind: Kind) -> dict[str, Any] | None:
    """The snapshot of ``kind``, or None when it is missing, unreadable or stale (derive from the schemas)."""
    try:
        data = json.loads(path_of(kind).read_bytes())
    except (OSError, ValueError):
        return None
    expected = sources_digest()
    if not isinstance(data, dict) or not expected or data.get("digest") != expected or data.get("kind") != kind:
        return None
    return data


def derive(kind: Kind) -> dict[str, Any]:
    """The snapshot of ``kind`` worked out from the schemas now (imports marshmallow)."""
    from .catalogue import Catalogue
    from .schema import SCHEMAS
    from .schema_plan import flag_names, plan_of

    plan, fallbacks = plan_of(SCHEMAS[kind]())
    if plan is None or fallbacks:
        raise ValueError(f"the {kind} schema has parts the fast path leaves to marshmallow "
                         f"({', '.join(fallbacks)}): they cannot be kept in a snapshot")
    return {
        "kind": kind,
        "digest": sources_digest(),
        "flag_names": sorted(flag_names()),
        "catalogue": Catalogue(kind).to_data(),
        "plan": plan,
    }


def text(kind: Kind) -> str:
    """The snapshot file's text, as :func:`derive` makes it (a TypeError for anything not JSON)."""
    return json.dumps(derive(kind), ensure_ascii=False, indent=1) + "\n"


def write_or_check(argv: list[str] | None, module: str, files: Iterable[tuple[str, Callable[[], str]]]) -> int:
    """The command line of a module whose committed files are derived: ``--write`` them, or ``--check``.

    ``files`` are (path, function giving the text the file must hold). ``--check`` exits
    1 naming the files out of date and the command that writes them. Files are read with
    universal newlines (a checkout that turned them into CRLF is not out of date) and
    written with LF.
    """
    args = sys.argv[1:] if argv is None else argv
    command = f"python -m {module} --write"
    if args not in (["--write"], ["--check"]):
        print(f"usage: {command} | python -m {module} --check", file=sys.stderr)
        return 2
    stale = []
    for path, make in files:
        wanted = make()
        try:
            with open(path, encoding="utf-8") as handle:
                current: str | None = handle.read()
        except OSError:
            current = None
        if current == wanted:
            continue
        if args == ["--write"]:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(wanted)
            print(f"wrote {path}")
        else:
            stale.append(path)
    if stale:
        print(f"out of date: {', '.join(stale)}; run {command}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``--write`` the snapshot files, or ``--check`` (exit 1 when one is out of date)."""
    return write_or_check(argv, "mentoring_docs.snapshot",
                          [(str(path_of(kind)), functools.partial(text, kind)) for kind in KINDS])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
