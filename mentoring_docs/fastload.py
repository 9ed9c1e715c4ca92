"""A fast path for loading valid records, compiled once from a schema's loading plan.

Every returned form and every roster row is loaded through the schemas in
:mod:`mentoring_docs.schema`. Marshmallow's general machinery (an error store,
a getter closure and an ``And`` validator per field, a full ``Schema.load`` per
nested object) costs several times more than the checks themselves, and almost
every record we load is valid. So :class:`FastLoader` compiles a schema's plan
(:mod:`mentoring_docs.schema_plan`: which rule of :mod:`mentoring_docs.rules`
reads each field, which checks follow) into a tree of plain closures that does
only the work a *valid* record needs, with the very functions the marshmallow
fields call, so that every rule stays written once.

The compiled path never decides that data is invalid. The moment it meets
anything it does not plainly accept -- a rule or a check refusing, a wrong type,
an unknown or missing required key, anything else that raises -- it gives up and
marshmallow's own ``Schema.load`` runs on the same input, so errors, messages and
problem paths are exactly marshmallow's. Subtrees the plan leaves to marshmallow
(field classes it does not know, schemas with load hooks) are loaded by calling
the field's ``deserialize``, just as ``Schema.load`` would.

This module does not import marshmallow: with a plan from the committed snapshot
(:mod:`mentoring_docs.snapshot`), a valid record loads without it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from . import rules

#: ``deserialize(value)``: a rule of :mod:`.rules`, or a compiled list / object loader; or (a
#: fallback, ``whole``) a marshmallow field's ``deserialize(value, key, parent)``.
Deserialize = Callable[..., Any]
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
    """Loads data as ``schema.load(data)`` would, faster when it is valid.

    Made from a marshmallow ``schema`` (its plan is worked out here), or from a
    ready ``plan`` (the snapshot's) and ``slow``, the function that loads what the
    fast path defers (the schema's ``load``, imported only then).

    ``fallbacks`` lists the dotted paths (``*`` for list items) of the subtrees the
    plan leaves to marshmallow, even on the fast path; empty for our schemas, so a
    test can tell when a change makes it slow again.
    """

    def __init__(self, schema: Any = None, *, plan: Mapping[str, Any] | None = None,
                 slow: Callable[[Any], dict[str, Any]] | None = None, fallbacks: Sequence[str] = ()) -> None:
        if schema is not None:
            from .schema_plan import plan_of

            plan, fallbacks = plan_of(schema)
            slow = schema.load
        self.schema = schema
        self.fallbacks: list[str] = list(fallbacks)
        self._slow = slow
        self._run = _object(plan) if plan is not None else None

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
            return self.slow(data)

    def slow(self, data: Any) -> dict[str, Any]:
        """What :meth:`fast` defers to: marshmallow's ``Schema.load`` (:class:`Defer` when there is none)."""
        if self._slow is None:
            raise Defer("no schema to load with")
        return self._slow(data)


_ABSENT = object()


def _object(plan: Mapping[str, Any]) -> ObjectRun:
    """A loader for one object, as ``Schema._deserialize`` then its schema validators."""
    entries = []
    for entry in plan["fields"]:
        key = entry["key"]
        default = entry.get("default", _ABSENT)
        entries.append((key, entry.get("target", key), bool(entry.get("required")), default,
                        *_field(entry["step"])))
    absent: Any = _ABSENT
    if any(whole for *_, whole in entries):  # a live marshmallow field: it needs marshmallow's "missing"
        from marshmallow import missing

        absent = missing
        entries = [(k, t, r, missing if d is _ABSENT else d, *rest) for k, t, r, d, *rest in entries]
    plan_t = tuple(entries)
    checks = tuple(_check(c) for c in plan["checks"])

    # One pass over the declared fields in declaration order, as Schema._deserialize
    # does, so the record's keys come out in the same order.
    def load_object(data: Any, _key: Any = None, _parent: Any = None) -> dict[str, Any]:
        # A dict subclass (a Record loaded again) reads like a dict; other
        # mappings are rare: marshmallow's job.
        if type(data) is not dict and not isinstance(data, dict):
            raise Defer("not a dict")
        out: dict[str, Any] = {}
        seen = 0
        for key, target, required, default, deserialize, validators, allow_none, whole in plan_t:
            value = data.get(key, absent)
            if whole:
                seen += value is not absent
                value = deserialize(value, key, data)
                if value is not absent:
                    out[target] = value
                continue
            if value is absent:
                if required:
                    raise Defer(f"missing {key}")
                if default is not absent:
                    out[target] = default() if callable(default) else default
                continue
            seen += 1
            if value is None:
                if not allow_none:
                    raise Defer("null")
                out[target] = None
                continue
            value = deserialize(value)
            for check in validators:
                check(value)
            out[target] = value
        if seen != len(data):  # a key no field reads: marshmallow reports it as unknown
            raise Defer("unknown key")
        for schema_check in checks:
            schema_check(out, data)
        return out

    return load_object


def _field(step: Mapping[str, Any]) -> _Step:
    rule = step["rule"]
    if rule == "field":  # left to marshmallow: its deserialize handles missing, None and validators
        return _Step(step["field"].deserialize, (), False, True)
    validators = tuple(_validator(v) for v in step.get("validators", ()))
    return _Step(_RULES[rule](step), validators, bool(step.get("allow_none")), False)


# The rules are called directly (or through a C-level partial): readers load every field of
# every form through here, and a Python wrapper per field would cost as much as some checks.


def _text(step: Mapping[str, Any]) -> Deserialize:
    return functools.partial(rules.text, multiline=True) if step["multiline"] else rules.text


def _date(step: Mapping[str, Any]) -> Deserialize:
    return rules.date


def _choice(step: Mapping[str, Any]) -> Deserialize:
    return functools.partial(rules.choice_type, names=tuple(step["names"]))


def _choice_set(step: Mapping[str, Any]) -> Deserialize:
    # The set's own field checks each item (text, one of the choices) as its inner Choice would.
    names = tuple(step["names"])
    known = frozenset(names)

    def load_set(value: Any) -> list[Any]:
        if type(value) is not list:
            raise Defer("not a list")
        for item in value:
            if type(item) is not str or item not in known:
                raise Defer("not a choice")
        return rules.choice_set_order(value, names)

    return load_set


def _flag(step: Mapping[str, Any]) -> Deserialize:
    return rules.flag


def _integer(step: Mapping[str, Any]) -> Deserialize:
    # Integer(strict=True): our rule gives a plain int, which marshmallow's int() keeps as it is.
    return rules.whole_number


def _number(step: Mapping[str, Any]) -> Deserialize:
    number = rules.number

    def load_number(value: Any) -> float:
        out = float(number(value))  # marshmallow's Float; OverflowError for a huge int defers
        if not rules.finite(out):
            raise Defer("not finite")
        return out

    return load_number


def _list(step: Mapping[str, Any]) -> Deserialize:
    """Loads a list as ``fields.List._deserialize`` does: each item as its own field,
    given no key and no parent."""
    deserialize, checks, allow_none, whole = _field(step["item"])

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
                each = deserialize(each)
                for check in checks:
                    check(each)
            out.append(each)
        return out

    return load_list


def _nested(step: Mapping[str, Any]) -> Deserialize:
    return _object(step["schema"])


_RULES: dict[str, Callable[[Mapping[str, Any]], Deserialize]] = {
    "text": _text, "date": _date, "choice": _choice, "choice_set": _choice_set, "flag": _flag,
    "integer": _integer, "number": _number, "list": _list, "object": _nested,
}


def _validator(spec: Any) -> Callable[[Any], Any]:
    """A check that raises when marshmallow's validator might refuse the value."""
    if callable(spec):  # a validator the plan has no name for: marshmallow's own object
        return spec  # type: ignore[no-any-return]
    name, *args = spec
    if name == "range":
        low, high, low_inclusive, high_inclusive = args

        def in_range(value: Any) -> None:
            if low is not None and (value < low if low_inclusive else value <= low):
                raise Defer("out of range")
            if high is not None and (value > high if high_inclusive else value >= high):
                raise Defer("out of range")

        return in_range
    if name == "one_of":
        choices = frozenset(args[0])

        def one_of(value: Any) -> None:
            if value not in choices:
                raise Defer("not a choice")

        return one_of
    if name == "email":
        def email(value: Any) -> None:
            if not rules.plainly_email(value):
                raise Defer("not a plain e-mail address")  # marshmallow's validator decides

        return email
    if name == "time_zone":
        return rules.valid_time_zone
    if name == "currency":
        return rules.valid_currency
    if name == "max_items":
        limit = args[0]
        return lambda items: rules.at_most(items, limit)
    raise ValueError(f"unknown validator in a loading plan: {name!r}")


def _check(spec: Any) -> Callable[[dict[str, Any], Any], None]:
    """A schema-level check: a name of :data:`.rules.CHECKS`, or a live method called as marshmallow does."""
    if isinstance(spec, str):
        rule = rules.CHECKS[spec]

        def named(out: dict[str, Any], _data: Any) -> None:
            if rule(out):
                raise Defer(spec)

        return named
    method, pass_original, partial, unknown = spec
    if pass_original:
        def run_with_original(out: dict[str, Any], data: Any) -> None:
            method(out, data, partial=partial, many=False, unknown=unknown)

        return run_with_original

    def run(out: dict[str, Any], data: Any) -> None:
        method(out, partial=partial, many=False, unknown=unknown)

    return run


__all__ = ["Defer", "FastLoader"]
