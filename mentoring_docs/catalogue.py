"""The field catalogue: every field of a document, flat and in form order.

Derived from the marshmallow schemas in :mod:`mentoring_docs.schema`, never written
by hand. A built-in kind's catalogue is rebuilt from the committed snapshot of that
derivation (:mod:`mentoring_docs.snapshot`), so that using it does not import
marshmallow; a stale snapshot is ignored and the schemas walked as before. Paths are dotted, with ``*`` standing for a list index in patterns
(``goals.*.activities.*.status``) and a zero-based number in concrete paths
(``goals.0.activities.1.status``). Each focus area is a checkbox leaf of its own
(``focus.areas.networking``), since that is how every form shows it.

The Word and PDF forms, the roster columns and the readers are all driven by this
module. Converting between nested records and ``{concrete path: value}`` maps is
:mod:`mentoring_docs.flat_paths`'s job; :func:`flatten`, :func:`unflatten` and
:func:`parse_flat` here take a kind name for it.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field as _dc_field
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from . import flat_paths, text_values
from .errors import Problem
from .flat_paths import pattern_of
from .kinds import TITLES, Kind, parse_kind
from .rules import FieldKind

if TYPE_CHECKING:
    from marshmallow import Schema

    from .extension import Extension

__all__ = [
    "Catalogue", "Choice", "Field", "FieldKind", "Group", "ListSpec", "Section",
    "catalogue", "flatten", "unflatten", "parse_flat",
]

_TEXT, _LONG_TEXT, _CHECKBOX, _DATE, _NUMBER = (
    FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHECKBOX, FieldKind.DATE, FieldKind.NUMBER)

@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumeration and the label forms show for it."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One leaf of a document: a value a person types, ticks or picks."""

    path: str
    kind: FieldKind
    label: str
    help: str
    full_label: str
    section: str
    group_path: str
    list_path: str | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    format: str | None = None
    set_path: str | None = None
    default: Any = None

    @property
    def name(self) -> str:
        """The last segment of the path."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def multiline(self) -> bool:
        """Whether the value may hold line breaks."""
        return self.kind is FieldKind.LONG_TEXT

    @functools.cached_property
    def _choice_names(self) -> dict[str, str]:
        """Each choice's value and label, case-folded, to the value (the first choice wins a tie)."""
        names: dict[str, str] = {}
        for choice in reversed(self.choices):
            names[choice.label.casefold()] = choice.value
            names[choice.value.casefold()] = choice.value
        return names

    def choice_label(self, value: str) -> str:
        """The display label of an enumeration value."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)

    def to_text(self, value: Any) -> str:
        """The text a form or spreadsheet shows for ``value``."""
        if value is None:
            return ""
        if self.kind is FieldKind.DATE:
            return text_values.format_date(value)
        if self.kind is FieldKind.NUMBER:
            return text_values.format_number(value)
        if self.kind is FieldKind.CHECKBOX:
            return "yes" if value else ""
        return str(value)

    def from_text(self, text: str | bool) -> Any:
        """Read the value a person left in a form or a cell; ``None`` when empty.

        Raises :class:`ValueError` with a message fit for the user when the text
        cannot be this field's kind of value.
        """
        # Readers call this for every field of every form: the kinds are module
        # constants because looking up an enum member costs more than the test.
        kind = self.kind
        if kind is _TEXT or kind is _LONG_TEXT:
            if isinstance(text, bool):
                raise ValueError(f"expected {kind} text, got a checkbox state")
            return text_values.normalise_newlines(text) or None
        if kind is _CHECKBOX:
            return True if text_values.parse_flag(text) else None
        if isinstance(text, bool):
            raise ValueError(f"expected {kind} text, got a checkbox state")
        if not text.strip():
            return None
        if kind is _DATE:
            return text_values.parse_date(text)
        if kind is _NUMBER:
            return text_values.parse_number(text, integer=self.integer)
        value = self._choice_names.get(text.strip().casefold())
        if value is not None:
            return value
        raise ValueError(
            f"{text.strip()!r} is not one of: " + ", ".join(c.value for c in self.choices)
        )


@dataclass(frozen=True)
class Group:
    """A named group of fields (a nested object such as ``meetings`` or ``mentor``)."""

    path: str
    label: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class ListSpec:
    """A list in a document: table rows or repeated blocks.

    ``fields`` are the item's own leaves (not those of lists inside it, which are
    in ``lists``). A list of plain text has a single item field whose path ends
    in ``.*``.
    """

    path: str
    label: str
    help: str
    item_label: str
    max_items: int | None
    fields: tuple[Field, ...]
    lists: tuple["ListSpec", ...]
    parent: str | None

    @property
    def scalar(self) -> bool:
        """True for a list of plain values (``goals.top``), false for a list of records."""
        return len(self.fields) == 1 and self.fields[0].path == self.path + ".*"


@dataclass(frozen=True)
class Section:
    """A top-level part of a document: a heading on the form with its prompt."""

    key: str
    title: str
    help: str
    fields: tuple[Field, ...]
    lists: tuple[ListSpec, ...]


@dataclass
class Node:
    """One node of a document's structure tree (a group, a list, a list item or a leaf).

    ``Catalogue.root`` is the tree; walk it to lay out or generate documents in
    document order.
    """

    key: str
    pattern: str
    leaf: Field | None = None
    is_list: bool = False
    children: list["Node"] = _dc_field(default_factory=list)


class Catalogue:
    """All fields of one kind of document, flat and in form order."""

    def __init__(self, kind: Kind, extension: Extension | None = None,
                 data: Mapping[str, Any] | None = None) -> None:
        self.kind: Kind = kind
        self.title = TITLES[kind]
        #: The field extension whose ``program_questions`` this catalogue includes, if any.
        self.extension: Extension | None = extension if extension and extension.questions_for(kind) else None
        self._fields: list[Field] = []
        self._groups: dict[str, Group] = {}
        self._list_meta: dict[str, tuple[str, str, str, int | None]] = {}
        self._section_meta: list[tuple[str, str, str]] = []
        self.root = Node("", "")
        if data is not None and self.extension is None:
            self._load(data)  # the built-in schema's catalogue, from the committed snapshot
        else:
            self._walk(self.schema_class(), "", "", None, None, self.root)
        self.fields: tuple[Field, ...] = tuple(self._fields)
        self.by_path: dict[str, Field] = {fd.path: fd for fd in self.fields}
        self.groups: dict[str, Group] = dict(self._groups)
        self.lists: tuple[ListSpec, ...] = tuple(self._build_lists())
        self.lists_by_path: dict[str, ListSpec] = {ls.path: ls for ls in self.lists}
        self.choice_sets: dict[str, tuple[Field, ...]] = {}
        for fd in self.fields:
            if fd.set_path:
                self.choice_sets.setdefault(fd.set_path, ())
                self.choice_sets[fd.set_path] += (fd,)
        self.sections: tuple[Section, ...] = tuple(self._build_sections())

    @property
    def schema_class(self) -> type[Schema]:
        """The marshmallow schema this catalogue is derived from (imported on first use)."""
        if self.extension is not None:
            return self.extension.schema_class(self.kind)
        from .schema import SCHEMAS

        return SCHEMAS[self.kind]

    # -- construction ---------------------------------------------------------

    def _walk(self, schema: Schema, prefix: str, label_prefix: str,
              list_path: str | None, section: str | None, node: Node) -> None:
        from marshmallow import fields as mf

        from .fields import ChoiceSet

        for name, mfield in schema.fields.items():
            path = f"{prefix}{name}"
            meta = mfield.metadata
            if not prefix:
                self._section_meta.append((name, meta["label"], meta["help"]))
            top = section or name
            full = f"{label_prefix}{meta['label']}"
            if isinstance(mfield, mf.Nested):
                self._groups[path] = Group(path, meta["label"], meta["help"], mfield.required)
                child = Node(name, path)
                node.children.append(child)
                self._walk(mfield.schema, path + ".", full + ": ", list_path, top, child)
            elif isinstance(mfield, ChoiceSet):
                self._groups[path] = Group(path, meta["label"], meta["help"])
                child = Node(name, path)
                node.children.append(child)
                for choice in mfield.choices:
                    leaf = Field(
                        path=f"{path}.{choice[0]}", kind=FieldKind.CHECKBOX, label=choice[1],
                        help=meta["help"], full_label=f"{full}: {choice[1]}", section=top,
                        group_path=path, list_path=list_path, set_path=path,
                    )
                    self._fields.append(leaf)
                    child.children.append(Node(choice[0], leaf.path, leaf=leaf))
            elif isinstance(mfield, mf.List):
                item_path = path + ".*"
                self._list_meta[path] = (meta["label"], meta["help"], meta["item_label"], meta.get("max_items"))
                child = Node(name, path, is_list=True)
                node.children.append(child)
                inner = mfield.inner
                if isinstance(inner, mf.Nested):
                    item = Node("*", item_path)
                    child.children.append(item)
                    self._walk(inner.schema, item_path + ".", full + ": ", path, top, item)
                else:
                    leaf = self._leaf(inner, item_path, f"{full}: {inner.metadata['label']}", top, prefix.rstrip(".") or "", path)
                    self._fields.append(leaf)
                    child.children.append(Node("*", item_path, leaf=leaf))
            else:
                leaf = self._leaf(mfield, path, full, top, prefix.rstrip("."), list_path)
                self._fields.append(leaf)
                node.children.append(Node(name, path, leaf=leaf))

    @staticmethod
    def _leaf(mfield: Any, path: str, full: str, section: str,
              group_path: str, list_path: str | None) -> Field:
        meta = mfield.metadata
        return Field(
            path=path, kind=meta["kind"], label=meta["label"], help=meta["help"],
            full_label=full, section=section, group_path=group_path, list_path=list_path,
            choices=tuple(Choice(v, lbl) for v, lbl in meta.get("choices", ())),
            required=mfield.required, integer=bool(meta.get("integer")),
            minimum=meta.get("minimum"), maximum=meta.get("maximum"),
            exclusive_minimum=meta.get("exclusive_minimum"), format=meta.get("format"),
            default=None if mfield.load_default is _missing() else mfield.load_default,
        )

    # -- the snapshot ---------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """What rebuilds this catalogue without the schemas: its fields, groups, lists, sections
        and structure tree as JSON data (see :mod:`.snapshot`)."""
        index = {fd.path: i for i, fd in enumerate(self._fields)}

        def node(n: Node) -> list[Any]:
            return [n.key, n.is_list, index[n.leaf.path] if n.leaf is not None else None,
                    [node(c) for c in n.children]]

        return {
            "fields": [_field_data(fd) for fd in self._fields],
            "groups": [[g.path, g.label, g.help, g.required] for g in self._groups.values()],
            "lists": [[path, *meta] for path, meta in self._list_meta.items()],
            "sections": [list(s) for s in self._section_meta],
            "tree": [node(c) for c in self.root.children],
        }

    def _load(self, data: Mapping[str, Any]) -> None:
        self._fields = [_field_from(item) for item in data["fields"]]
        self._groups = {path: Group(path, label, help_, required) for path, label, help_, required in data["groups"]}
        self._list_meta = {path: (label, help_, item, most) for path, label, help_, item, most in data["lists"]}
        self._section_meta = [(key, title, help_) for key, title, help_ in data["sections"]]

        def grow(parent: Node, items: list[Any]) -> None:
            for key, is_list, leaf, children in items:
                child = Node(key, f"{parent.pattern}.{key}" if parent.pattern else key,
                             leaf=self._fields[leaf] if leaf is not None else None, is_list=is_list)
                parent.children.append(child)
                grow(child, children)

        grow(self.root, data["tree"])

    def _build_lists(self) -> Iterator[ListSpec]:
        def build(path: str) -> ListSpec:
            label, help_, item_label, max_items = self._list_meta[path]
            children = [p for p in self._list_meta if _parent_list(p, self._list_meta) == path]
            return ListSpec(
                path=path, label=label, help=help_, item_label=item_label, max_items=max_items,
                fields=tuple(fd for fd in self._fields if fd.list_path == path),
                lists=tuple(build(p) for p in children),
                parent=_parent_list(path, self._list_meta),
            )

        for path in self._list_meta:
            yield build(path)

    def _build_sections(self) -> Iterator[Section]:
        for name, title, help_ in self._section_meta:
            yield Section(
                key=name, title=title, help=help_,
                fields=tuple(fd for fd in self.fields if fd.section == name),
                lists=tuple(ls for ls in self.lists if ls.path.split(".")[0] == name),
            )

    # -- queries --------------------------------------------------------------

    def lookup(self, path: str) -> Field | None:
        """The field a concrete path (``goals.0.title``) or a pattern names, or None."""
        return self.by_path.get(pattern_of(path))

    def field(self, pattern: str) -> Field:
        """The field with this pattern; KeyError when there is none."""
        return self.by_path[pattern]

    def expand(self, rows: Mapping[str, int]) -> list[tuple[str, Field]]:
        """Concrete paths of every field, in document order, with ``rows[list]`` rows per list.

        Lists missing from ``rows`` get no rows.
        """
        out: list[tuple[str, Field]] = []

        def visit(node: Node, concrete: str) -> None:
            for child in node.children:
                path = f"{concrete}.{child.key}" if concrete else child.key
                if child.leaf is not None:
                    out.append((path, child.leaf))
                elif child.is_list:
                    item = child.children[0]
                    for i in range(rows.get(child.pattern, 0)):
                        if item.leaf is not None:
                            out.append((f"{path}.{i}", item.leaf))
                        else:
                            visit(item, f"{path}.{i}")
                else:
                    visit(child, path)

        visit(self.root, "")
        return out

    def suggest(self, path: str) -> str | None:
        """The known field path closest to a misspelt one (for error messages)."""
        import difflib

        pattern = pattern_of(path)
        known = list(self.by_path) + list(self.groups) + list(self.lists_by_path)
        match = difflib.get_close_matches(pattern, known, n=1, cutoff=0.6)
        return match[0] if match else None

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __repr__(self) -> str:
        return f"<Catalogue {self.kind}: {len(self.fields)} fields, {len(self.lists)} lists>"


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Field))
_FIELD_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Field) if f.default is not dataclasses.MISSING}


def _field_data(fd: Field) -> dict[str, Any]:
    """A field as JSON data: what differs from the defaults (a catalogue is mostly defaults)."""
    out: dict[str, Any] = {}
    for name in _FIELD_NAMES:
        value = getattr(fd, name)
        if name in _FIELD_DEFAULTS and value == _FIELD_DEFAULTS[name] and type(value) is type(_FIELD_DEFAULTS[name]):
            continue
        if name == "kind":
            value = value.value
        elif name == "choices":
            value = [[c.value, c.label] for c in value]
        out[name] = value
    return out


def _field_from(data: Mapping[str, Any]) -> Field:
    values = dict(data)
    values["kind"] = FieldKind(values["kind"])
    if "choices" in values:
        values["choices"] = tuple(Choice(v, label) for v, label in values["choices"])
    return Field(**values)


def _missing() -> Any:
    from marshmallow import missing

    return missing


def _parent_list(path: str, lists: Mapping[str, Any]) -> str | None:
    parts = path.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in lists:
            return candidate
    return None


def catalogue(kind: str, extension: Any = None) -> Catalogue:
    """The field catalogue of ``kind`` (``agreement`` or ``action_plan``), built once.

    ``extension`` (an :class:`~mentoring_docs.extension.Extension` or the path of
    an extension file) adds its ``program_questions`` fields for ``kind``.
    """
    if extension is None:
        return _builtin(kind)
    from .extension import extension_of

    return _extended(parse_kind(kind), extension_of(extension))


@functools.lru_cache(maxsize=None)
def _builtin(kind: str) -> Catalogue:
    # Keyed by the name as given, as before extensions: readers ask for it per field.
    from .snapshot import snapshot

    kind = parse_kind(kind)
    found = snapshot(kind)  # None when stale: then derived from the schemas, slower but never wrong
    return Catalogue(kind, data=found["catalogue"] if found is not None else None)


@functools.lru_cache(maxsize=None)
def _extended(kind: Kind, extension: Extension) -> Catalogue:
    if not extension.questions_for(kind):
        return _builtin(kind)  # one catalogue for the kind when the extension adds nothing to it
    return Catalogue(kind, extension)


def flatten(kind: str, data: Mapping[str, Any], extension: Extension | None = None) -> dict[str, Any]:
    """``{concrete dotted path: value}`` for every value in ``data`` (see :func:`.flat_paths.flatten`)."""
    return flat_paths.flatten(catalogue(kind, extension), data)


def unflatten(kind: str, flat: Mapping[str, Any], extension: Extension | None = None) -> dict[str, Any]:
    """The nested record a ``{concrete path: value}`` map describes (see :func:`.flat_paths.unflatten`)."""
    return flat_paths.unflatten(catalogue(kind, extension), flat)


def parse_flat(kind: str, raw: Mapping[str, str | bool | None],
               extension: Extension | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Typed data from the raw text of a form, and a problem for each value that cannot be read
    (see :func:`.flat_paths.parse_flat`)."""
    return flat_paths.parse_flat(catalogue(kind, extension), raw)
