"""Flat paths: a record as ``{concrete dotted path: value}``, and every operation on that form.

The vocabulary, used everywhere:

- a *concrete path* names one value: ``goals.0.activities.1.status`` (list items
  by zero-based index);
- its *pattern* names the field: ``goals.*.activities.*.status`` (:func:`pattern_of`);
- a *flat* record maps concrete paths to values (:func:`flatten`, :func:`unflatten`;
  :func:`parse_flat` reads the raw text of a form into a record);
- a *container* is a list or a checkbox group; merging two flat records
  (:func:`merge`) takes each container whole from one side.

The one rule for checkbox groups (``focus.areas``): nested, the value is the list of
ticked choices in choice order; flat, each ticked choice is its own path with
``True`` (``focus.areas.networking``), which is how every form shows it.

The functions take the catalogue of the record's kind (:func:`mentoring_docs.catalogue.catalogue`);
this module sits below it, so the catalogue can use :func:`pattern_of`.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Hashable, Iterable, Mapping, Protocol

from .errors import DataError, Problem

__all__ = ["PathCatalogue", "container_of", "flatten", "merge", "parse_flat", "pattern_of", "unflatten"]


class PathCatalogue(Hashable, Protocol):
    """What the operations need of a catalogue (:class:`mentoring_docs.catalogue.Catalogue` has it)."""

    @property
    def title(self) -> str:
        """The document's title, for messages."""

    @property
    def by_path(self) -> Mapping[str, Any]:
        """Each field by its pattern."""

    @property
    def choice_sets(self) -> Mapping[str, Any]:
        """The checkbox groups by pattern."""

    @property
    def lists_by_path(self) -> Mapping[str, Any]:
        """The lists by pattern."""

    def lookup(self, path: str) -> Any:
        """The field a concrete path names, or None."""

    def suggest(self, path: str) -> str | None:
        """The known path closest to a misspelt one."""


_INDEX = re.compile(r"(?<=\.)\d+(?=\.|$)|^\d+(?=\.|$)")


@functools.lru_cache(maxsize=65536)
def pattern_of(path: str) -> str:
    """The pattern of a concrete path: list indices become ``*``."""
    # Cached: readers look up the same few hundred paths in every form they read
    # (about 500 calls per form), and the regex was a tenth of the reading time.
    return _INDEX.sub("*", path)


def flatten(cat: PathCatalogue, data: Mapping[str, Any]) -> dict[str, Any]:
    """``{concrete dotted path: value}`` for every value in ``data``.

    A choice set becomes one ``True`` per ticked box (``focus.areas.networking``).
    """
    out: dict[str, Any] = {}
    choice_sets = cat.choice_sets

    def walk(value: Any, path: str, pattern: str) -> None:
        if pattern in choice_sets:
            for item in value:
                out[f"{path}.{item}"] = True
        elif isinstance(value, dict) or (not isinstance(value, (str, list)) and isinstance(value, Mapping)):
            # dict first: typing.Mapping's isinstance is slow, and most values are plain text
            for key, inner in value.items():
                inner_path = f"{path}.{key}" if path else key
                inner_pattern = f"{pattern}.{key}" if pattern else key
                if inner.__class__ is str and inner_pattern not in choice_sets:
                    out[inner_path] = inner  # plain text, most leaves: what walk() would do, without the call
                else:
                    walk(inner, inner_path, inner_pattern)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}.{index}", f"{pattern}.*")
        else:
            out[path] = value

    walk(data, "", "")
    return out


def unflatten(cat: PathCatalogue, flat: Mapping[str, Any]) -> dict[str, Any]:
    """The nested record a ``{concrete path: value}`` map describes; inverse of :func:`flatten`.

    Empty values (None, ``""``, ``False`` checkboxes) are left out; list rows are
    taken in index order and rows left empty are dropped, so that gaps left in a
    form's table close up. Raises :class:`DataError` for a path not in the catalogue.
    """
    known: list[tuple[str, Any]] = []
    unknown: list[Problem] = []
    for path, value in flat.items():
        if cat.lookup(path) is None:
            hint = cat.suggest(path)
            unknown.append(Problem(path, "unknown field" + (f"; did you mean {hint!r}?" if hint else "")))
        else:
            known.append((path, value))
    if unknown:
        raise DataError(unknown)
    return _nest(cat, known)


def _nest(cat: PathCatalogue, items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The nested record of ``(concrete path, value)`` pairs whose paths are all in ``cat``."""
    root: dict[str, Any] = {}
    for path, value in items:
        if value is None or value == "" or value is False:
            continue
        parts = path.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _rebuild(cat, root, "")  # type: ignore[return-value]


def _rebuild(cat: PathCatalogue, node: Any, pattern: str) -> Any:
    if not isinstance(node, dict):
        return node
    if pattern in cat.choice_sets:
        return [fd.name for fd in cat.choice_sets[pattern] if node.get(fd.name)]
    if pattern in cat.lists_by_path:
        inner = pattern + ".*"
        items = []
        for key in sorted(node, key=int):
            item = node[key]
            if isinstance(item, dict):  # leaves need no rebuilding: skip the call for them
                item = _rebuild(cat, item, inner)
            elif item.__class__ is str:  # most leaves: blank only when empty, no call needed
                if item:
                    items.append(item)
                continue
            if not _blank(item):
                items.append(item)
        return items
    out = {}
    prefix = pattern + "." if pattern else ""
    for key, value in node.items():
        if isinstance(value, dict):
            value = _rebuild(cat, value, prefix + key)
        elif value.__class__ is str:
            if value:
                out[key] = value
            continue
        if not _blank(value):
            out[key] = value
    return out


def _blank(value: Any) -> bool:
    """What a rebuilt record leaves out: nothing given, or a group or list left empty."""
    return value is None or value == "" or value == {} or value == []


def parse_flat(cat: PathCatalogue, raw: Mapping[str, str | bool | None]) -> tuple[dict[str, Any], list[Problem]]:
    """Typed data from the raw text of a form; every value that cannot be read is a problem.

    ``raw`` maps concrete paths to what a person left in each field (text, or a
    checkbox state). Nothing is dropped silently: text that is not a valid value
    of its field (a date typed as "next Tuesday") is reported with its path and
    the text found, and unknown paths are reported too.
    """
    problems: list[Problem] = []
    # Every path is looked up here, so the values are nested as they come (what
    # _nest does, without a second pass), each path split once per catalogue.
    root: dict[str, Any] = {}
    known = _places(cat)
    for path, text in raw.items():
        placed = known.get(path)
        if placed is None:
            placed = _placed(cat, path, known)
            if placed is None:
                problems.append(Problem(path, f"not a field of the {cat.title}"))
                continue
        if text is None:
            continue
        fd, parents, last, plain = placed
        if plain and text.__class__ is str and "\r" not in text:
            value = text  # what from_text gives a text field holding no line ending to turn into "\n"
        else:
            try:
                value = fd.from_text(text)
            except ValueError as exc:
                problems.append(Problem(path, str(exc)))
                continue
        if value is None or value == "" or value is False:
            continue
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return _rebuild(cat, root, ""), problems


#: ``(field, keys of the groups holding it, its own key, a text field?)`` of a concrete path.
_Place = tuple[Any, tuple[str, ...], str, bool]
#: The places of the paths seen, per catalogue (a catalogue is cached for the process, so is this).
_PLACES: dict[int, tuple[PathCatalogue, dict[str, _Place]]] = {}
#: Paths remembered per catalogue: a form has a few hundred; past this the memory starts again.
_MAX_PLACES = 65536
_TEXT_KINDS = frozenset({"text", "long_text"})


def _places(cat: PathCatalogue) -> dict[str, _Place]:
    """The remembered places of ``cat``'s paths (kept with the catalogue, so that its id stays its own)."""
    found = _PLACES.get(id(cat))
    if found is None or found[0] is not cat:
        if len(_PLACES) >= 64:
            _PLACES.clear()
        found = _PLACES[id(cat)] = (cat, {})
    return found[1]


def _placed(cat: PathCatalogue, path: str, known: dict[str, _Place]) -> _Place | None:
    """The place of a concrete path (remembered in ``known``), or None when ``cat`` has no such field.

    One dictionary look-up per value after the first form: readers see the same paths in every form.
    """
    fd = cat.by_path.get(pattern_of(path))
    if fd is None:
        return None
    parts = path.split(".")
    placed = (fd, tuple(parts[:-1]), parts[-1], getattr(getattr(fd, "kind", None), "value", None) in _TEXT_KINDS)
    if len(known) >= _MAX_PLACES:
        known.clear()
    known[path] = placed
    return placed


@functools.lru_cache(maxsize=4096)
def container_of(cat: PathCatalogue, path: str) -> str | None:
    """The outermost list or checkbox group holding a concrete path, or None.

    A row that gives any item of a list replaces the defaults' whole list (and the
    same for a checkbox group), rather than mixing items of both.
    """
    parts = path.split(".")
    for end in range(1, len(parts)):
        prefix = ".".join(parts[:end])
        pattern = pattern_of(prefix)
        if pattern in cat.lists_by_path or pattern in cat.choice_sets:
            return prefix
    return None


def merge(cat: PathCatalogue, defaults: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """Row values over defaults, for one document; lists and checkbox groups replace, not mix."""
    replaced = {container_of(cat, path) for path in row} - {None}
    merged = {p: v for p, v in defaults.items() if not replaced or container_of(cat, p) not in replaced}
    merged.update(row)
    return merged
