"""Field extensions: a program's own questions, declared in a file, without forking.

An extension file (JSON, or TOML on Python 3.11+) declares extra fields for
either document. Every field lives under the reserved ``program_questions``
section, so an extension can never shadow or change a built-in field::

    {"id": "guild-2026",
     "fields": [
       {"document": "agreement", "path": "program_questions.site", "label": "Site",
        "help": "Where the mentee works.", "kind": "text", "required": true},
       {"document": "action_plan", "path": "program_questions.budget_approved",
        "label": "Budget approved", "help": "Has the manager approved the budget?", "kind": "yes_no"}]}

:func:`load_extension` parses and checks such a file (every problem by path,
``fields.2.kind: must be one of ...``) into an :class:`Extension`. The extension
builds, for each kind, a schema class: the built-in schema plus a
``program_questions`` group made with the constructors of :mod:`.fields`, so the
rules of each kind of value stay in one place. The catalogue, validation, the JSON
Schema and the forms are all derived from that class, exactly as for built-in fields.

A form made with an extension carries its :attr:`Extension.id` and
:attr:`Extension.digest` (see :class:`FormExtension`), so a reader can tell which
extension a returned form was made with.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .errors import DataError, MentoringDocsError, Problem
from .kinds import KINDS, Kind, parse_kind
from .limits import MAX_EXTENSION_BYTES, MAX_EXTENSION_DEFINITION_CHARS, too_long
from .safe_read import FileRefused, read_regular

if TYPE_CHECKING:
    from marshmallow import Schema, fields as mf

# The schemas (marshmallow) load only when an extension's schema class is first built:
# the forms import this module for its names, and a fill without --fields needs no more.

__all__ = [
    "KINDS_OF_QUESTION", "SECTION", "Extension", "FormExtension", "Question", "extension_of",
    "load_extension", "parse_extension",
]

#: The reserved top-level section every extension field lives under.
SECTION = "program_questions"
SECTION_LABEL = "Program questions"
SECTION_HELP = "Questions your program asks of every pair, beyond the standard form."

#: The kinds of value a question may have, with what each means on a form.
KINDS_OF_QUESTION: dict[str, str] = {
    "text": "one line of text",
    "long_text": "text with line breaks",
    "date": "a date",
    "integer": "a whole number (minimum, maximum optional)",
    "number": "a number (minimum, maximum optional)",
    "yes_no": "a drop-down of Yes and No (an unanswered question stays empty)",
    "choice": "one of its choices",
    "checkboxes": "any of its choices, one checkbox each",
    "text_list": "a list of one-line texts (rows: the PDF form's rows, default 3)",
}

YES_NO = (("yes", "Yes"), ("no", "No"))

MAX_FIELDS = 200
MAX_DEPTH = 3          # program_questions.a.b.c at most
MAX_CHOICES = 50
MAX_ROWS = 20
MAX_TEXT = 1000        # labels and help texts

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SEGMENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_DOCUMENTS: dict[str, tuple[Kind, ...]] = {
    "agreement": ("agreement",), "action_plan": ("action_plan",), "action-plan": ("action_plan",), "both": KINDS}
_KEYS = {"document", "path", "label", "help", "kind", "required", "choices", "minimum", "maximum", "rows",
         "item_label", "max_items"}


@dataclass(frozen=True)
class Question:
    """One field an extension adds to one or both documents."""

    documents: tuple[Kind, ...]
    path: str
    label: str
    help: str
    kind: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    rows: int = 3
    item_label: str = ""
    max_items: int | None = None

    def marshmallow_field(self) -> mf.Field:
        """The field, made by the constructor of :mod:`.fields` for its kind."""
        from . import fields as f

        kind = self.kind
        field: mf.Field
        if kind == "text":
            field = f.text(self.label, self.help)
        elif kind == "long_text":
            field = f.long_text(self.label, self.help)
        elif kind == "date":
            field = f.date(self.label, self.help)
        elif kind == "integer":
            field = f.integer(self.label, self.help, minimum=_int_or_none(self.minimum),
                              maximum=_int_or_none(self.maximum))
        elif kind == "number":
            field = f.number(self.label, self.help, minimum=self.minimum, maximum=self.maximum)
        elif kind == "yes_no":
            field = f.choice(self.label, self.help, YES_NO)
        elif kind == "choice":
            field = f.choice(self.label, self.help, self.choices)
        elif kind == "checkboxes":
            field = f.checkboxes(self.label, self.help, self.choices)
        else:  # text_list: load_extension accepts no other kind
            field = f.text_list(self.label, self.help, self.item_label or "Item", max_items=self.max_items)
        # Required is a property of any field; the constructors that lack the
        # option (choices, numbers, lists) take it here.
        field.required = self.required
        return field


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class FormExtension:
    """Which extension a form was made with, as stored in the form."""

    id: str
    digest: str

    def describe(self) -> str:
        """``id (digest …)`` for messages."""
        return f"{self.id!r} (digest {self.digest})"


@dataclass(frozen=True)
class Extension:
    """A checked extension file: its id, its questions and the digest that identifies it."""

    id: str
    questions: tuple[Question, ...]
    digest: str
    source: str = "<extension>"
    #: The extension as canonical JSON: what a form stores, so that it can be read without the file.
    definition: str = ""

    def __hash__(self) -> int:
        return hash((self.id, self.digest))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Extension) and (self.id, self.digest) == (other.id, other.digest)

    @property
    def identity(self) -> FormExtension:
        """What a form made with this extension stores."""
        return FormExtension(self.id, self.digest)

    def questions_for(self, kind: str) -> tuple[Question, ...]:
        """The questions this extension adds to ``kind``, in file order."""
        kind = parse_kind(kind)
        return tuple(q for q in self.questions if kind in q.documents)

    def pdf_rows(self, kind: str) -> dict[str, int]:
        """Rows per list pattern for this extension's lists on the PDF form of ``kind``."""
        return {q.path: q.rows for q in self.questions_for(kind) if q.kind == "text_list"}

    def schema_class(self, kind: str) -> type[Schema]:
        """The schema of ``kind`` with this extension's ``program_questions`` group.

        The group goes before the signatures, so that on the forms the pair
        answers the program's questions before signing.
        """
        return _schema_class(self, parse_kind(kind))


@functools.lru_cache(maxsize=64)
def _schema_class(extension: Extension, kind: Kind) -> type[Schema]:
    from . import fields as f
    from .schema import SCHEMAS

    base = SCHEMAS[kind]
    questions = extension.questions_for(kind)
    if not questions:
        return base
    if SECTION in base._declared_fields:  # a built-in section of that name would be shadowed
        raise MentoringDocsError(f"the {kind} schema already has a {SECTION!r} section; extensions cannot use it")
    group = _group_class(questions, SECTION, f"{base.__name__}ProgramQuestions")
    extended = type(f"{base.__name__}WithProgramQuestions", (base,),
                    {SECTION: f.group(group, SECTION_LABEL, SECTION_HELP),
                     "__doc__": base.__doc__, "__module__": __name__})
    declared: dict[str, mf.Field] = dict(extended._declared_fields)  # type: ignore[attr-defined]
    added = declared.pop(SECTION)
    ordered: dict[str, mf.Field] = {}
    for name, field in declared.items():
        if name == "signatures":
            ordered[SECTION] = added
        ordered[name] = field
    ordered.setdefault(SECTION, added)
    extended._declared_fields = ordered  # type: ignore[attr-defined]
    return extended


def _group_class(questions: tuple[Question, ...], prefix: str, name: str) -> type[Schema]:
    """A strict schema with a field per question directly under ``prefix`` and a group per deeper prefix."""
    from . import fields as f
    from .schema import _Strict

    # Questions directly in the group come first, then each inner group: the forms
    # lay out a group's own fields together, before its sub-groups.
    attrs: dict[str, Any] = {}
    nested: dict[str, list[Question]] = {}
    for q in questions:
        rest = q.path[len(prefix) + 1:]
        head, _, tail = rest.partition(".")
        if tail:
            nested.setdefault(head, []).append(q)
        else:
            attrs[head] = q.marshmallow_field()
    for head, inner in nested.items():
        label = head.replace("_", " ").capitalize()
        attrs[head] = f.group(_group_class(tuple(inner), f"{prefix}.{head}", f"{name}_{head}"), label, "")
    return type(name, (_Strict,), attrs)


# --- reading and checking a file ----------------------------------------------------------


def load_extension(path: str | os.PathLike[str]) -> Extension:
    """Read and check an extension file (``.json``, or ``.toml`` on Python 3.11+).

    Raises :class:`DataError` naming the file, with one problem per mistake by
    path (``fields.2.kind``), or :class:`MentoringDocsError` when it cannot be read.
    """
    source = str(path)
    p = Path(path)
    try:  # regular files only, bounded: a link to /dev/zero or a FIFO is refused
        blob = read_regular(p, MAX_EXTENSION_BYTES, label=source)
    except FileRefused as exc:
        if exc.missing:
            raise MentoringDocsError(f"{source}: extension file not found") from None
        raise MentoringDocsError(f"{source}: extension file {exc.reason}") from None
    if p.suffix.lower() == ".toml":
        data = _parse_toml(blob, source)
    else:
        from .validation import parse_json

        data = parse_json(blob, source=source)
    return parse_extension(data, source=source)


def _parse_toml(blob: bytes, source: str) -> Any:
    if sys.version_info < (3, 11):
        raise MentoringDocsError(f"{source}: TOML extension files need Python 3.11 or later; use JSON")
    import tomllib  # type: ignore[import-not-found,unused-ignore]

    try:
        return tomllib.loads(blob.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError([Problem("", f"not UTF-8 text (byte {exc.start})")], source) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError([Problem("", f"invalid TOML: {exc}")], source) from None


def parse_extension(data: Any, *, source: str = "<extension>") -> Extension:
    """Check a parsed extension document and return the :class:`Extension`; DataError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise DataError([Problem("", "an extension file must be an object with 'id' and 'fields'")], source)
    for key in data:
        if key not in ("id", "fields", "title", "description"):
            problems.append(Problem(str(key), "unknown key; an extension has 'id' and 'fields'"))
    ext_id = data.get("id")
    if not isinstance(ext_id, str) or not _ID.match(ext_id):
        problems.append(Problem("id", "is required: letters, digits, '.', '_' or '-', at most 64"))
        ext_id = ""
    raw_fields = data.get("fields")
    questions: list[tuple[int, Question]] = []
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append(Problem("fields", "must be a non-empty list of fields"))
    elif len(raw_fields) > MAX_FIELDS:
        problems.append(Problem("fields", f"at most {MAX_FIELDS} fields allowed, got {len(raw_fields)}"))
    else:
        for index, item in enumerate(raw_fields):
            question = _question(item, f"fields.{index}", problems)
            if question is not None:
                questions.append((index, question))
        _check_paths(questions, problems)
    if problems:
        raise DataError(problems, source)
    canonical = json.dumps({"id": ext_id, "fields": raw_fields}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    if len(canonical) > MAX_EXTENSION_DEFINITION_CHARS:
        # Every form made with it keeps the definition: refused here, not by each reader.
        raise DataError([Problem("", f"too large to keep in a form: its definition {too_long(len(canonical), MAX_EXTENSION_DEFINITION_CHARS)}")], source)
    import hashlib

    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return Extension(ext_id, tuple(q for _, q in questions), digest, source, canonical)


def _question(item: Any, at: str, problems: list[Problem]) -> Question | None:
    if not isinstance(item, Mapping):
        problems.append(Problem(at, "must be an object with document, path, label, help and kind"))
        return None
    count = len(problems)
    for key in item:
        if key not in _KEYS:
            problems.append(Problem(f"{at}.{key}", "unknown key; a field has " + ", ".join(sorted(_KEYS))))
    document = item.get("document")
    documents = _DOCUMENTS.get(document) if isinstance(document, str) else None
    if documents is None:
        problems.append(Problem(f"{at}.document", "must be one of: agreement, action_plan, both"))
    path = item.get("path")
    if not isinstance(path, str) or not _valid_path(path):
        problems.append(Problem(
            f"{at}.path", f"must be a dotted path under {SECTION!r} (such as {SECTION}.site), "
            f"each part lower-case letters, digits and '_', at most {MAX_DEPTH} parts below it"))
    label = _text(item, "label", at, problems, required=True)
    help_ = _text(item, "help", at, problems, required=False)
    kind = item.get("kind")
    if kind not in KINDS_OF_QUESTION:
        problems.append(Problem(f"{at}.kind", "must be one of: " + ", ".join(KINDS_OF_QUESTION)))
    required = item.get("required", False)
    if not isinstance(required, bool):
        problems.append(Problem(f"{at}.required", "must be true or false"))
    choices: tuple[tuple[str, str], ...] = ()
    if kind in ("choice", "checkboxes"):
        choices = _choices(item.get("choices"), f"{at}.choices", problems)
    elif "choices" in item:
        problems.append(Problem(f"{at}.choices", "only a choice or checkboxes field has choices"))
    minimum = _bound(item, "minimum", at, kind, problems)
    maximum = _bound(item, "maximum", at, kind, problems)
    if minimum is not None and maximum is not None and minimum > maximum:
        problems.append(Problem(f"{at}.maximum", "must not be less than the minimum"))
    rows = 3
    max_items = None
    item_label = ""
    for key in ("rows", "max_items", "item_label"):
        if key in item and kind != "text_list":
            problems.append(Problem(f"{at}.{key}", "only a text_list field has " + key))
    if kind == "text_list":
        rows = _count(item, "rows", at, problems, default=3)
        max_items = _count(item, "max_items", at, problems, default=None)
        item_label = _text(item, "item_label", at, problems, required=False) or "Item"
        if max_items is not None and rows > max_items:
            rows = max_items  # a PDF form offers no more rows than the list allows
    if kind == "checkboxes" and required:
        problems.append(Problem(f"{at}.required", "a checkboxes field cannot be required (no box ticked is an answer)"))
    if len(problems) > count:
        return None
    assert documents is not None and isinstance(path, str) and isinstance(kind, str)
    return Question(documents, path, label, help_, kind, required, choices, minimum, maximum, rows,
                    item_label, max_items)


def _valid_path(path: str) -> bool:
    parts = path.split(".")
    return (len(parts) >= 2 and parts[0] == SECTION and len(parts) <= MAX_DEPTH + 1
            and all(_SEGMENT.match(part) for part in parts[1:]))


def _text(item: Mapping[str, Any], key: str, at: str, problems: list[Problem], *, required: bool) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or "\n" in value or len(value) > MAX_TEXT:
        problems.append(Problem(f"{at}.{key}", f"must be one line of text, at most {MAX_TEXT} characters"))
        return ""
    return value.strip()


def _choices(value: Any, at: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or not value:
        problems.append(Problem(at, "must be a non-empty list of choices"))
        return ()
    if len(value) > MAX_CHOICES:
        problems.append(Problem(at, f"at most {MAX_CHOICES} choices allowed, got {len(value)}"))
        return ()
    out: list[tuple[str, str]] = []
    for index, choice in enumerate(value):
        where = f"{at}.{index}"
        if isinstance(choice, str):
            choice = {"value": choice, "label": choice.replace("_", " ").capitalize()}
        if not isinstance(choice, Mapping) or set(choice) - {"value", "label"}:
            problems.append(Problem(where, "must be a value, or an object with 'value' and 'label'"))
            continue
        val, label = choice.get("value"), choice.get("label", "")
        if not isinstance(val, str) or not _SEGMENT.match(val):
            problems.append(Problem(f"{where}.value", "must be lower-case snake_case, such as 'in_person'"))
            continue
        if not isinstance(label, str) or not label.strip() or "\n" in label or len(label) > MAX_TEXT:
            problems.append(Problem(f"{where}.label", "must be one line of text"))
            continue
        if any(v == val for v, _ in out):
            problems.append(Problem(f"{where}.value", f"{val!r} is already a choice"))
            continue
        out.append((val, label.strip()))
    return tuple(out)


def _bound(item: Mapping[str, Any], key: str, at: str, kind: Any, problems: list[Problem]) -> float | None:
    if key not in item:
        return None
    value = item[key]
    if kind not in ("integer", "number"):
        problems.append(Problem(f"{at}.{key}", f"only an integer or number field has a {key}"))
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) > 1e15:
        problems.append(Problem(f"{at}.{key}", "must be a number"))
        return None
    if kind == "integer" and not float(value).is_integer():
        problems.append(Problem(f"{at}.{key}", "must be a whole number"))
        return None
    return value


def _count(item: Mapping[str, Any], key: str, at: str, problems: list[Problem], *, default: int | None) -> Any:
    if key not in item:
        return default
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROWS:
        problems.append(Problem(f"{at}.{key}", f"must be a whole number from 1 to {MAX_ROWS}"))
        return default
    return value


def _check_paths(questions: list[tuple[int, Question]], problems: list[Problem]) -> None:
    """Each document's paths are distinct, and none is both a field and a group."""
    for kind in KINDS:
        seen: dict[str, int] = {}
        for at, q in questions:
            if kind not in q.documents:
                continue
            if q.path in seen:
                problems.append(Problem(f"fields.{at}.path", f"{q.path!r} is already fields.{seen[q.path]} of the {kind}"))
                continue
            seen[q.path] = at
        for path, at in seen.items():
            for other, other_at in seen.items():
                if other.startswith(path + "."):
                    problems.append(Problem(f"fields.{other_at}.path",
                                            f"cannot be inside {path!r}, which is fields.{at}"))


def from_definition(definition: str) -> Extension | None:
    """The extension a form stores (its canonical JSON), or None when it is damaged or too long."""
    if len(definition) > MAX_EXTENSION_DEFINITION_CHARS:
        return None  # never parsed: ours are never this long
    from .validation import parse_json  # bounded: depth, digits, keys given twice

    try:
        found = parse_extension(parse_json(definition, source="the form"), source="the form")
    except DataError:
        return None
    return found


def stored_extension(ext_id: str, digest: str, definition: str) -> tuple[Extension | None, Problem | None]:
    """The extension a form says it was made with, from the id, digest and definition it keeps.

    ``(extension, None)`` when the definition is sound and matches the digest;
    otherwise ``(None, problem)``: an over-long, malformed or altered definition is
    a problem on ``program_questions``, never an exception. What the form says is quoted no longer than a name may be.
    """
    said = f"the form says it was made with the field extension {_clip(ext_id)} (digest {_clip(digest)})"
    if len(definition) > MAX_EXTENSION_DEFINITION_CHARS:
        return None, Problem(SECTION, f"{said}, but the definition it keeps "
                                      f"{too_long(len(definition), MAX_EXTENSION_DEFINITION_CHARS)}; "
                                      "its program questions are not typed or checked")
    extension = from_definition(definition)
    if extension is None or extension.digest != digest or extension.id != ext_id:
        return None, Problem(SECTION, f"{said}, but the definition it keeps is damaged; "
                                      "its program questions are not typed or checked")
    return extension, None


def _clip(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def extension_of(value: Extension | str | os.PathLike[str] | Mapping[str, Any] | None) -> Extension | None:
    """An :class:`Extension` from an extension, a file path or None (the Python API accepts each)."""
    if value is None or isinstance(value, Extension):
        return value
    if isinstance(value, Mapping):
        return parse_extension(value)
    return load_extension(value)
