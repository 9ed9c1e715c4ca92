"""A marshmallow schema described as a loading plan: what :mod:`.fastload` compiles.

The plan says, for every field, how a *valid* value is loaded: which rule of
:mod:`.rules` reads it, which checks follow (ranges, choices, list lengths, the
schema-level checks of :data:`.rules.CHECKS`), whether it is required, its
default. Built from our schemas it is plain data (JSON), which is what lets a
single fill load a record without importing marshmallow: the plan of each
built-in schema is kept in the committed snapshot (:mod:`.snapshot`).

What the planner does not recognise -- a field class outside :data:`LEAF_FIELDS`,
a validator it cannot name, a schema with load hooks, options such as ``many`` or
``partial`` -- goes into the plan as the live marshmallow object: that subtree is
loaded by marshmallow itself, even on the fast path, and is listed in
``fallbacks``. Such a plan is not data, and the snapshot refuses it.
"""

from __future__ import annotations

from typing import Any, Callable

from marshmallow import RAISE, Schema, fields, missing, validate
from marshmallow.decorators import POST_DUMP, PRE_DUMP, VALIDATES_SCHEMA

from . import fields as ours

#: Field classes whose value a rule of :mod:`.rules` loads, as their own ``_deserialize``
#: does, then their ``validators``. Only these exact classes: a subclass may change
#: anything and goes to marshmallow.
LEAF_FIELDS: dict[type[fields.Field], str] = {
    ours.Text: "text", ours.Date: "date", ours.Choice: "choice", ours.ChoiceSet: "choice_set",
    ours.Flag: "flag", ours.Integer: "integer", ours.Number: "number",
}

# Marshmallow's Schema.load runs through these; a schema class that overrides any of
# them may load differently from what the compiled path assumes.
_SCHEMA_METHODS = ("load", "_do_load", "_deserialize", "_invoke_field_validators",
                   "_invoke_schema_validators", "_run_validator", "_invoke_load_processors")
# Field.deserialize's steps; a field class overriding them is not a plain leaf.
_FIELD_METHODS = ("deserialize", "_validate_missing", "_validate")
# Hooks that do not take part in loading.
_IDLE_HOOKS = frozenset({PRE_DUMP, POST_DUMP, VALIDATES_SCHEMA})
# Validators that are functions of ours, by the name a plan gives them.
_NAMED_VALIDATORS: dict[Callable[..., Any], str] = {
    ours._valid_time_zone: "time_zone", ours._valid_currency: "currency",
}


def plan_of(schema: Schema) -> tuple[dict[str, Any] | None, list[str]]:
    """The plan of ``schema`` (None when the schema itself must be loaded by marshmallow)
    and the dotted paths (``*`` for list items) of the subtrees left to marshmallow."""
    fallbacks: list[str] = []
    plan = _Planner(fallbacks).schema(schema, schema.unknown, "", ())
    if plan is None:
        fallbacks.append("")
    return plan, fallbacks


class _Planner:
    def __init__(self, fallbacks: list[str]) -> None:
        self.fallbacks = fallbacks

    def schema(self, schema: Schema, unknown: str | None, path: str,
               ancestors: tuple[type, ...]) -> dict[str, Any] | None:
        """The plan of one object, or None when this schema must be loaded by marshmallow."""
        cls = type(schema)
        if (
            cls in ancestors  # a schema nested in itself: compiling would never end
            or any(getattr(cls, name) is not getattr(Schema, name) for name in _SCHEMA_METHODS)
            or schema.many
            or schema.partial is not None
            or schema.dict_class is not dict
            or unknown != RAISE
            or any(hooks for tag, hooks in schema._hooks.items() if tag not in _IDLE_HOOKS)
        ):
            return None
        entries = []
        for name, field in schema.load_fields.items():
            key = field.data_key if field.data_key is not None else name
            target = field.attribute or name
            if "." in target:  # marshmallow would build nested dicts from a dotted attribute
                return None
            entry: dict[str, Any] = {"key": key, "step": self.field(field, f"{path}{key}", ancestors + (cls,))}
            if target != key:
                entry["target"] = target
            if field.required:
                entry["required"] = True
            if field.load_default is not missing:
                entry["default"] = field.load_default
            entries.append(entry)
        return {"fields": entries, "checks": _checks(schema, unknown)}

    def field(self, field: fields.Field, path: str, ancestors: tuple[type, ...]) -> dict[str, Any]:
        """How to load ``field``; the live field (marshmallow's ``deserialize``) when it is not planned."""
        cls = type(field)
        plain = (
            not field.pre_load and not field.post_load
            and all(getattr(cls, name) is getattr(fields.Field, name) for name in _FIELD_METHODS)
        )
        step: dict[str, Any] | None = None
        if plain and cls in LEAF_FIELDS:
            step = _leaf(field, LEAF_FIELDS[cls])
        elif plain and cls is fields.List:
            step = {"rule": "list", "item": self.field(field.inner, f"{path}.*", ancestors)}  # type: ignore[attr-defined]
        elif plain and cls is fields.Nested and not field.many:  # type: ignore[attr-defined]
            nested = field.schema  # type: ignore[attr-defined]
            unknown = field.unknown if field.unknown is not None else nested.unknown  # type: ignore[attr-defined]
            inner = self.schema(nested, unknown, path + ".", ancestors)
            step = {"rule": "object", "schema": inner} if inner is not None else None
        if step is None:
            self.fallbacks.append(path)
            return {"rule": "field", "field": field}
        step["validators"] = [_validator(v) for v in field.validators]
        if field.allow_none:
            step["allow_none"] = True
        return step


def _leaf(field: fields.Field, rule: str) -> dict[str, Any] | None:
    step: dict[str, Any] = {"rule": rule}
    if rule == "text":
        step["multiline"] = bool(field.multiline)  # type: ignore[attr-defined]
    elif rule in ("choice", "choice_set"):
        step["names"] = [value for value, _label in field.choices]  # type: ignore[attr-defined]
    elif rule == "number" and field.allow_nan is not False:  # type: ignore[attr-defined]
        return None  # our Number refuses NaN; a field that allows it is marshmallow's to load
    return step


def _validator(check: Callable[[Any], Any]) -> Any:
    """A validator as plan data, or the validator itself when it has no name in a plan."""
    if type(check) is validate.Range:
        return ["range", check.min, check.max, check.min_inclusive, check.max_inclusive]
    if type(check) is validate.OneOf:
        return ["one_of", list(check.choices)]
    if type(check) is validate.Email:
        return ["email"]
    name = _NAMED_VALIDATORS.get(check)
    if name is not None:
        return [name]
    if getattr(check, "__qualname__", "") == "_count_validator.<locals>.check" and hasattr(check, "max_items"):
        return ["max_items", check.max_items]
    return check


def _checks(schema: Schema, unknown: str) -> list[Any]:
    """The schema's ``@validates_schema`` methods in the order ``_do_load`` calls them
    (collection-level first): a name of :data:`.rules.CHECKS`, or ``[method, pass_original,
    partial, unknown]`` for a method of another kind, called as marshmallow calls it."""
    hooks = schema._hooks[VALIDATES_SCHEMA]
    ordered = [h for h in hooks if h[1]] + [h for h in hooks if not h[1]]
    out: list[Any] = []
    for attr_name, many, options in ordered:
        method = getattr(schema, attr_name)
        pass_original = options.get("pass_original", False)
        rule = getattr(method, "rule", None)
        if isinstance(rule, str) and not many and not pass_original:
            out.append(rule)
        else:
            out.append([method, pass_original, schema.partial, unknown])
    return out


def flag_names() -> frozenset[str]:
    """The names of the yes/no boxes (``no_fault``, ``will_complete``) anywhere in the built-in schemas.

    ``false`` under one of these names is dropped like an empty text; anywhere else
    it is left for the field to refuse (a number or a text given as ``false``).
    """
    from .schema import SCHEMAS

    names: set[str] = set()

    def walk(schema: Any) -> None:
        for name, field in schema.fields.items():
            if isinstance(field, ours.Flag):
                names.add(name)
            inner = getattr(field, "inner", field)
            if hasattr(inner, "schema") and hasattr(inner.schema, "fields"):
                walk(inner.schema)

    for schema_class in SCHEMAS.values():
        walk(schema_class())
    return frozenset(names)
