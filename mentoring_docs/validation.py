"""Loading and checking data against the data model, with every problem named by path.

:func:`load` returns a :class:`Record`: the one type that says "this data is valid".
The form backends render only records, so data is validated once, where it enters
(``Filler.render`` given a plain mapping loads it first).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping as _Mapping
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from . import jsontext
from .catalogue import catalogue, flatten
from .flat_paths import pattern_of
from .errors import DataError, Problem
from .fastload import Defer, FastLoader
from .kinds import KINDS, Kind, parse_kind
from .limits import MAX_DATA_BYTES
from .snapshot import snapshot

if TYPE_CHECKING:
    from marshmallow import Schema

    from .extension import Extension

# marshmallow (a third of a single fill's start) is imported only where it is needed:
# to report invalid data, to dump, or to derive what the snapshot lacks (see .snapshot).

_PLAIN = {
    "Missing data for required field.": "is required",
    "Field may not be null.": "may not be null",
    "Not a valid list.": "must be a list",
    "Invalid input type.": "must be an object",
    "Not a valid string.": "must be text",
}


class Record(dict[str, Any]):
    """A validated, canonical record of one kind: a ``dict`` that knows its kind.

    Only :func:`load` makes one, and the form backends render only records, so data
    is validated once. Its flat form (``{concrete dotted path: value}``, see
    :func:`~mentoring_docs.catalogue.flatten`) is computed once, when first asked
    for, and shared by every format the record is rendered to. Changing a top-level
    key (item assignment, ``del``, ``update``, ``pop``...) makes it :attr:`changed`
    (it is validated again before it is rendered);
    values inside must not be changed in place. :attr:`extension` is the field
    extension it was validated with (its ``program_questions``), or None.
    """

    __slots__ = ("kind", "changed", "_flat", "extension")

    def __init__(self, kind: Kind, data: Mapping[str, Any], extension: Extension | None = None) -> None:
        dict.__init__(self, data)
        self.kind = kind
        self.changed = False
        self._flat: dict[str, Any] | None = None
        self.extension = extension

    @property
    def flat(self) -> Mapping[str, Any]:
        """``{concrete dotted path: value}`` of every value, computed once."""
        if self._flat is None:
            self._flat = flatten(self.kind, self, self.extension)
        return self._flat

    def __reduce__(self) -> tuple[Any, ...]:
        return (Record, (self.kind, dict(self), self.extension))

    def _changed(self) -> None:
        self.changed = True
        self._flat = None

    def __setitem__(self, key: str, value: Any) -> None:
        self._changed()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._changed()
        dict.__delitem__(self, key)

    def clear(self) -> None:
        self._changed()
        dict.clear(self)

    def pop(self, *args: Any) -> Any:
        self._changed()
        return dict.pop(self, *args)

    def popitem(self) -> tuple[str, Any]:
        self._changed()
        return dict.popitem(self)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._changed()
        return dict.setdefault(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._changed()
        dict.update(self, *args, **kwargs)


def list_limit_problems(record: Mapping[str, Any], limits: Mapping[str, int], form: str) -> list[Problem]:
    """A problem for each list of ``record`` longer than ``limits`` allows on ``form``.

    ``limits`` maps a list pattern (``goals.*.activities``) to its number of rows;
    each problem's path is the concrete list's (``goals.0.activities``).
    """
    problems = []
    for pattern, limit in limits.items():
        for path, count in _lists(record, pattern.split("."), ""):
            if count > limit:
                problems.append(Problem(
                    path,
                    f"the {form} has room for {limit} {'item' if limit == 1 else 'items'}; this record has {count}"))
    return sorted(problems)


def _lists(value: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, int]]:
    """``(concrete path, length)`` of each list of ``value`` at the pattern ``parts``."""
    if not parts:
        if isinstance(value, list):
            yield prefix, len(value)
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _lists(item, rest, f"{prefix}.{index}")
    elif isinstance(value, _Mapping) and head in value:
        yield from _lists(value[head], rest, f"{prefix}.{head}" if prefix else head)


@functools.lru_cache(maxsize=None)
def _schema(kind: str, extension: Extension | None = None) -> Schema:
    """One schema instance per kind (and extension), reused: building one (with its nested
    schemas) costs more than validating a record, and a batch validates thousands."""
    if extension:
        return extension.schema_class(kind)()
    from .schema import SCHEMAS

    return SCHEMAS[kind]()


@functools.lru_cache(maxsize=None)
def _loader(kind: str, extension: Extension | None = None) -> FastLoader:
    """The schema of ``kind`` compiled for valid records; invalid ones still get
    marshmallow's own errors (see :mod:`mentoring_docs.fastload`). A built-in kind's
    plan comes from the snapshot, so a valid record loads without marshmallow."""
    kind = parse_kind(kind)
    found = snapshot(kind) if extension is None else None
    if found is None:
        return FastLoader(_schema(kind, extension))
    return FastLoader(plan=found["plan"], slow=lambda data: _schema(kind).load(data))


def prune(value: Any) -> Any:
    """Drop what counts as "not given": None, empty strings, empty lists and objects.

    Forms cannot tell an empty field from a missing one, so the canonical record
    leaves both out; this is what makes ``read(fill(x)) == x`` hold.
    """
    if type(value) in _LEAVES:  # most values; and isinstance(x, Mapping) is slow for them
        return value
    if isinstance(value, _Mapping):
        out = {}
        for key, inner in value.items():
            if inner is False and key in _FLAG_NAMES:  # an unticked yes/no box: not given
                continue
            inner = prune(inner)
            if not _empty(inner):
                out[key] = inner
        return out
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if not _empty(v)]
    return value


_LEAVES = frozenset({str, int, float, bool, type(None), dt.date})


def _flag_names() -> frozenset[str]:
    """The names of the yes/no boxes in the schemas (see :func:`.schema_plan.flag_names`):
    ``false`` under one of them is dropped like an empty text."""
    found = snapshot(KINDS[0])
    if found is not None:
        return frozenset(found["flag_names"])
    from .schema_plan import flag_names

    return flag_names()


_FLAG_NAMES = _flag_names()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def _extension(kind: str, extension: Any) -> Extension | None:
    """The extension to use for ``kind``: None when there is none or it adds nothing to ``kind``."""
    if extension is None:
        return None
    from .extension import extension_of

    found = extension_of(extension)
    return found if found is not None and found.questions_for(kind) else None


def load(kind: str, data: Mapping[str, Any], *, source: str | None = None, extension: Any = None) -> Record:
    """Validate ``data`` and return the typed, canonical :class:`Record` (dates as :class:`datetime.date`).

    Raises :class:`DataError` listing every problem at once, each as
    ``dotted.path: message``. ``source`` (a file name) prefixes each message.
    ``extension`` (an :class:`~mentoring_docs.extension.Extension` or the path of an
    extension file) adds its ``program_questions`` fields.
    """
    if not isinstance(data, Mapping):
        raise DataError([Problem("", "the document must be a JSON object")], source)
    kind = parse_kind(kind)
    return _load(kind, prune(data), source, _extension(kind, extension))


def load_parsed(kind: Kind, data: Mapping[str, Any], extension: Extension | None = None) -> Record:
    """:func:`load` for what :func:`~mentoring_docs.catalogue.parse_flat` returns.

    Such data holds nothing :func:`prune` would drop, so that pass is skipped
    (reading forms back is where the time goes when tracking).
    """
    return _load(kind, data, None, _extension(kind, extension))


def _load(kind: Kind, data: Mapping[str, Any], source: str | None, extension: Extension | None = None) -> Record:
    loader = _loader(kind, extension)
    try:
        return Record(kind, loader.fast(data), extension)
    except Defer:
        pass
    # Not plainly valid: marshmallow itself loads it, or says exactly what is wrong, by path.
    from marshmallow import ValidationError

    try:
        return Record(kind, loader.slow(data), extension)
    except ValidationError as exc:
        raise DataError(_problems(kind, exc.messages, extension=extension), source) from None


def problems(kind: str, data: Mapping[str, Any], *, extension: Any = None) -> list[Problem]:
    """Every problem with ``data``, or an empty list when it is valid."""
    try:
        load(kind, data, extension=extension)
    except DataError as exc:
        return exc.problems
    return []


def is_valid(kind: str, data: Mapping[str, Any], *, extension: Any = None) -> bool:
    """Whether ``data`` satisfies the data model."""
    return not problems(kind, data, extension=extension)


def dump(kind: str, data: Mapping[str, Any], *, extension: Any = None) -> dict[str, Any]:
    """The JSON form of a record: ISO dates, keys in form order, empty values left out.

    A :class:`Record` is dumped with the extension it was loaded with.
    """
    kind = parse_kind(kind)
    if extension is None and isinstance(data, Record):
        extension = data.extension
    return prune(_schema(kind, _extension(kind, extension)).dump(data))


def to_json(kind: str, data: Mapping[str, Any], *, extension: Any = None) -> str:
    """A record as pretty-printed JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(dump(kind, data, extension=extension), ensure_ascii=False, indent=2) + "\n"


def parse_json(text: str | bytes, *, source: str = "<input>") -> Any:
    """Parse JSON text; a syntax error becomes a DataError naming line and column.

    Text over :data:`~mentoring_docs.limits.MAX_DATA_BYTES`, nesting deeper than
    :data:`~mentoring_docs.limits.MAX_JSON_DEPTH`, integers with absurdly many
    digits and keys given twice in one object are DataErrors too, each with its path.
    """
    if len(text) > MAX_DATA_BYTES:  # refused before parsing: a parse costs many times the text in memory
        raise DataError([Problem("", f"too large ({len(text):,} bytes; the limit is {MAX_DATA_BYTES:,})")], source)
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        elif text.startswith("\ufeff"):
            text = text[1:]
        return jsontext.loads(text)
    except UnicodeDecodeError as exc:
        raise DataError([Problem("", f"not UTF-8 text (byte {exc.start})")], source) from None
    except jsontext.JsonProblems as exc:
        raise DataError(exc.problems, source) from None


def load_json(kind: str, text: str | bytes, *, source: str = "<input>", extension: Any = None) -> Record:
    """Parse and validate a JSON document of ``kind``."""
    return load(kind, parse_json(text, source=source), source=source, extension=extension)


def _problems(kind: str, messages: Any, prefix: str = "", extension: Extension | None = None) -> list[Problem]:
    cat = catalogue(kind, extension)
    found: list[Problem] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, inner in node.items():
                if key == "_schema":
                    walk(inner, path)
                else:
                    walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for message in node:
                if isinstance(message, (dict, list)):
                    walk(message, path)
                elif message == "Missing data for required field." and pattern_of(path) in cat.groups:
                    # A required group left out: name the fields it needs.
                    prefix = pattern_of(path) + "."
                    for fd in cat.fields:
                        if fd.required and fd.path.startswith(prefix) and "*" not in fd.path[len(prefix):]:
                            found.append(Problem(path + fd.path[len(prefix) - 1:], "is required"))
                else:
                    found.append(Problem(path, _message(cat, path, str(message))))
        else:
            found.append(Problem(path, _message(cat, path, str(node))))

    walk(messages, prefix)
    return sorted(found, key=lambda p: _order(cat, p.path))


def _message(cat: Any, path: str, message: str) -> str:
    if message == "Unknown field.":
        hint = cat.suggest(path)
        return "unknown field" + (f"; did you mean {hint.rsplit('.', 1)[-1]!r}?" if hint else "")
    return _PLAIN.get(message, message)


def _order(cat: Any, path: str) -> tuple[int, str]:
    """Sort problems in form order, so they read top to bottom like the document."""
    pattern = pattern_of(path)
    for index, fd in enumerate(cat.fields):
        if fd.path == pattern or fd.path.startswith(pattern + "."):
            return (index, path)
    return (len(cat.fields), path)
