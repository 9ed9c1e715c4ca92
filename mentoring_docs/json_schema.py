"""JSON Schema (draft 2020-12) generated from the marshmallow schemas.

The files in ``schemas/`` are this module's output; a test keeps them in sync.
Rules that span fields (end after start, completion date only when completed) cannot
be said in JSON Schema; they are stated in the descriptions and enforced by
:func:`mentoring_docs.validation.load`.
"""

from __future__ import annotations

import json
from typing import Any

from marshmallow import Schema, fields as mf, missing

from . import currencies, fields as f
from .kinds import TITLES, parse_kind
from .limits import MAX_LONG_TEXT_CHARS, MAX_TEXT_CHARS
from .schema import SCHEMAS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NO_CONTROL = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
_ONE_LINE = "^[^\\u0000-\\u0008\\u000a-\\u001f]*$"

_RULES = {
    "TimeframeSchema": "end_date must be after start_date; midpoint_check, when given, falls between them.",
    "ActivitySchema": "completed_on is allowed only when status is 'completed'.",
    "AgreementSchema": "ending.review_date, when given, is after timeframe.start_date and on or before timeframe.end_date.",
}


def json_schema(kind: str, *, extension: Any = None) -> dict[str, Any]:
    """The JSON Schema of ``kind`` as a dict.

    With ``extension`` (an :class:`~mentoring_docs.extension.Extension` or the path
    of an extension file), it includes the extension's ``program_questions`` and
    its ``$id`` names the extension and its digest.
    """
    from .catalogue import catalogue

    kind = parse_kind(kind)
    cat = catalogue(kind, extension)
    schema = _object(cat.schema_class())
    rule = schema.get("description")
    about = (SCHEMAS[kind].__doc__ or "").strip()
    ident = f"urn:mentoring-docs:schema:{kind}"
    if cat.extension is not None:
        ident += f":extension:{cat.extension.id}:{cat.extension.digest}"
    return {
        "$schema": DIALECT,
        "$id": ident,
        "title": TITLES[kind],
        "description": f"{about} Rule: {rule}" if rule else about,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def json_schema_text(kind: str, *, extension: Any = None) -> str:
    """The JSON Schema of ``kind`` as the text stored in ``schemas/`` (with an extension's fields when given)."""
    return json.dumps(json_schema(kind, extension=extension), ensure_ascii=False, indent=2) + "\n"


def schema_file_name(kind: str) -> str:
    """``agreement.schema.json`` or ``action_plan.schema.json``."""
    return f"{parse_kind(kind)}.schema.json"


def _object(schema: Schema) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: _field(field) for name, field in schema.fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, field in schema.fields.items() if field.required]
    if required:
        out["required"] = required
    # By the class or a base: an extension's schema subclasses the built-in one and keeps its rule.
    rule = next((_RULES[c.__name__] for c in type(schema).__mro__ if c.__name__ in _RULES), None)
    if rule:
        out["description"] = rule
    return out


def _annotate(out: dict[str, Any], field: mf.Field) -> dict[str, Any]:
    meta = field.metadata
    if "label" in meta:
        out = {"title": meta["label"], "description": meta["help"], **out}
    return out


def _field(field: mf.Field) -> dict[str, Any]:
    meta = field.metadata
    out: dict[str, Any]
    if isinstance(field, mf.Nested):
        nested = _object(field.schema)
        rule = nested.pop("description", None)
        out = _annotate(nested, field)
        if rule:
            out["description"] = f"{out['description']} Rule: {rule}" if "description" in out else rule
        return out
    if isinstance(field, f.ChoiceSet):
        out = {
            "type": "array",
            "items": {"enum": [v for v, _ in field.choices]},
            "uniqueItems": True,
            "x-choice-labels": dict(field.choices),
        }
    elif isinstance(field, mf.List):
        out = {"type": "array", "items": _field(field.inner)}
        if meta.get("max_items"):
            out["maxItems"] = meta["max_items"]
    elif isinstance(field, f.Choice):
        out = {"type": "string", "enum": [v for v, _ in field.choices], "x-choice-labels": dict(field.choices)}
        if field.load_default is not missing:
            out["default"] = field.load_default
    elif isinstance(field, f.Date):
        out = {"type": "string", "format": "date"}
    elif isinstance(field, f.Flag):
        # false is accepted and means "not ticked", which canonical records leave out.
        out = {"type": "boolean"}
    elif isinstance(field, f.Integer):
        out = {"type": "integer"}
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
        if meta.get("scale"):
            out["x-scale-labels"] = dict(meta["scale"])
    elif isinstance(field, f.Number):
        out = {"type": "number"}
        if meta.get("exclusive_minimum") is not None:
            out["exclusiveMinimum"] = meta["exclusive_minimum"]
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
    elif isinstance(field, f.Text):
        out = {"type": "string", "pattern": _NO_CONTROL if field.multiline else _ONE_LINE,
               "maxLength": MAX_LONG_TEXT_CHARS if field.multiline else MAX_TEXT_CHARS}
        if meta.get("format") == "email":
            out["format"] = "email"
        elif meta.get("format") == "currency":
            out["enum"] = sorted(currencies.CODES)
    else:  # pragma: no cover - every field of the schemas is one of the above
        raise TypeError(f"no JSON Schema for {type(field).__name__}")
    return _annotate(out, field)


def write_files(folder: str | None = None) -> list[str]:
    """Regenerate the JSON Schema files (by default those shipped in the package)."""
    from pathlib import Path

    target = Path(folder) if folder else Path(__file__).resolve().parent / "schemas"
    written = []
    for kind in SCHEMAS:
        path = target / schema_file_name(kind)
        path.write_text(json_schema_text(kind), encoding="utf-8")
        written.append(str(path))
    return written


if __name__ == "__main__":  # python -m mentoring_docs.json_schema --write
    import sys

    if sys.argv[1:] == ["--write"]:
        print("\n".join(write_files()))
    else:
        sys.exit("usage: python -m mentoring_docs.json_schema --write")
