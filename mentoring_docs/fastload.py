"""A fast path for loading valid records, compiled once from the marshmallow schemas.

Every returned form and every roster row is loaded through the schemas in
:mod:`mentoring_docs.schema`. Marshmallow's general machinery (an error store,
a getter closure and an ``And`` validator per field, a full ``Schema.load`` per
nested object) costs several times more than the checks themselves, and almost
every record we load is valid. So :class:`FastLoader` walks a schema's fields
once and builds a tree of plain closures that does only the work a *valid*
record needs, calling each field's own ``_deserialize`` and ``validators`` so
that every rule stays written once, in :mod:`mentoring_docs.fields`.

The compiled path never decides that data is invalid. The moment it meets
anything it does not plainly accept -- a validator raising, a wrong type, an
unknown or missing required key, anything else that raises -- it gives up and
marshmallow's own ``Schema.load`` runs on the same input, so errors, messages
and problem paths are exactly marshmallow's. What it does not know how to
compile (a field class outside :data:`LEAF_FIELDS`, a schema with load hooks
other than ``@validates_schema``, options such as ``many`` or ``partial``) is
handed to marshmallow for that subtree by calling the field's ``deserialize``,
just as ``Schema.load`` would: a new field or field class in the schemas needs
no change here and is never skipped.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, cast

from marshmallow import RAISE, Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP, VALIDATES_SCHEMA

from . import fields as ours

#: Field classes whose value is loaded by their own ``_deserialize`` and then their
#: ``validators``, exactly what ``Field.deserialize`` does for a present value. Only
#: these exact classes: a subclass may change anything and goes to marshmallow.
LEAF_FIELDS: frozenset[type[fields.Field]] = frozenset(
    {ours.Text, ours.Date, ours.Choice, ours.ChoiceSet, ours.Flag, ours.Integer, ours.Number}
)

# Marshmallow's Schema.load runs through these; a schema class that overrides any of
# them may load differently from what the compiled path assumes.
_SCHEMA_METHODS = ("load", "_do_load", "_deserialize", "_invoke_field_validators",
                   "_invoke_schema_validators", "_run_validator", "_invoke_load_processors")
# Field.deserialize's steps; a field class overriding them is not a plain leaf.
_FIELD_METHODS = ("deserialize", "_validate_missing", "_validate")
# Hooks that do not take part in loading.
_IDLE_HOOKS = frozenset({PRE_DUMP, POST_DUMP, VALIDATES_SCHEMA})

#: ``deserialize(value, key, parent)``: a field's own ``_deserialize``, or a compiled
#: list / object loader with the same signature, or (a fallback) its ``deserialize``.
Deserialize = Callable[[Any, Any, Any], Any]
#: Loads one raw object into a record, or raises.
ObjectRun = Callable[..., dict[str, Any]]


class _Step(NamedTuple):
    """How to load one field's value: what ``Field.deserialize`` does, unrolled."""

    deserialize: Deserialize
    validators: tuple[Callable[[Any], Any], ...]
    allow_none: bool
    whole: bool  # ``deserialize`` is marshmallow's own, which also handles missing and None


class Defer(Exception):
    """The compiled path does not plainly accept the input: let marshmallow load it."""


class FastLoader:
    """Loads data with ``schema`` as ``schema.load(data)`` would, faster when it is valid.

    ``fallbacks`` lists the dotted paths (``*`` for list items) of the subtrees the
    compiler could not compile and that marshmallow loads even on the fast path;
    empty for our schemas, so a test can tell when a change makes it slow again.
    """

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.fallbacks: list[str] = []
        self._run = _Compiler(self.fallbacks).schema(schema, schema.unknown, "", ())
        if self._run is None:
            self.fallbacks.append("")

    def fast(self, data: Any) -> dict[str, Any]:
        """The loaded record, or :class:`Defer` when the fast path cannot vouch for it."""
        if self._run is None:
            raise Defer("the schema itself is not compiled")
        try:
            return self._run(data)
        except Exception as exc:  # anything at all: marshmallow decides what it means
            raise Defer(type(exc).__name__) from exc

    def load(self, data: Any) -> dict[str, Any]:
        """Exactly ``schema.load(data)``: same record, same ``ValidationError``."""
        try:
            return self.fast(data)
        except Defer:  # whatever it was, marshmallow says it properly
            return self.schema.load(data)


class _Compiler:
    """Builds the closures; notes every subtree left to marshmallow in ``fallbacks``."""

    def __init__(self, fallbacks: list[str]) -> None:
        self.fallbacks = fallbacks

    def schema(self, schema: Schema, unknown: str | None, path: str,
               ancestors: tuple[type, ...]) -> ObjectRun | None:
        """A loader for one object, or None when this schema must be loaded by marshmallow."""
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
        plan = []
        for name, field in schema.load_fields.items():
            key = field.data_key if field.data_key is not None else name
            target = field.attribute or name
            if "." in target:  # marshmallow would build nested dicts from a dotted attribute
                return None
            step = self.field(field, f"{path}{key}", ancestors + (cls,))
            plan.append((key, target, bool(field.required), field.load_default, *step))
        plan_t = tuple(plan)
        validators = tuple(_schema_validators(schema, unknown))

        # One pass over the declared fields in declaration order, as Schema._deserialize
        # does, so the record's keys come out in the same order.
        def load_object(data: Any, _key: Any = None, _parent: Any = None) -> dict[str, Any]:
            # A dict subclass (a Record loaded again) reads like a dict; other
            # mappings are rare: marshmallow's job.
            if type(data) is not dict and not isinstance(data, dict):
                raise Defer("not a dict")
            out: dict[str, Any] = {}
            seen = 0
            for key, target, required, default, deserialize, checks, allow_none, whole in plan_t:
                value = data.get(key, missing)
                if whole:
                    seen += value is not missing
                    value = deserialize(value, key, data)
                    if value is not missing:
                        out[target] = value
                    continue
                if value is missing:
                    if required:
                        raise Defer(f"missing {key}")
                    if default is not missing:
                        out[target] = default() if callable(default) else default
                    continue
                seen += 1
                if value is None:
                    if not allow_none:
                        raise Defer("null")
                    out[target] = None
                    continue
                value = deserialize(value, key, data)
                for check in checks:
                    check(value)
                if value is not missing:
                    out[target] = value
            if seen != len(data):  # a key no field reads: marshmallow reports it as unknown
                raise Defer("unknown key")
            for validator in validators:
                validator(out, data)
            return out

        return load_object

    def field(self, field: fields.Field, path: str, ancestors: tuple[type, ...]) -> _Step:
        """How to load ``field``; marshmallow's own ``deserialize`` when it is not compiled."""
        cls = type(field)
        plain = (
            not field.pre_load and not field.post_load
            and all(getattr(cls, name) is getattr(fields.Field, name) for name in _FIELD_METHODS)
        )
        deserialize: Deserialize | None = None
        if plain and cls in LEAF_FIELDS:
            deserialize = field._deserialize
        elif plain and cls is fields.List:
            deserialize = _list(self.field(cast(fields.List, field).inner, f"{path}.*", ancestors))
        elif plain and cls is fields.Nested and not cast(fields.Nested, field).many:
            nested = cast(fields.Nested, field).schema
            unknown = cast(fields.Nested, field).unknown
            unknown = unknown if unknown is not None else nested.unknown
            deserialize = self.schema(nested, unknown, path + ".", ancestors)
        if deserialize is None:
            self.fallbacks.append(path)
            return _Step(field.deserialize, (), False, True)
        return _Step(deserialize, tuple(field.validators), bool(field.allow_none), False)


def _list(item: _Step) -> Deserialize:
    """Loads a list as ``fields.List._deserialize`` does: each item as its own field,
    given no key and no parent."""
    deserialize, checks, allow_none, whole = item

    def load_list(value: Any, _key: Any = None, _parent: Any = None) -> list[Any]:
        if type(value) is not list:  # tuples and other collections: rare, marshmallow's job
            raise Defer("not a list")
        if whole:
            return [deserialize(each, None, None) for each in value]
        out = []
        for each in value:
            if each is None:
                if not allow_none:
                    raise Defer("null")
            else:
                each = deserialize(each, None, None)
                for check in checks:
                    check(each)
            out.append(each)
        return out

    return load_list


def _schema_validators(schema: Schema, unknown: str) -> list[Callable[[dict[str, Any], Any], None]]:
    """The schema's ``@validates_schema`` methods from marshmallow's hook registry, in the
    order ``_do_load`` calls them (collection-level first), each called as it calls them."""
    hooks = schema._hooks[VALIDATES_SCHEMA]
    ordered = [h for h in hooks if h[1]] + [h for h in hooks if not h[1]]
    out = []
    for attr_name, _many, options in ordered:
        method = getattr(schema, attr_name)
        pass_original = options.get("pass_original", False)
        out.append(_schema_validator(method, pass_original, schema.partial, unknown))
    return out


def _schema_validator(method: Callable[..., Any], pass_original: bool, partial: Any,
                      unknown: str) -> Callable[[dict[str, Any], Any], None]:
    if pass_original:
        def run_with_original(out: dict[str, Any], data: Any) -> None:
            method(out, data, partial=partial, many=False, unknown=unknown)

        return run_with_original

    def run(out: dict[str, Any], data: Any) -> None:
        method(out, partial=partial, many=False, unknown=unknown)

    return run


__all__ = ["Defer", "FastLoader", "LEAF_FIELDS"]
